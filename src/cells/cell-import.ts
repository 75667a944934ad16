/**
 * Importing a cell CSV (SPEC §4.13; an MLS export or an OpenCelliD dump): lines are read as a
 * stream and written in batches, one transaction and one multi-row upsert per radio per batch.
 * New cells are inserted with the point as their box; an existing cell changes only when the
 * row's `updated` is newer than its `modified`, so importing a file twice changes nothing the
 * second time. The areas of the changed cells are handed to `queueAreas` (the `{areas}` stream,
 * which the `cellarea` group recomputes from), a bounded set at a time.
 */
import { upsertImportedCells, lockCellsModified, type ImportedCellRow } from "../db/cell-import-write.ts";
import type { Pool } from "../db/pool.ts";
import { stationTable } from "../db/station-tables.ts";
import { withTransaction } from "../db/tx.ts";
import { areaKey, encodeCellId } from "../domain/observation/cell-id.ts";
import type { StationRadio } from "../domain/observation/types.ts";
import { MAX_WEIGHT } from "../domain/station/observation-summary.ts";
import type { RegionLookup } from "../geo/region-lookup.ts";
import { getOrCreate } from "../util/get-or-create.ts";
import { CELL_CSV_HEADER, type CsvCell } from "./cell-csv.ts";
import { CellFileError, openCellFileLines } from "./csv-input.ts";
import { parseCellLine } from "./parse-cell-line.ts";

export { CellFileError };

export interface CellImportDeps {
  readonly pool: Pool;
  readonly regions: RegionLookup;
  /** Queues the recomputation of these areas (lowercase hex area ids). */
  queueAreas(areas: readonly string[]): Promise<void>;
}

export interface CellImportCounts {
  /** Data lines read (the header and blank lines not counted). */
  read: number;
  /** Cells inserted or updated. */
  imported: number;
  /** Good rows that changed nothing: the cell is as new or newer already. */
  unchanged: number;
  /** Bad rows, reported through `onBadRow`. */
  skipped: number;
  /** Areas queued for recomputation. */
  areas: number;
}

export interface CellImportOptions {
  /** Rows per transaction. */
  readonly batchRows?: number;
  /** After every batch, with the running counts. */
  readonly onProgress?: (counts: Readonly<CellImportCounts>) => void;
  readonly onBadRow?: (line: number, problem: string) => void;
}

export const IMPORT_BATCH_ROWS = 1000;
/** Areas are queued once this many are waiting (and at the end), so memory stays bounded. */
const AREA_FLUSH = 1000;
const BYTE_ORDER_MARK = /^\uFEFF/;

const utcDay = (d: Date): string => d.toISOString().slice(0, 10);

function importedRow(cell: CsvCell, regions: RegionLookup): ImportedCellRow {
  const modified = new Date(cell.updated * 1000);
  return {
    cellid: encodeCellId(cell), radio: cell.radio, mcc: cell.mcc, mnc: cell.mnc, lac: cell.lac, cid: cell.cid, psc: cell.psc,
    lat: cell.lat, lon: cell.lon, radius: cell.radius, region: regions.region(cell.lat, cell.lon), samples: cell.samples,
    // The weight a learned station would have after this many equally weighted observations.
    weight: Math.min(cell.samples, MAX_WEIGHT), created: new Date(cell.created * 1000), modified, lastSeen: utcDay(modified),
  };
}

/** The batch's cells per radio; a cell named twice counts once, by its newest row. */
function byRadio(cells: readonly CsvCell[]): Map<StationRadio, Map<string, CsvCell>> {
  const out = new Map<StationRadio, Map<string, CsvCell>>();
  for (const cell of cells) {
    const radio = getOrCreate(out, cell.radio, () => new Map<string, CsvCell>());
    const key = encodeCellId(cell).toString("hex");
    const seen = radio.get(key);
    if (seen === undefined || cell.updated > seen.updated) radio.set(key, cell);
  }
  return out;
}

/** Writes one batch in one transaction; returns the areas of the cells it changed and the counts. */
async function writeBatch(deps: CellImportDeps, cells: readonly CsvCell[]): Promise<{ areas: string[]; imported: number; unchanged: number }> {
  return withTransaction(deps.pool, async (tx) => {
    const areas = new Set<string>();
    let imported = 0;
    let unchanged = cells.length;
    for (const [radio, unique] of byRadio(cells)) {
      const table = stationTable("cell", radio);
      const ids = [...unique.keys()].map((hex) => Buffer.from(hex, "hex"));
      const existing = await lockCellsModified(tx, table, ids);
      const writes: ImportedCellRow[] = [];
      for (const [hex, cell] of unique) {
        const modified = existing.get(hex);
        const isNewer = modified === undefined || modified === null || cell.updated * 1000 > modified.getTime();
        if (!isNewer) continue;
        writes.push(importedRow(cell, deps.regions));
        areas.add(areaKey(cell));
      }
      await upsertImportedCells(tx, table, writes);
      imported += writes.length;
      unchanged -= writes.length;
    }
    return { areas: [...areas], imported, unchanged };
  });
}

/**
 * Imports the file; resolves to the counts. Throws CellFileError, before anything is written,
 * when the file is missing, empty or does not start with the format's header.
 */
export async function importCellFile(deps: CellImportDeps, path: string, options: CellImportOptions = {}): Promise<CellImportCounts> {
  const batchRows = options.batchRows ?? IMPORT_BATCH_ROWS;
  const counts: CellImportCounts = { read: 0, imported: 0, unchanged: 0, skipped: 0, areas: 0 };
  const file = await openCellFileLines(path);
  const pendingAreas = new Set<string>();
  const queuePending = async () => {
    if (pendingAreas.size === 0) return;
    const areas = [...pendingAreas];
    pendingAreas.clear();
    await deps.queueAreas(areas);
    counts.areas += areas.length;
  };
  let batch: CsvCell[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const written = await writeBatch(deps, batch);
    batch = [];
    counts.imported += written.imported;
    counts.unchanged += written.unchanged;
    for (const area of written.areas) pendingAreas.add(area);
    if (pendingAreas.size >= AREA_FLUSH) await queuePending();
    options.onProgress?.(counts);
  };
  let lineNumber = 0;
  try {
    for await (const line of file.lines) {
      lineNumber += 1;
      if (lineNumber === 1) {
        const header = line.replace(BYTE_ORDER_MARK, "").trim();
        if (header !== CELL_CSV_HEADER) {
          throw new CellFileError(
            `${path} does not start with the cell CSV header; expected "${CELL_CSV_HEADER}" (an MLS cell export or an OpenCelliD dump), found ${JSON.stringify(header.slice(0, 200))}`,
          );
        }
        continue;
      }
      if (line.trim() === "") continue;
      counts.read += 1;
      const parsed = parseCellLine(line);
      if ("problem" in parsed) {
        counts.skipped += 1;
        options.onBadRow?.(lineNumber, parsed.problem);
        continue;
      }
      batch.push(parsed.cell);
      if (batch.length >= batchRows) await flush();
    }
    if (lineNumber === 0) throw new CellFileError(`${path} is empty; expected the header "${CELL_CSV_HEADER}" and cell rows`);
    await flush();
  } finally {
    file.close();
    // Whatever was committed has its areas queued, even when a later line or batch failed.
    await queuePending();
  }
  return counts;
}
