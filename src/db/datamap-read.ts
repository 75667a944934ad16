/**
 * Reading the datamap for the coverage map: the grid cells in a box, merged into cells of
 * `step` grid units. The key's leading four bytes are the latitude, so the box's latitude band
 * is a primary-key range; longitude is filtered in the same statement. One query per shard
 * table that the box touches.
 */
import type { RowDataPacket } from "mysql2/promise";
import { encodeGrid } from "../domain/datamap/grid.ts";
import type { Pool } from "./pool.ts";

const LAT = "(CAST(CONV(HEX(SUBSTRING(grid, 1, 4)), 16, 10) AS SIGNED) - 90000)";
const LON = "(CAST(CONV(HEX(SUBSTRING(grid, 5, 4)), 16, 10) AS SIGNED) - 180000)";

export interface GridBox {
  readonly latMin: number;
  readonly latMax: number;
  readonly lonMin: number;
  readonly lonMax: number;
}

/** Distinct merged cells as `[lat index, lon index]` of `step`-sized cells (index × step = units). */
export async function datamapCellsIn(db: Pick<Pool, "query">, tables: readonly string[], box: GridBox, step: number): Promise<[number, number][]> {
  const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
  const latMin = clamp(box.latMin, -90_000, 90_000);
  const latMax = clamp(box.latMax, -90_000, 90_000);
  const from = encodeGrid(latMin, -180_000);
  const to = encodeGrid(latMax, 180_000);
  const seen = new Set<string>();
  const out: [number, number][] = [];
  for (const table of tables) {
    const [rows] = await db.query<RowDataPacket[]>(
      `SELECT FLOOR(${LAT} / ?) AS la, FLOOR(${LON} / ?) AS lo FROM \`${table}\`
        WHERE grid BETWEEN ? AND ? AND ${LON} BETWEEN ? AND ? GROUP BY la, lo`,
      [step, step, from, to, box.lonMin, box.lonMax]);
    for (const r of rows) {
      const key = `${r.la} ${r.lo}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push([Number(r.la), Number(r.lo)]);
    }
  }
  return out;
}
