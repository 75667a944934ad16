/**
 * The public cell export's read (SPEC §4.13): positioned cells of one radio table changed within
 * a window, in binary cell id order, one keyset page at a time (`cellid > last`, never OFFSET, so
 * every page costs the same however deep into the table it is).
 */
import type { RowDataPacket } from "mysql2/promise";
import type { PublicCellFields, StationRadio } from "../domain/observation/types.ts";
import type { Pool } from "./pool.ts";
import { nullableNumber } from "./row-values.ts";
import { stationTable } from "./station-tables.ts";

/** Cells whose `modified` is in [from, until); `until` null: no upper bound. */
export interface ModifiedWindow {
  readonly from: Date;
  readonly until: Date | null;
}

export interface ExportedCellRow extends PublicCellFields {
  /** The binary cell id: the page's key, and where the next page starts. */
  readonly cellid: Buffer;
  readonly radius: number | null;
  readonly samples: number | null;
  readonly created: Date | null;
  readonly modified: Date;
}

/** DATETIME columns hold naive UTC; a literal keeps the comparison free of session time zones. */
const utcDatetime = (d: Date): string => d.toISOString().slice(0, 19).replace("T", " ");

export async function readCellExportPage(
  db: Pool, radio: StationRadio, window: ModifiedWindow, after: Buffer | null, limit: number,
): Promise<ExportedCellRow[]> {
  if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`page size ${limit} is not a positive whole number`);
  const conditions = ["lat IS NOT NULL", "lon IS NOT NULL", "modified >= ?"];
  const params: (string | Buffer)[] = [utcDatetime(window.from)];
  if (window.until !== null) {
    conditions.push("modified < ?");
    params.push(utcDatetime(window.until));
  }
  if (after !== null) {
    conditions.push("cellid > ?");
    params.push(after);
  }
  // Binary protocol: DOUBLEs exactly as stored (exact-read.ts), so rounding sees the real value.
  const [rows] = await db.execute<RowDataPacket[]>(
    `SELECT cellid, mcc, mnc, lac, cid, psc, lat, lon, radius, samples, created, modified FROM \`${stationTable("cell", radio)}\`
     WHERE ${conditions.join(" AND ")} ORDER BY cellid LIMIT ${limit}`, params);
  // An NR cell id (BIGINT UNSIGNED) arrives as a string; NCIs are 36-bit, so Number is exact.
  return rows.map((r) => ({
    cellid: r.cellid as Buffer, radio, mcc: Number(r.mcc), mnc: Number(r.mnc), lac: Number(r.lac), cid: Number(r.cid),
    psc: nullableNumber(r.psc), lat: Number(r.lat), lon: Number(r.lon), radius: nullableNumber(r.radius),
    samples: nullableNumber(r.samples), created: (r.created as Date | null) ?? null, modified: r.modified as Date,
  }));
}
