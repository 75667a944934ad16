/**
 * Station rows of one shard table (SPEC §5.3): locked reads and multi-row upserts for the
 * station projectors. One statement per batch each way.
 */
import type { RowDataPacket } from "mysql2/promise";
import { RADIO_CODES } from "../domain/observation/cell-id.ts";
import type { StationKind } from "../domain/observation/types.ts";
import type { CellStation, MacStation, StationFields, StationRow } from "../domain/station/station-row.ts";
import { selectIn } from "./exact-read.ts";
import type { Pool, PoolConnection } from "./pool.ts";
import { nullableNumber, radioOfCode } from "./row-values.ts";

type Queryable = Pool | PoolConnection;

const FIELD_COLUMNS = [
  "max_lat", "min_lat", "max_lon", "min_lon", "lat", "lon", "created", "modified", "radius", "region",
  "samples", "source", "weight", "last_seen", "block_first", "block_last", "block_count",
] as const;
const CELL_COLUMNS = ["cellid", "radio", "mcc", "mnc", "lac", "cid", "psc"] as const;
/** Wi-Fi and Bluetooth only: the move candidate (move-watch.ts). */
const MOVE_COLUMNS = ["move_lat", "move_lon", "move_weight", "move_samples"] as const;


export function columnsOf(kind: StationKind): readonly string[] {
  return kind === "cell" ? [...FIELD_COLUMNS, ...CELL_COLUMNS] : [...FIELD_COLUMNS, "mac", ...MOVE_COLUMNS];
}

const day = (value: unknown): string | null => (value instanceof Date ? value.toISOString().slice(0, 10) : value == null ? null : String(value));

function fieldsFrom(row: RowDataPacket): StationFields {
  return {
    maxLat: nullableNumber(row.max_lat), minLat: nullableNumber(row.min_lat), maxLon: nullableNumber(row.max_lon), minLon: nullableNumber(row.min_lon),
    lat: nullableNumber(row.lat), lon: nullableNumber(row.lon), created: (row.created as Date | null) ?? null, modified: (row.modified as Date | null) ?? null,
    radius: nullableNumber(row.radius), region: (row.region as string | null) ?? null, samples: nullableNumber(row.samples), source: nullableNumber(row.source),
    weight: nullableNumber(row.weight), lastSeen: day(row.last_seen), blockFirst: day(row.block_first), blockLast: day(row.block_last),
    blockCount: nullableNumber(row.block_count),
  };
}

export function stationFromRow(kind: StationKind, row: RowDataPacket): StationRow {
  const fields = fieldsFrom(row);
  if (kind !== "cell") {
    const station: MacStation = { ...fields, mac: (row.mac as Buffer).toString("hex") };
    const samples = nullableNumber(row.move_samples);
    if (samples !== null) {
      station.move = { lat: Number(row.move_lat), lon: Number(row.move_lon), weight: Number(row.move_weight), samples };
    }
    return station;
  }
  return {
    ...fields, radio: radioOfCode(row.radio), mcc: Number(row.mcc), mnc: Number(row.mnc),
    lac: Number(row.lac), cid: Number(row.cid), psc: nullableNumber(row.psc),
  } satisfies CellStation;
}

/**
 * Reads the stations with these primary keys and locks them until the transaction ends (the
 * projector's read-modify-write, SPEC §4.8 step 2). Exact DOUBLEs: see exact-read.ts.
 */
export async function loadStationsForUpdate(tx: PoolConnection, kind: StationKind, table: string, ids: readonly Buffer[]): Promise<StationRow[]> {
  if (ids.length === 0) return [];
  const key = kind === "cell" ? "cellid" : "mac";
  const rows = await selectIn(tx, `SELECT ${columnsOf(kind).join(", ")} FROM \`${table}\` WHERE ${key} IN ({in}) FOR UPDATE`, ids);
  return rows.map((r) => stationFromRow(kind, r));
}

/** Every station of a table, in key order (tests, rebuild comparisons, exports). */
export async function loadAllStations(db: Queryable, kind: StationKind, table: string): Promise<StationRow[]> {
  const key = kind === "cell" ? "cellid" : "mac";
  // Binary protocol: exact DOUBLEs (exact-read.ts).
  const [rows] = await db.execute<RowDataPacket[]>(`SELECT ${columnsOf(kind).join(", ")} FROM \`${table}\` ORDER BY ${key}`);
  return rows.map((r) => stationFromRow(kind, r));
}

function valuesOf(row: StationRow, id: Buffer): unknown[] {
  const values: unknown[] = [
    row.maxLat, row.minLat, row.maxLon, row.minLon, row.lat, row.lon, row.created, row.modified, row.radius, row.region,
    row.samples, row.source, row.weight, row.lastSeen, row.blockFirst, row.blockLast, row.blockCount,
  ];
  if ("mac" in row) {
    const move = row.move;
    values.push(id, move?.lat ?? null, move?.lon ?? null, move?.weight ?? null, move?.samples ?? null);
  }
  else values.push(id, RADIO_CODES[row.radio], row.mcc, row.mnc, row.lac, row.cid, row.psc);
  return values;
}

/**
 * Writes complete rows: inserts new stations, overwrites existing ones. The rows were computed
 * from the locked current state, so overwriting every column is the update.
 */
export async function upsertStations(
  tx: PoolConnection, kind: StationKind, table: string, rows: readonly { row: StationRow; id: Buffer }[],
): Promise<void> {
  if (rows.length === 0) return;
  const columns = columnsOf(kind);
  const keyColumns = new Set(kind === "cell" ? CELL_COLUMNS.slice(0, 6) : ["mac"]);
  const updates = columns.filter((c) => !keyColumns.has(c)).map((c) => `${c} = VALUES(${c})`).join(", ");
  await tx.query(
    `INSERT INTO \`${table}\` (${columns.join(", ")}) VALUES ? ON DUPLICATE KEY UPDATE ${updates}`,
    [rows.map((r) => valuesOf(r.row, r.id))],
  );
}
