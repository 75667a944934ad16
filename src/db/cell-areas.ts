/**
 * `cell_area` / `cell_area_nr` (SPEC §5.4, §4.10) and the cell reads the area projection needs.
 * A cell id is its area id followed by the cell number, so an area's cells are one primary-key
 * range of the radio's cell table: one statement covers a batch of areas.
 */
import type { RowDataPacket } from "mysql2/promise";
import type { CellStation } from "../domain/station/station-row.ts";
import type { Pool, PoolConnection } from "./pool.ts";
import { RADIO_CODES } from "../domain/observation/cell-id.ts";
import { padKeys } from "./exact-read.ts";
import { columnsOf, stationFromRow } from "./stations.ts";

export interface AreaRow {
  readonly areaid: Buffer;
  readonly radio: CellStation["radio"];
  readonly mcc: number;
  readonly mnc: number;
  readonly lac: number;
  readonly lat: number;
  readonly lon: number;
  readonly radius: number;
  readonly region: string | null;
  readonly avgCellRadius: number | null;
  readonly numCells: number;
  readonly lastSeen: string | null;
  /** When its cells changed (created is written only for a new area); else `now`. */
  readonly changed?: AreaChange | undefined;
}

/** The first and last change time of an area's cells within one batch. */
export interface AreaChange {
  readonly created: Date;
  readonly modified: Date;
}

/**
 * Positioned cells of the given areas; `cidBytes` is 4 (gsm/wcdma/lte) or 8 (nr). A locking
 * read: a cell projector announces changed areas before its transaction commits, so this waits
 * for that commit instead of computing the area from the cells' previous state.
 */
export async function loadPositionedCellsOfAreas(
  tx: PoolConnection, cellTable: string, areaIds: readonly Buffer[], cidBytes: number,
): Promise<CellStation[]> {
  if (areaIds.length === 0) return [];
  const padded = padKeys(areaIds);
  const ranges = padded.map(() => "cellid BETWEEN ? AND ?").join(" OR ");
  const params = padded.flatMap((a) => [Buffer.concat([a, Buffer.alloc(cidBytes, 0)]), Buffer.concat([a, Buffer.alloc(cidBytes, 0xff)])]);
  // Binary protocol for exact DOUBLEs (exact-read.ts).
  const [rows] = await tx.execute<RowDataPacket[]>(
    `SELECT ${columnsOf("cell").join(", ")} FROM \`${cellTable}\` WHERE (${ranges}) AND lat IS NOT NULL AND lon IS NOT NULL
     LOCK IN SHARE MODE`, params);
  return rows.map((r) => stationFromRow("cell", r) as CellStation);
}

/** Locks the existing area rows of the batch (SPEC §4.10: one transaction, rows locked). */
export async function lockAreas(tx: PoolConnection, table: string, areaIds: readonly Buffer[]): Promise<Set<string>> {
  if (areaIds.length === 0) return new Set();
  const [rows] = await tx.query<RowDataPacket[]>(`SELECT areaid FROM \`${table}\` WHERE areaid IN (?) FOR UPDATE`, [areaIds]);
  return new Set(rows.map((r) => (r.areaid as Buffer).toString("hex")));
}

export async function upsertAreas(tx: PoolConnection, table: string, rows: readonly AreaRow[], now: Date): Promise<void> {
  if (rows.length === 0) return;
  const values = rows.map((r) => [
    r.areaid, RADIO_CODES[r.radio], r.mcc, r.mnc, r.lac, r.lat, r.lon, r.radius, r.region, r.avgCellRadius, r.numCells,
    r.lastSeen, r.changed?.created ?? now, r.changed?.modified ?? now,
  ]);
  await tx.query(
    `INSERT INTO \`${table}\` (areaid, radio, mcc, mnc, lac, lat, lon, radius, region, avg_cell_radius, num_cells, last_seen,
       created, modified) VALUES ? ON DUPLICATE KEY UPDATE lat = VALUES(lat), lon = VALUES(lon), radius = VALUES(radius),
       region = VALUES(region), avg_cell_radius = VALUES(avg_cell_radius), num_cells = VALUES(num_cells),
       last_seen = VALUES(last_seen), modified = VALUES(modified)`,
    [values],
  );
}

export async function deleteAreas(tx: PoolConnection, table: string, areaIds: readonly Buffer[]): Promise<void> {
  if (areaIds.length === 0) return;
  await tx.query(`DELETE FROM \`${table}\` WHERE areaid IN (?)`, [areaIds]);
}

/** Every area id that has at least one cell in the table (re-queued after a cell rebuild). */
export async function loadAreaIdsOfCells(db: Pool | PoolConnection, cellTable: string, areaBytes: number): Promise<Buffer[]> {
  const [rows] = await db.query<RowDataPacket[]>(`SELECT DISTINCT LEFT(cellid, ${areaBytes}) AS areaid FROM \`${cellTable}\``);
  return rows.map((r) => r.areaid as Buffer);
}
