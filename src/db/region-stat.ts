/**
 * `region_stat` (SPEC §5.7, §4.12 update_statregion): per region, cells per radio (summed
 * `num_cells` of the areas) and Wi-Fi/Bluetooth station counts over all shards.
 */
import type { RowDataPacket } from "mysql2/promise";
import type { Pool, PoolConnection } from "./pool.ts";
import { allStationTables } from "./station-tables.ts";
import { getOrCreate } from "../util/get-or-create.ts";

export interface RegionCounts {
  gsm: number;
  wcdma: number;
  lte: number;
  nr: number;
  blue: number;
  wifi: number;
}

const RADIO_COLUMN: Record<number, keyof RegionCounts> = { 0: "gsm", 2: "wcdma", 3: "lte", 4: "nr" };

export async function countStationsByRegion(db: Pool): Promise<Map<string, RegionCounts>> {
  const out = new Map<string, RegionCounts>();
  const at = (region: string) => getOrCreate(out, region, () => ({ gsm: 0, wcdma: 0, lte: 0, nr: 0, blue: 0, wifi: 0 }));
  const [areas] = await db.query<RowDataPacket[]>(
    `SELECT region, radio, CAST(SUM(num_cells) AS CHAR) AS n FROM (
       SELECT region, radio, num_cells FROM cell_area WHERE region IS NOT NULL
       UNION ALL SELECT region, radio, num_cells FROM cell_area_nr WHERE region IS NOT NULL) a GROUP BY region, radio`);
  for (const r of areas) {
    const column = RADIO_COLUMN[Number(r.radio)];
    if (column) at(r.region as string)[column] += Number(r.n);
  }
  for (const kind of ["wifi", "blue"] as const) {
    const union = allStationTables(kind).map((t) => `SELECT region FROM \`${t}\` WHERE region IS NOT NULL`).join(" UNION ALL ");
    const [rows] = await db.query<RowDataPacket[]>(`SELECT region, COUNT(*) AS n FROM (${union}) s GROUP BY region`);
    for (const r of rows) at(r.region as string)[kind] += Number(r.n);
  }
  return out;
}

/** Replaces the table's contents with `counts` (regions no longer present are deleted). */
export async function replaceRegionStats(tx: PoolConnection, counts: ReadonlyMap<string, RegionCounts>): Promise<void> {
  const rows = [...counts].map(([region, c]) => [region, c.gsm, c.wcdma, c.lte, c.nr, c.blue, c.wifi]);
  if (rows.length > 0) {
    await tx.query(
      `INSERT INTO region_stat (region, gsm, wcdma, lte, nr, blue, wifi) VALUES ? ON DUPLICATE KEY UPDATE gsm = VALUES(gsm),
         wcdma = VALUES(wcdma), lte = VALUES(lte), nr = VALUES(nr), blue = VALUES(blue), wifi = VALUES(wifi)`, [rows]);
    await tx.query("DELETE FROM region_stat WHERE region NOT IN (?)", [[...counts.keys()]]);
  }
}

export async function loadRegionStats(db: Pick<Pool, "query">): Promise<Map<string, RegionCounts>> {
  const [rows] = await db.query<RowDataPacket[]>("SELECT region, gsm, wcdma, lte, nr, blue, wifi FROM region_stat ORDER BY region");
  return new Map(rows.map((r) => [r.region as string, {
    gsm: Number(r.gsm ?? 0), wcdma: Number(r.wcdma ?? 0), lte: Number(r.lte ?? 0), nr: Number(r.nr ?? 0),
    blue: Number(r.blue ?? 0), wifi: Number(r.wifi ?? 0),
  }]));
}
