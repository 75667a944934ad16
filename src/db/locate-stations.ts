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
import type { LocateCellStation, LocateFields, LocateMacStation } from "../domain/station/station-row.ts";
import { getOrCreate } from "../util/get-or-create.ts";
import type { Pool, PoolConnection } from "./pool.ts";
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
 * One statement over the given tables; nothing is sent when no key is asked for. The keys are
 * binary ids we encoded ourselves, so the statement is built with hex literals directly rather
 * than through mysql2's placeholder formatting (a measurable share of a locate request's CPU).
 */
async function unionQuery(db: Queryable, columns: string, key: string, perTable: Map<string, Buffer[]>): Promise<RowDataPacket[]> {
  if (perTable.size === 0) return [];
  const parts: string[] = [];
  for (const [table, ids] of perTable) {
    const list = ids.map((id) => `X'${id.toString("hex")}'`).join(",");
    parts.push(`SELECT ${columns} FROM \`${table}\` WHERE ${key} IN (${list}) AND lat IS NOT NULL AND lon IS NOT NULL`);
  }
  // DATE columns as the `YYYY-MM-DD` strings the searchers compare, not Dates to format back.
  const [rows] = await db.query<RowDataPacket[]>({ sql: parts.join(" UNION ALL "), dateStrings: ["DATE"] });
  return rows;
}

/** Only the columns the searchers read (LocateFields): a third of the row, a third of the parsing. */
const LOCATE_COLUMNS = "lat, lon, radius, region, samples, created, modified, last_seen, block_last, block_count";
const MAC_COLUMNS = `mac, ${LOCATE_COLUMNS}`;
const CELL_COLUMNS = `radio, mcc, mnc, lac, cid, ${LOCATE_COLUMNS}`;

const num = (value: unknown): number | null => (value == null ? null : Number(value));

function locateFieldsOf(row: RowDataPacket): LocateFields {
  return {
    lat: num(row.lat), lon: num(row.lon), radius: num(row.radius), region: (row.region as string | null) ?? null,
    samples: num(row.samples), created: (row.created as Date | null) ?? null, modified: (row.modified as Date | null) ?? null,
    lastSeen: (row.last_seen as string | null) ?? null, blockLast: (row.block_last as string | null) ?? null,
    blockCount: num(row.block_count),
  };
}

/** Wi-Fi or Bluetooth stations for normalised MACs, from every shard they live in. */
export async function loadMacStationsForLocate(db: Queryable, kind: "wifi" | "blue", macs: readonly string[]): Promise<LocateMacStation[]> {
  const perTable = new Map<string, Buffer[]>();
  for (const mac of new Set(macs)) getOrCreate(perTable, stationTable(kind, macShard(mac)), () => []).push(macToBytes(mac));
  const rows = await unionQuery(db, MAC_COLUMNS, "mac", perTable);
  return rows.map((r) => ({ mac: (r.mac as Buffer).toString("hex"), ...locateFieldsOf(r) }));
}

export interface CellKeyParts {
  readonly radio: StationRadio;
  readonly mcc: number;
  readonly mnc: number;
  readonly lac: number;
  readonly cid: number;
}

/** Cells of every radio in one statement (`cell_nr` included, DESIGN §7). */
export async function loadCellStationsForLocate(db: Queryable, cells: readonly CellKeyParts[]): Promise<LocateCellStation[]> {
  const perTable = new Map<string, Buffer[]>();
  for (const c of cells) getOrCreate(perTable, stationTable("cell", c.radio), () => []).push(encodeCellId(c));
  const rows = await unionQuery(db, CELL_COLUMNS, "cellid", perTable);
  return rows.map((r) => ({
    radio: (radioFromCode(Number(r.radio)) ?? "gsm") as StationRadio, mcc: Number(r.mcc), mnc: Number(r.mnc), lac: Number(r.lac),
    cid: Number(r.cid), ...locateFieldsOf(r),
  }));
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
    lastSeen: (r.last_seen as string | null) ?? null,
  }));
}
