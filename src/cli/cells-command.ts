/**
 * `ichnos cells export|import FILE`, `ichnos cells publish`: the public cell CSV (SPEC §4.13,
 * README "Cell data: export and import"). Export writes the full file (cells modified in the last
 * 365 days) or a diff of a time window; publish runs the workers' scheduled export job once
 * (cells/export-job.ts); import reads an export or an OpenCelliD dump into the cell tables, queues the
 * changed areas on `{areas}`, and (unless --no-drain) runs the `cellarea` group until those are
 * recomputed and then recomputes `region_stat`, so the import is visible everywhere when it ends.
 *
 * Exit codes: 0 done (bad rows are skipped, listed and counted: a warning, not a failure, since
 * public dumps always hold a few); 1 the file is unusable (missing, not this format, unreadable)
 * or the areas did not drain, or (publish) an export waits for the pipeline or the job's lock is
 * held elsewhere; 2 usage errors.
 */
import { fullExportWindow, writeCellExport, type ModifiedWindow } from "../cells/cell-export.ts";
import { CellFileError, importCellFile, type CellImportCounts } from "../cells/cell-import.ts";
import { runCellExport } from "../cells/export-job.ts";
import { cellExportDeps, updateRegionStats } from "../jobs/pipeline-jobs.ts";
import { createWorkerProcess } from "../process/worker-process.ts";
import { createAppender } from "../stream/append.ts";
import { drainGroups } from "../stream/drain.ts";
import type { AreaUpdate } from "../domain/area/area-update.ts";
import { durationFlag, parseCommandArgs, seeHelp, UsageError } from "./args.ts";
import type { Services } from "./services.ts";

export const CELLS_USAGE = `usage:
  ichnos cells export FILE [--full | --since ISO-time --until ISO-time]
      the cell CSV (gzip level 5 when FILE ends in .gz): --full (the default) every positioned
      cell modified in the last 365 days; --since/--until those modified in [since, until)
  ichnos cells import FILE [--no-drain] [--timeout S]
      read a cell CSV (plain or gzip; an MLS export or an OpenCelliD dump); then recompute the
      changed areas (the cellarea group) and region_stat. --no-drain: only queue the areas for
      the running workers (region_stat then follows at the daily region-stats job)
  ichnos cells publish [--at ISO-time]
      run the workers' cell-export job once: write the hourly diffs and the daily full file that
      are due and not yet in ASSET_BUCKET (or CELL_EXPORT_DIR), delete those past
      CELL_EXPORT_RETENTION. --at: as if the clock said this time. Exit 1 when an export still
      waits for the pipeline or another process holds the job's lock`;

/** Bad rows shown line by line; the rest are only counted. */
const DETAILED_BAD_ROWS = 20;
/** Area ids per `{areas}` entry, as the rebuild queues them. */
const AREAS_PER_ENTRY = 500;
const PROGRESS_EVERY_MS = 1000;

const stderr = (text: string) => process.stderr.write(`${text}\n`);
const stdout = (text: string) => process.stdout.write(`${text}\n`);

function isoTime(flag: string, value: string): Date {
  const ms = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(ms)) throw new UsageError(`ichnos cells: ${flag} ${JSON.stringify(value)} is not an ISO time such as 2026-05-01T13:00:00Z`);
  return new Date(ms);
}

function exportWindow(values: { full?: boolean; since?: string; until?: string }, now: Date): ModifiedWindow {
  const diff = values.since !== undefined || values.until !== undefined;
  if (diff && values.full) throw new UsageError(`ichnos cells export: --full and --since/--until exclude each other ${seeHelp("cells")}`);
  if (!diff) return fullExportWindow(now);
  if (values.since === undefined || values.until === undefined) throw new UsageError(`ichnos cells export: a diff needs both --since and --until ${seeHelp("cells")}`);
  const from = isoTime("--since", values.since);
  const until = isoTime("--until", values.until);
  if (until <= from) throw new UsageError("ichnos cells export: --until must be later than --since");
  return { from, until };
}

async function exportCells(services: Services, argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs("cells export", argv, {
    full: { type: "boolean" }, since: { type: "string" }, until: { type: "string" },
  }, 1);
  const file = positionals[0];
  if (!file) throw new UsageError(`ichnos cells export: FILE is required ${seeHelp("cells")}`);
  const window = exportWindow(values, new Date());
  const started = Date.now();
  const rows = await writeCellExport(services.pool, window, file);
  const span = `${window.from.toISOString()} … ${window.until?.toISOString() ?? "now"}`;
  stdout(`exported ${rows} cells modified in [${span}) to ${file} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return 0;
}

async function publishCells(services: Services, argv: string[]): Promise<number> {
  const { values } = parseCommandArgs("cells publish", argv, { at: { type: "string" } });
  const deps = cellExportDeps(services);
  const run = await runCellExport(deps, values.at === undefined ? Date.now() : isoTime("--at", values.at).getTime());
  if (!run.locked) {
    stderr("another process holds the cell-export lock and is publishing; nothing done");
    return 1;
  }
  for (const p of run.published) stdout(`published ${p.name}: ${p.rows} cells, ${p.bytes} bytes${p.overdue ? " (without waiting longer for the pipeline)" : ""}`);
  for (const name of run.removed) stdout(`deleted ${name}`);
  if (run.published.length + run.removed.length === 0 && !run.waiting) stdout(`nothing due: ${deps.store.location} is up to date`);
  if (!run.waiting) return 0;
  const groups = [...new Set(run.waiting.lagging.map((l) => l.group))].join(", ");
  stderr(`${run.waiting.name} (and any later export) waits for ${groups} to apply the reports before its cut-off; see "ichnos groups"`);
  return 1;
}

/** Appends the areas to `{areas}` for the cellarea group, stamped with the time of the import. */
function areaQueue(services: Services): (areas: readonly string[]) => Promise<void> {
  const appender = createAppender(services.redis, services.keys);
  const stream = services.keys.stream("areas");
  return async (areas) => {
    const at = Math.floor(Date.now() / 1000) * 1000;
    const payloads: AreaUpdate[] = [];
    for (let i = 0; i < areas.length; i += AREAS_PER_ENTRY) payloads.push({ areas: areas.slice(i, i + AREAS_PER_ENTRY), at });
    await appender.append(stream, payloads);
  };
}

/** Runs the cellarea group until it has applied the queued areas, then recomputes region_stat. */
async function recomputeAreasAndRegions(services: Services, timeoutMs: number): Promise<boolean> {
  const worker = await createWorkerProcess(services, { groups: ["cellarea"], jobs: false, flush: true });
  const result = await drainGroups(services, worker.runtime, worker.consumers, { timeoutMs, stopMs: services.config.shutdownTimeoutMs });
  if (!result.drained || !result.stopped) {
    stderr(`the cellarea group did not drain within ${timeoutMs / 1000} s; the cells are imported and their areas queued: run "ichnos drain --group cellarea", or let the workers catch up (ichnos groups)`);
    return false;
  }
  await updateRegionStats(services);
  return true;
}

function progressLine(counts: Readonly<CellImportCounts>, startedMs: number): string {
  const seconds = Math.max((Date.now() - startedMs) / 1000, 0.001);
  return `read ${counts.read} rows, imported ${counts.imported}, unchanged ${counts.unchanged}, skipped ${counts.skipped} (${Math.round(counts.read / seconds)} rows/s)`;
}

async function importCells(services: Services, argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs("cells import", argv, { "no-drain": { type: "boolean" }, timeout: { type: "string" } }, 1);
  const file = positionals[0];
  if (!file) throw new UsageError(`ichnos cells import: FILE is required ${seeHelp("cells")}`);
  const timeoutMs = durationFlag("cells import", "timeout", values.timeout, 600_000);
  const started = Date.now();
  let lastProgress = started;
  let badRows = 0;
  let counts: CellImportCounts;
  try {
    counts = await importCellFile({ pool: services.pool, regions: services.consumerDeps.regions, queueAreas: areaQueue(services) }, file, {
      onBadRow: (line, problem) => {
        // The importer counts them too; only the first ones are worth a line each.
        badRows += 1;
        if (badRows <= DETAILED_BAD_ROWS) stderr(`${file}:${line}: ${problem}; row skipped`);
        else if (badRows === DETAILED_BAD_ROWS + 1) stderr(`more bad rows: only counted from here on`);
      },
      onProgress: (c) => {
        if (Date.now() - lastProgress < PROGRESS_EVERY_MS) return;
        lastProgress = Date.now();
        stderr(`cells import: ${progressLine(c, started)}`);
      },
    });
  } catch (err) {
    if (!(err instanceof CellFileError)) throw err;
    stderr(`ichnos cells import: ${err.message}`);
    return 1;
  }
  stdout(`imported ${file}: ${progressLine(counts, started)}; ${counts.areas} areas queued`);
  if (counts.skipped > 0) stderr(`warning: ${counts.skipped} bad rows skipped (the first ${Math.min(counts.skipped, DETAILED_BAD_ROWS)} are listed above)`);
  if (counts.areas === 0 || values["no-drain"]) return 0;
  if (!(await recomputeAreasAndRegions(services, timeoutMs))) return 1;
  stdout(`areas recomputed and region_stat updated`);
  return 0;
}
export async function cellsCommand(services: Services, argv: readonly string[]): Promise<number> {
  const [action, ...rest] = argv;
  switch (action) {
    case "export":
      return exportCells(services, rest);
    case "import":
      return importCells(services, rest);
    case "publish":
      return publishCells(services, rest);
    case "help":
      stdout(CELLS_USAGE);
      return 0;
    case undefined:
      throw new UsageError(`ichnos cells: name an action: export, import or publish ${seeHelp("cells")}`);
    default:
      throw new UsageError(`ichnos cells: unknown action "${action}" ${seeHelp("cells")}`);
  }
}
