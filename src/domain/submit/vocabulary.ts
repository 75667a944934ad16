/**
 * The submit schemas' string vocabularies (SPEC §4.1), compared after lowercasing; values outside
 * them are dropped, never rejected (SPEC §9 item 11: locate is stricter).
 */
import type { CellRadio, PositionSource } from "../report.ts";
import { type Ctx, type Obj, readString } from "./fields.ts";

/** `umts` is Ichnaea's old name for `wcdma`; `nr` is DESIGN §7. */
const CELL_RADIOS: ReadonlyMap<string, CellRadio> = new Map([
  ["gsm", "gsm"],
  ["cdma", "cdma"],
  ["umts", "wcdma"],
  ["wcdma", "wcdma"],
  ["lte", "lte"],
  ["nr", "nr"],
]);

/** `gps`, the source the docs (and clients such as NeoStumbler) use, is read as `gnss` (DESIGN §7). */
const POSITION_SOURCES: ReadonlyMap<string, PositionSource> = new Map([
  ["fixed", "fixed"],
  ["gnss", "gnss"],
  ["gps", "gnss"],
  ["fused", "fused"],
  ["query", "query"],
]);

function lookup<T>(vocabulary: ReadonlyMap<string, T>, value: string): T | undefined {
  return vocabulary.get(value) ?? vocabulary.get(value.toLowerCase());
}

export function toCellRadio(value: string): CellRadio | undefined {
  return lookup(CELL_RADIOS, value);
}

export function toPositionSource(value: string): PositionSource | undefined {
  return lookup(POSITION_SOURCES, value);
}

/** A string field holding a cell radio: wrong types reject, unknown names are dropped. */
export function readCellRadio(o: Obj, key: string, ctx: Ctx): CellRadio | undefined {
  const value = readString(o, key, ctx);
  return value === undefined ? undefined : toCellRadio(value);
}

/** A string field holding a position source: wrong types reject, unknown names are dropped. */
export function readPositionSource(o: Obj, key: string, ctx: Ctx): PositionSource | undefined {
  const value = readString(o, key, ctx);
  return value === undefined ? undefined : toPositionSource(value);
}
