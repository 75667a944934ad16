/**
 * Upper bounds for the free-form strings a client may send. Without them one request could make
 * the service hold and store a multi-megabyte SSID or MAC (the submit endpoints need no key).
 * Each bound is the most the field can mean; a longer value is dropped in the SPEC §4.1 lenient
 * style (the field, or the network entry when the value is its MAC), never a 400.
 */
import { normalizeMac } from "../observation/mac.ts";
import { type Ctx, type Obj, readString } from "./fields.ts";

/** IEEE 802.11: an SSID is at most 32 octets. */
export const SSID_MAX_BYTES = 32;
/** Bluetooth Core: a device name is at most 248 octets of UTF-8. */
export const BLUE_NAME_MAX_BYTES = 248;
/** Operator names are short; 128 leaves room for the longest seen in the wild. */
export const CARRIER_MAX_CHARS = 128;
/** A Wi-Fi standard's name (`802.11ax`); free text, so only its length is bounded. */
export const WIFI_RADIO_MAX_CHARS = 32;
/** Six hex pairs with a separator between each: `a8:20:66:00:00:01`. */
export const MAC_MAX_CHARS = 17;
/** Real User-Agent headers stay well below this; longer ones are cut, not refused. */
export const USER_AGENT_MAX_CHARS = 512;

/**
 * Whether `s` takes at most `max` bytes as UTF-8, counted without encoding it. A lone surrogate
 * (which has no UTF-8 form) counts 3 bytes, as the U+FFFD that would replace it.
 */
export function fitsUtf8Bytes(s: string, max: number): boolean {
  // Every UTF-16 unit takes at least one byte and at most three (a pair takes four for two).
  if (s.length > max) return false;
  if (s.length * 3 <= max) return true;
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && isLowSurrogate(s.charCodeAt(i + 1))) {
      bytes += 4;
      i++;
    } else bytes += 3;
    if (bytes > max) return false;
  }
  return true;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102);
}

/**
 * Whether `s` is shaped like a MAC: 12 hex digits, optionally separated by `:`, `-` or `.`, in at
 * most 17 characters. Values the splitter rejects for their content (`000000000000`) pass: that
 * is its rule (SPEC §4.6), not a bound.
 */
export function isMacShaped(s: string): boolean {
  if (s.length > MAC_MAX_CHARS) return false;
  const mac = normalizeMac(s);
  if (mac.length !== 12) return false;
  for (let i = 0; i < 12; i++) if (!isHex(mac.charCodeAt(i))) return false;
  return true;
}

/** A string field: type errors reject as `readString` does; a value over `max` chars is dropped. */
export function readBoundedString(o: Obj, key: string, ctx: Ctx, max: number): string | undefined {
  const value = readString(o, key, ctx);
  return value === undefined || value.length > max ? undefined : value;
}

/** A string field bounded in UTF-8 bytes (the Bluetooth name): longer is dropped. */
export function readBoundedUtf8(o: Obj, key: string, ctx: Ctx, maxBytes: number): string | undefined {
  const value = readString(o, key, ctx);
  return value === undefined || !fitsUtf8Bytes(value, maxBytes) ? undefined : value;
}

/**
 * An SSID as kept: undefined when absent or over `SSID_MAX_BYTES`, or null when an over-long one
 * ends in `_nomap` (any case, as `transform-report.ts` matches it). Dropping only the field would
 * lose the owner's opt-out, which the splitter honours (DESIGN §7), so the caller drops the
 * access point instead.
 */
export function boundSsid(ssid: string | undefined): string | undefined | null {
  if (ssid === undefined || fitsUtf8Bytes(ssid, SSID_MAX_BYTES)) return ssid;
  return ssid.slice(-6).toLowerCase() === "_nomap" ? null : undefined;
}

/** A MAC field: undefined when absent or not MAC-shaped; kept as sent otherwise (SPEC §4.1). */
export function readMacAddress(o: Obj, key: string, ctx: Ctx): string | undefined {
  const value = readString(o, key, ctx);
  return value === undefined || !isMacShaped(value) ? undefined : value;
}

/**
 * The User-Agent stored with each entry, truncated to `USER_AGENT_MAX_CHARS` rather than dropped:
 * its start names the client, which is what an operator looks for. A cut never splits a
 * surrogate pair.
 */
export function capUserAgent(userAgent: string | null): string | null {
  if (userAgent === null || userAgent.length <= USER_AGENT_MAX_CHARS) return userAgent;
  const end = isLowSurrogate(userAgent.charCodeAt(USER_AGENT_MAX_CHARS)) ? USER_AGENT_MAX_CHARS - 1 : USER_AGENT_MAX_CHARS;
  return userAgent.slice(0, end);
}
