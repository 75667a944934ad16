/**
 * Station reads for the locate path (DESIGN §5, SPEC §3.6–3.7): one round trip per station
 * type and request, a `UNION ALL` of one `SELECT … WHERE key IN (…)` per touched shard table,
 * positioned rows only. Blocked stations come back too; the searchers drop them (they need the
 * block fields to decide).
 */
import type { RowDataPacket } from "mysql2/promise";
import { encodeAreaId, encodeCellId } from "../domain/observation/cell-id.ts";
import { macShard, macToBytes } from "../domain/observation/mac.ts";
import type { StationRadio } from "../domain/observation/types.ts";
import type { LocateCellStation, LocateFields, LocateMacStation } from "../domain/station/station-row.ts";
import { getOrCreate } from "../util/get-or-create.ts";
import type { Pool, PoolConnection } from "./pool.ts";
import { nullableNumber, radioOfCode } from "./row-values.ts";
import { areaTable, stationTable } from "./station-tables.ts";

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

/**
 * One statement over the given tables, or null when no key is asked for. The keys are binary ids
 * we encoded ourselves, so the statement is built with hex literals directly rather than through
 * mysql2's placeholder formatting (a measurable share of a locate request's CPU).
 */
function unionSql(columns: string, key: string, perTable: Map<string, Buffer[]>): string | null {
  if (perTable.size === 0) return null;
  const parts: string[] = [];
  for (const [table, ids] of perTable) {
    const list = ids.map((id) => `X'${id.toString("hex")}'`).join(",");
    parts.push(`SELECT ${columns} FROM \`${table}\` WHERE ${key} IN (${list})`);
  }
  return parts.join(" UNION ALL ");
}

async function positionedRows(db: Queryable, sql: string | null): Promise<RowDataPacket[]> {
  if (sql === null) return [];
  // DATE columns as the `YYYY-MM-DD` strings the searchers compare, not Dates to format back.
  const [rows] = await db.query<RowDataPacket[]>({ sql, dateStrings: ["DATE"] });
  // Unpositioned rows are dropped here rather than by `lat IS NOT NULL AND lon IS NOT NULL` in
  // every SELECT: that condition costs MariaDB ~10% more CPU per statement, and such rows are rare.
  return rows.filter((r) => r.lat !== null && r.lon !== null);
}

/** Only the columns the searchers read (LocateFields): a third of the row, a third of the parsing. */
const LOCATE_COLUMNS = "lat, lon, radius, region, samples, created, modified, last_seen, block_last, block_count";
/** The move candidate: such a station may stand at either place (network-position.ts). */
const MAC_COLUMNS = `mac, ${LOCATE_COLUMNS}, move_lat, move_lon, move_samples`;
const CELL_COLUMNS = `radio, mcc, mnc, lac, cid, ${LOCATE_COLUMNS}`;

function locateFieldsOf(row: RowDataPacket): LocateFields {
  return {
    lat: nullableNumber(row.lat), lon: nullableNumber(row.lon), radius: nullableNumber(row.radius), region: (row.region as string | null) ?? null,
    samples: nullableNumber(row.samples), created: (row.created as Date | null) ?? null, modified: (row.modified as Date | null) ?? null,
    lastSeen: (row.last_seen as string | null) ?? null, blockLast: (row.block_last as string | null) ?? null,
    blockCount: nullableNumber(row.block_count),
  };
}

function moveOf(row: RowDataPacket): LocateMacStation["move"] {
  const lat = nullableNumber(row.move_lat), lon = nullableNumber(row.move_lon), samples = nullableNumber(row.move_samples);
  return lat === null || lon === null || samples === null ? null : { lat, lon, samples };
}

/** The statement for Wi-Fi or Bluetooth stations of normalised MACs, over every shard they live in. */
export function macLocateSql(kind: "wifi" | "blue", macs: readonly string[]): string | null {
  const perTable = new Map<string, Buffer[]>();
  for (const mac of new Set(macs)) getOrCreate(perTable, stationTable(kind, macShard(mac)), () => []).push(macToBytes(mac));
  return unionSql(MAC_COLUMNS, "mac", perTable);
}

export async function loadMacStationsForLocate(db: Queryable, kind: "wifi" | "blue", macs: readonly string[]): Promise<LocateMacStation[]> {
  const rows = await positionedRows(db, macLocateSql(kind, macs));
  return rows.map((r) => ({ mac: (r.mac as Buffer).toString("hex"), ...locateFieldsOf(r), move: moveOf(r) }));
}

export interface CellKeyParts {
  readonly radio: StationRadio;
  readonly mcc: number;
  readonly mnc: number;
  readonly lac: number;
  readonly cid: number;
}

/** The statement for cells of every radio (`cell_nr` included, DESIGN §7). */
export function cellLocateSql(cells: readonly CellKeyParts[]): string | null {
  const perTable = new Map<string, Buffer[]>();
  for (const c of cells) getOrCreate(perTable, stationTable("cell", c.radio), () => []).push(encodeCellId(c));
  return unionSql(CELL_COLUMNS, "cellid", perTable);
}

export async function loadCellStationsForLocate(db: Queryable, cells: readonly CellKeyParts[]): Promise<LocateCellStation[]> {
  const rows = await positionedRows(db, cellLocateSql(cells));
  return rows.map((r) => ({
    radio: radioOfCode(r.radio), mcc: Number(r.mcc), mnc: Number(r.mnc), lac: Number(r.lac),
    cid: Number(r.cid), ...locateFieldsOf(r),
  }));
}

const AREA_COLUMNS = "areaid, radio, mcc, mnc, lac, lat, lon, radius, region, avg_cell_radius, num_cells, created, modified, last_seen";

/** The statement for areas of every radio (`cell_area` and `cell_area_nr`). */
export function areaLocateSql(areas: readonly Omit<CellKeyParts, "cid">[]): string | null {
  const perTable = new Map<string, Buffer[]>();
  for (const a of areas) getOrCreate(perTable, areaTable(a.radio), () => []).push(encodeAreaId(a));
  return unionSql(AREA_COLUMNS, "areaid", perTable);
}

export async function loadAreasForLocate(db: Queryable, areas: readonly Omit<CellKeyParts, "cid">[]): Promise<AreaRecord[]> {
  const rows = await positionedRows(db, areaLocateSql(areas));
  return rows.map((r) => ({
    radio: radioOfCode(r.radio), mcc: Number(r.mcc), mnc: Number(r.mnc), lac: Number(r.lac),
    lat: Number(r.lat), lon: Number(r.lon), radius: nullableNumber(r.radius), region: r.region ?? null,
    avgCellRadius: nullableNumber(r.avg_cell_radius), numCells: nullableNumber(r.num_cells),
    created: r.created ?? null, modified: r.modified ?? null,
    lastSeen: (r.last_seen as string | null) ?? null,
  }));
}
