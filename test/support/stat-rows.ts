/**
 * Rows for the statistics suites: daily counters split over several shard rows (as the station
 * projectors write them), `stat` running totals, area rows and region-tagged stations.
 */
import type { RowDataPacket } from "mysql2/promise";
import type { AreaRow } from "../../src/db/cell-areas.ts";
import { upsertAreas } from "../../src/db/cell-areas.ts";
import type { Pool } from "../../src/db/pool.ts";
import { addStatCounters, type StatCounterName } from "../../src/db/stat-counter.ts";
import { encodeAreaId } from "../../src/domain/observation/cell-id.ts";
import type { StationRadio } from "../../src/domain/observation/types.ts";

/** Adds `value` to each named shard's counter row of `name` on `day`. */
export async function addCounts(pool: Pool, name: StatCounterName, day: string, byShard: Readonly<Record<string, number>>): Promise<void> {
  const conn = await pool.getConnection();
  try {
    for (const [shard, value] of Object.entries(byShard)) await addStatCounters(conn, shard, [{ name, day, value }]);
  } finally {
    conn.release();
  }
}

export async function insertStat(pool: Pool, key: number, day: string, value: number): Promise<void> {
  await pool.query("INSERT INTO stat (`key`, time, value) VALUES (?, ?, ?)", [key, day, value]);
}

/** `stat` as `{ "<key> <day>": value }`. */
export async function statTable(pool: Pool): Promise<Record<string, number>> {
  const [rows] = await pool.query<RowDataPacket[]>(
    "SELECT `key`, DATE_FORMAT(time, '%Y-%m-%d') AS day, CAST(value AS CHAR) AS value FROM stat ORDER BY `key`, time");
  return Object.fromEntries(rows.map((r) => [`${r.key} ${r.day}`, Number(r.value)]));
}

export async function counterRowCount(pool: Pool): Promise<number> {
  const [rows] = await pool.query<RowDataPacket[]>("SELECT COUNT(*) AS n FROM stat_counter");
  return Number(rows[0]!.n);
}

export interface AreaSpec {
  readonly radio: StationRadio;
  readonly mcc: number;
  readonly mnc: number;
  readonly lac: number;
  readonly region: string | null;
  readonly numCells: number;
}

/** Area rows written with the projection's own upsert, into `cell_area` or `cell_area_nr`. */
export async function insertAreas(pool: Pool, specs: readonly AreaSpec[]): Promise<void> {
  const conn = await pool.getConnection();
  try {
    for (const s of specs) {
      const row: AreaRow = {
        areaid: encodeAreaId(s), radio: s.radio, mcc: s.mcc, mnc: s.mnc, lac: s.lac, lat: 51.5, lon: -0.1, radius: 0,
        region: s.region, avgCellRadius: 100, numCells: s.numCells, lastSeen: null,
      };
      await upsertAreas(conn, s.radio === "nr" ? "cell_area_nr" : "cell_area", [row], new Date());
    }
  } finally {
    conn.release();
  }
}
