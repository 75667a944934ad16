/**
 * Datamap grid cells (SPEC §4.9): thousandths of a degree, stored as two big-endian uint32
 * shifted into positive space, in four shard tables.
 */
import { Buffer } from "node:buffer";
import { roundHalfEven } from "../../geo/round.ts";

export type DatamapShard = "ne" | "nw" | "se" | "sw";

export const DATAMAP_SHARDS: readonly DatamapShard[] = ["ne", "nw", "se", "sw"];

const SCALE = 1000;
const LAT_OFFSET = 90_000;
const LON_OFFSET = 180_000;

/** Ichnaea's `DataMap.scale`: `int(round(x * 1000))`, so halves of the product go to even. */
export function scaleDatamap(lat: number, lon: number): [number, number] {
  // `+ 0` turns the -0 that rounding small negatives gives into 0, like Python's int().
  return [roundHalfEven(lat * SCALE) + 0, roundHalfEven(lon * SCALE) + 0];
}

/** The 8-byte `grid` key; throws a RangeError outside (−90000…90000, −180000…180000) shifted. */
export function encodeGrid(latScaled: number, lonScaled: number): Buffer {
  const grid = Buffer.alloc(8);
  grid.writeUInt32BE(latScaled + LAT_OFFSET, 0);
  grid.writeUInt32BE(lonScaled + LON_OFFSET, 4);
  return grid;
}

export function decodeGrid(grid: Uint8Array): [number, number] {
  if (grid.length !== 8) throw new RangeError(`invalid datamap grid length ${grid.length}`);
  const view = Buffer.from(grid.buffer, grid.byteOffset, grid.length);
  return [view.readUInt32BE(0) - LAT_OFFSET, view.readUInt32BE(4) - LON_OFFSET];
}

/** Split so each shard holds a similar amount of populated land, not at the equator. */
export function datamapShard(latScaled: number, lonScaled: number): DatamapShard {
  if (latScaled < 36_000) return lonScaled < 5_000 ? "sw" : "se";
  return lonScaled < 5_000 ? "nw" : "ne";
}
