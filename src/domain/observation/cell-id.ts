/**
 * Binary cell and cell-area ids (SPEC §5.3, §5.4), big-endian:
 * - gsm/cdma/wcdma/lte: cell 11 bytes (int8 radio, uint16 mcc, uint16 mnc, uint16 lac, uint32 cid),
 *   area 7 bytes (the first 7 of the cell id);
 * - nr (DESIGN §7, `cell_nr`): cell 17 bytes (int8 4, uint16 mcc, uint16 mnc, uint32 tac,
 *   uint64 nci), area 9 bytes (`cell_area_nr`), because TAC is 24-bit and NCI 36-bit.
 */
import type { CellRadio } from "../report.ts";

export const RADIO_CODES: Readonly<Record<CellRadio, number>> = { gsm: 0, cdma: 1, wcdma: 2, lte: 3, nr: 4 };
const RADIOS_BY_CODE: readonly CellRadio[] = ["gsm", "cdma", "wcdma", "lte", "nr"];

export interface CellIdParts {
  radio: CellRadio;
  mcc: number;
  mnc: number;
  /** LAC, or TAC for lte/nr. */
  lac: number;
  /** Cell id, or the NCI for nr. */
  cid: number;
}

export type AreaIdParts = Omit<CellIdParts, "cid">;

export function radioFromCode(code: number): CellRadio | undefined {
  return RADIOS_BY_CODE[code];
}

const TWO_32 = 2 ** 32;

function writeUint64(buf: Buffer, value: number, offset: number): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`not a uint64 below 2^53: ${value}`);
  buf.writeUInt32BE(Math.floor(value / TWO_32), offset);
  buf.writeUInt32BE(value >>> 0, offset + 4);
}

/** Writes radio, mcc, mnc and lac; returns where the cid goes. */
function writeArea(buf: Buffer, a: AreaIdParts): number {
  buf.writeInt8(RADIO_CODES[a.radio], 0);
  buf.writeUInt16BE(a.mcc, 1);
  buf.writeUInt16BE(a.mnc, 3);
  if (a.radio === "nr") {
    buf.writeUInt32BE(a.lac, 5);
    return 9;
  }
  buf.writeUInt16BE(a.lac, 5);
  return 7;
}

export function encodeCellId(c: CellIdParts): Buffer {
  const buf = Buffer.alloc(c.radio === "nr" ? 17 : 11);
  const at = writeArea(buf, c);
  if (c.radio === "nr") writeUint64(buf, c.cid, at);
  else buf.writeUInt32BE(c.cid, at);
  return buf;
}

export function encodeAreaId(a: AreaIdParts): Buffer {
  const buf = Buffer.alloc(a.radio === "nr" ? 9 : 7);
  writeArea(buf, a);
  return buf;
}

function readArea(buf: Uint8Array, nrLength: number, length: number): AreaIdParts {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.length);
  const radio = radioFromCode(b.readInt8(0));
  if (radio === undefined || b.length !== (radio === "nr" ? nrLength : length)) {
    throw new RangeError(`not a ${length}/${nrLength}-byte id: ${b.toString("hex")}`);
  }
  const lac = radio === "nr" ? b.readUInt32BE(5) : b.readUInt16BE(5);
  return { radio, mcc: b.readUInt16BE(1), mnc: b.readUInt16BE(3), lac };
}

export function decodeCellId(buf: Uint8Array): CellIdParts {
  const area = readArea(buf, 17, 11);
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.length);
  const cid = area.radio === "nr" ? b.readUInt32BE(9) * TWO_32 + b.readUInt32BE(13) : b.readUInt32BE(7);
  if (!Number.isSafeInteger(cid)) throw new RangeError(`NCI beyond 2^53: ${b.toString("hex")}`);
  return { radio: area.radio, mcc: area.mcc, mnc: area.mnc, lac: area.lac, cid };
}

export function decodeAreaId(buf: Uint8Array): AreaIdParts {
  return readArea(buf, 9, 7);
}

function hex(value: number, width: number): string {
  return value.toString(16).padStart(width, "0");
}

/**
 * The lowercase hex of `encodeCellId`, built from strings because it keys maps on the hot path.
 * Expects parts already in range (a validated observation).
 */
export function cellKey(c: CellIdParts): string {
  const nr = c.radio === "nr";
  return areaKey(c) + hex(c.cid, nr ? 16 : 8);
}

/** The lowercase hex of `encodeAreaId`. */
export function areaKey(a: AreaIdParts): string {
  return hex(RADIO_CODES[a.radio], 2) + hex(a.mcc, 4) + hex(a.mnc, 4) + hex(a.lac, a.radio === "nr" ? 8 : 4);
}
