/**
 * MAC addresses of Wi-Fi access points and Bluetooth beacons (SPEC §3.2, §5.3): normalised to
 * 12 lowercase hex digits, stored as 6 raw bytes, sharded by the 5th hex digit (SPEC §9.3).
 */


const COLON = 58;
const DASH = 45;
const DOT = 46;

/** Removes every `:`, `-` and `.` and lowercases; the result still has to pass `isValidMac`. */
export function normalizeMac(s: string): string {
  // A character loop instead of a regex: this runs once per network on the splitter's hot path.
  let out = "";
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === COLON || c === DASH || c === DOT) {
      out += s.slice(start, i);
      start = i + 1;
    }
  }
  out = start === 0 ? s : out + s.slice(start);
  return out.toLowerCase();
}

function isLowerHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102);
}

/** Whether a normalised MAC is usable: 12 lowercase hex digits, none of the rejected values. */
export function isValidMac(mac: string): boolean {
  if (mac.length !== 12) return false;
  for (let i = 0; i < 12; i++) if (!isLowerHex(mac.charCodeAt(i))) return false;
  // Upstream's three rejected values; the last is its documentation test MAC (RFC 7042). Plain
  // comparisons, not a Set: hashing a fresh string per network costs more on the hot path.
  return mac !== "000000000000" && mac !== "ffffffffffff" && mac !== "01005e901000";
}

/** The 6 raw bytes stored in the shard tables' `mac` column. */
export function macToBytes(mac: string): Buffer {
  const lower = mac.toLowerCase();
  for (let i = 0; i < lower.length; i++) {
    if (!isLowerHex(lower.charCodeAt(i))) throw new RangeError(`not a 12-digit hex MAC: ${mac}`);
  }
  if (lower.length !== 12) throw new RangeError(`not a 12-digit hex MAC: ${mac}`);
  return Buffer.from(lower, "hex");
}

export function macFromBytes(buf: Uint8Array): string {
  if (buf.length !== 6) throw new RangeError(`a MAC is 6 bytes, got ${buf.length}`);
  return Buffer.from(buf.buffer, buf.byteOffset, 6).toString("hex");
}

/** The shard hex digit: index 4 of the normalised MAC (`wifi_shard_8` for `3680873e9b83`). */
export function macShard(mac: string): string {
  return mac.charAt(4);
}
