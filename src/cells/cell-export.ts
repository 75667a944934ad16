/**
 * The public cell export (SPEC §4.13) as a stream of CSV text: the header, then every positioned
 * cell changed within the window, tables in the order gsm, wcdma, lte, nr, each in binary cell id
 * order, read one keyset page at a time so memory stays at one page whatever the table size.
 * `writeCellExport` puts it in a file (gzip level 5 when the name ends in `.gz`); a scheduled job
 * can reuse either to produce the hourly diff and the daily full file.
 */
import { createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import { readCellExportPage, type ExportedCellRow, type ModifiedWindow } from "../db/cell-export-read.ts";
import type { Pool } from "../db/pool.ts";
import { STATION_RADIOS } from "../domain/observation/types.ts";
import { CELL_CSV_HEADER, formatCellLine } from "./cell-csv.ts";

export type { ModifiedWindow };

/** SPEC §4.13: rows per page. */
export const EXPORT_PAGE_ROWS = 25_000;
const CRLF = "\r\n";
const DAY_MS = 86_400_000;
/** SPEC §4.13: gzip level of the published files. */
export const EXPORT_GZIP_LEVEL = 5;

/** The full export's window: every cell modified within the last 365 days. */
export function fullExportWindow(now: Date): ModifiedWindow {
  return { from: new Date(now.getTime() - 365 * DAY_MS), until: null };
}

const unixSeconds = (d: Date): number => Math.floor(d.getTime() / 1000);

function lineOf(row: ExportedCellRow): string {
  return formatCellLine({
    radio: row.radio, mcc: row.mcc, mnc: row.mnc, lac: row.lac, cid: row.cid, psc: row.psc, lat: row.lat, lon: row.lon,
    radius: row.radius ?? 0, samples: row.samples ?? 0,
    // A cell always has `modified` here (the window filters on it); `created` only by convention.
    created: unixSeconds(row.created ?? row.modified), updated: unixSeconds(row.modified),
  });
}

export interface ExportCounts {
  rows: number;
}

/** The export's text, one chunk per page (header first); `counts.rows` grows as pages go out. */
export async function* cellExportChunks(pool: Pool, window: ModifiedWindow, counts: ExportCounts = { rows: 0 }, pageRows = EXPORT_PAGE_ROWS): AsyncGenerator<string> {
  yield `${CELL_CSV_HEADER}${CRLF}`;
  for (const radio of STATION_RADIOS) {
    let after: Buffer | null = null;
    for (;;) {
      const page = await readCellExportPage(pool, radio, window, after, pageRows);
      if (page.length === 0) break;
      counts.rows += page.length;
      yield page.map((row) => `${lineOf(row)}${CRLF}`).join("");
      if (page.length < pageRows) break;
      after = page[page.length - 1]!.cellid;
    }
  }
}

/**
 * Writes the export to `file` (gzip when it ends in `.gz`); resolves to the number of cells
 * written. The text goes to a temporary file renamed at the end, so a failed export never leaves
 * a truncated file under the final name for an uploader or a reader to pick up.
 */
export async function writeCellExport(pool: Pool, window: ModifiedWindow, file: string, pageRows = EXPORT_PAGE_ROWS): Promise<number> {
  const counts: ExportCounts = { rows: 0 };
  const partial = `${file}.partial-${process.pid}`;
  const text = Readable.from(cellExportChunks(pool, window, counts, pageRows));
  const out = createWriteStream(partial);
  try {
    if (file.endsWith(".gz")) await pipeline(text, createGzip({ level: EXPORT_GZIP_LEVEL }), out);
    else await pipeline(text, out);
    await rename(partial, file);
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  }
  return counts.rows;
}
