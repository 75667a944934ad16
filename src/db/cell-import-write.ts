/**
 * Writes of `ichnos cells import` (SPEC §4.13): which cells of a batch exist and how recent they
 * are, locked for the batch's transaction, and one multi-row upsert of the cells that are new or
 * newer. The upsert re-checks "newer" itself, so a cell a projector inserted or changed between
 * the read and the write is never overwritten with older data.
 */
import type { RowDataPacket } from "mysql2/promise";
import { RADIO_CODES } from "../domain/observation/cell-id.ts";
import type { PublicCellFields } from "../domain/observation/types.ts";
import { selectIn } from "./exact-read.ts";
import type { PoolConnection } from "./pool.ts";

/** A cell row as an import writes it; the bounding box is the point (SPEC §4.13). */
export interface ImportedCellRow extends PublicCellFields {
  readonly cellid: Buffer;
  readonly radius: number;
  readonly region: string | null;
  readonly samples: number;
  readonly weight: number;
  readonly created: Date;
  readonly modified: Date;
  /** `YYYY-MM-DD` (UTC) of `modified`: the day the source last saw the cell. */
  readonly lastSeen: string;
}

/** `modified` of the cells that exist (by hex id; null when unset), locked until the transaction ends. */
export async function lockCellsModified(tx: PoolConnection, table: string, ids: readonly Buffer[]): Promise<Map<string, Date | null>> {
  const rows = await selectIn(tx, `SELECT cellid, modified FROM \`${table}\` WHERE cellid IN ({in}) FOR UPDATE`, ids);
  return new Map(rows.map((r: RowDataPacket) => [(r.cellid as Buffer).toString("hex"), (r.modified as Date | null) ?? null]));
}

// An existing row changes only when the imported one is newer. MySQL applies the assignments
// left to right and later ones see earlier results, so `modified` must come last.
const NEWER = "(modified IS NULL OR VALUES(modified) > modified)";
const ifNewer = (column: string, value: string) => `${column} = IF(${NEWER}, ${value}, ${column})`;
const UPDATES = [
  ifNewer("psc", "VALUES(psc)"),
  ifNewer("lat", "VALUES(lat)"),
  ifNewer("lon", "VALUES(lon)"),
  // A learned box is kept and grown to hold the imported centre, as an observation would grow it.
  ifNewer("max_lat", "GREATEST(COALESCE(max_lat, VALUES(lat)), VALUES(lat))"),
  ifNewer("min_lat", "LEAST(COALESCE(min_lat, VALUES(lat)), VALUES(lat))"),
  ifNewer("max_lon", "GREATEST(COALESCE(max_lon, VALUES(lon)), VALUES(lon))"),
  ifNewer("min_lon", "LEAST(COALESCE(min_lon, VALUES(lon)), VALUES(lon))"),
  ifNewer("radius", "VALUES(radius)"),
  ifNewer("region", "VALUES(region)"),
  ifNewer("samples", "VALUES(samples)"),
  ifNewer("weight", "VALUES(weight)"),
  // The position is no longer one of our own query observations (a null source counts as gnss).
  ifNewer("source", "NULL"),
  ifNewer("created", "COALESCE(created, VALUES(created))"),
  ifNewer("last_seen", "GREATEST(COALESCE(last_seen, VALUES(last_seen)), VALUES(last_seen))"),
  ifNewer("modified", "VALUES(modified)"),
].join(", ");

export async function upsertImportedCells(tx: PoolConnection, table: string, rows: readonly ImportedCellRow[]): Promise<void> {
  if (rows.length === 0) return;
  const values = rows.map((r) => [
    r.cellid, RADIO_CODES[r.radio], r.mcc, r.mnc, r.lac, r.cid, r.psc, r.lat, r.lon, r.lat, r.lat, r.lon, r.lon,
    r.radius, r.region, r.samples, r.weight, r.created, r.modified, r.lastSeen,
  ]);
  await tx.query(
    `INSERT INTO \`${table}\` (cellid, radio, mcc, mnc, lac, cid, psc, lat, lon, max_lat, min_lat, max_lon, min_lon,
       radius, region, samples, weight, created, modified, last_seen) VALUES ? ON DUPLICATE KEY UPDATE ${UPDATES}`,
    [values],
  );
}
