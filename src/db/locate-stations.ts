/**
 * Station reads for the locate path (DESIGN §5, SPEC §3.6–3.7): one round trip per station
 * type and request, a `UNION ALL` of one `SELECT … WHERE key IN (…)` per touched shard table,
 * positioned rows only. Blocked stations come back too; the searchers drop them (they need the
 * block fields to decide).
 */
import type { RowDataPacket } from "mysql2/promise";
import { encodeAreaId, encodeCellId, radioFromCode } from "../domain/observation/cell-id.ts";
import { macShard, macToBytes } from "../domain/observation/mac.ts";
import type { StationRadio } from "../domain/observation/types.ts";
import type { CellStation, MacStation } from "../domain/station/station-row.ts";
import { getOrCreate } from "../util/get-or-create.ts";
import type { Pool, PoolConnection } from "./pool.ts";
import { areaTable, stationTable } from "./station-tables.ts";
import { columnsOf, stationFromRow } from "./stations.ts";

type Queryable = Pick<Pool | PoolConnection, "query">;

export interface AreaRecord {
  readonly radio: StationRadio;
  readonly mcc: number;
  readonly mnc: number;
  readonly lac: number;
  readonly lat: number;
  readonly lon: number;
  readonly radius: number | null;
  readonly region: string | null;
  readonly avgCellRadius: number | null;
  readonly numCells: number | null;
  readonly created: Date | null;
  readonly modified: Date | null;
  readonly lastSeen: string | null;
}

/** One statement over the given tables; nothing is sent when no key is asked for. */
async function unionQuery(db: Queryable, columns: string, key: string, perTable: Map<string, Buffer[]>): Promise<RowDataPacket[]> {
  if (perTable.size === 0) return [];
  const parts: string[] = [];
  const params: Buffer[][] = [];
  for (const [table, ids] of perTable) {
    parts.push(`SELECT ${columns} FROM \`${table}\` WHERE ${key} IN (?) AND lat IS NOT NULL AND lon IS NOT NULL`);
    params.push(ids);
  }
  const [rows] = await db.query<RowDataPacket[]>(parts.join(" UNION ALL "), params);
  return rows;
}

/** Wi-Fi or Bluetooth stations for normalised MACs, from every shard they live in. */
export async function loadMacStationsForLocate(db: Queryable, kind: "wifi" | "blue", macs: readonly string[]): Promise<MacStation[]> {
  const perTable = new Map<string, Buffer[]>();
  for (const mac of new Set(macs)) getOrCreate(perTable, stationTable(kind, macShard(mac)), () => []).push(macToBytes(mac));
  const rows = await unionQuery(db, columnsOf(kind).join(", "), "mac", perTable);
  return rows.map((r) => stationFromRow(kind, r) as MacStation);
}

export interface CellKeyParts {
  readonly radio: StationRadio;
  readonly mcc: number;
  readonly mnc: number;
  readonly lac: number;
  readonly cid: number;
}

/** Cells of every radio in one statement (`cell_nr` included, DESIGN §7). */
export async function loadCellStationsForLocate(db: Queryable, cells: readonly CellKeyParts[]): Promise<CellStation[]> {
  const perTable = new Map<string, Buffer[]>();
  for (const c of cells) getOrCreate(perTable, stationTable("cell", c.radio), () => []).push(encodeCellId(c));
  const rows = await unionQuery(db, columnsOf("cell").join(", "), "cellid", perTable);
  return rows.map((r) => stationFromRow("cell", r) as CellStation);
}

const AREA_COLUMNS = "areaid, radio, mcc, mnc, lac, lat, lon, radius, region, avg_cell_radius, num_cells, created, modified, last_seen";

/** Areas of every radio in one statement (`cell_area` and `cell_area_nr`). */
export async function loadAreasForLocate(db: Queryable, areas: readonly Omit<CellKeyParts, "cid">[]): Promise<AreaRecord[]> {
  const perTable = new Map<string, Buffer[]>();
  for (const a of areas) getOrCreate(perTable, areaTable(a.radio), () => []).push(encodeAreaId(a));
  const rows = await unionQuery(db, AREA_COLUMNS, "areaid", perTable);
  return rows.map((r) => ({
    radio: (radioFromCode(Number(r.radio)) ?? "gsm") as StationRadio, mcc: Number(r.mcc), mnc: Number(r.mnc), lac: Number(r.lac),
    lat: Number(r.lat), lon: Number(r.lon), radius: r.radius === null ? null : Number(r.radius), region: r.region ?? null,
    avgCellRadius: r.avg_cell_radius === null ? null : Number(r.avg_cell_radius), numCells: r.num_cells === null ? null : Number(r.num_cells),
    created: r.created ?? null, modified: r.modified ?? null,
    lastSeen: r.last_seen instanceof Date ? r.last_seen.toISOString().slice(0, 10) : null,
  }));
}
