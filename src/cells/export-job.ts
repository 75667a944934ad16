/**
 * The scheduled public cell exports (SPEC §4.13, §4.15): one run writes every export that is
 * due (export-schedule.ts) and whose cells are all in MySQL (export-readiness.ts), oldest first,
 * publishes each through the store, deletes exports past retention, and drops the `/downloads`
 * cache. Runs under a MySQL named lock, so two workers (or a worker and `ichnos cells publish`)
 * never write the same file; the scheduler's lease alone would not do, as a full export can
 * outlast the job's interval.
 */
import { rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { tryNamedLock } from "../db/named-lock.ts";
import type { Logger } from "../logger.ts";
import { writeCellExport } from "./cell-export.ts";
import { downloadsCacheKey } from "./downloads-service.ts";
import { noteExportDue, publishDecision, readExportReadiness, type LaggingGroup, type ReadinessDeps } from "./export-readiness.ts";
import { dueExports, expiredExports, type ExportKind, type PlannedExport } from "./export-schedule.ts";
import type { ExportStore } from "./export-store.ts";

export const CELL_EXPORT_LOCK = "cell-export";
/** How often workers look for due exports: a diff is written within a minute of being due. */
export const CELL_EXPORT_INTERVAL_MS = 60_000;

export interface CellExportJobDeps extends ReadinessDeps {
  readonly log: Logger;
  readonly store: ExportStore;
  /** CELL_EXPORT_RETENTION; 0 keeps everything. */
  readonly retentionMs: number;
}

export interface PublishedExport {
  readonly name: string;
  readonly kind: ExportKind;
  readonly rows: number;
  readonly bytes: number;
  /** Written before the pipeline had caught up, after READINESS_GRACE_MS of waiting. */
  readonly overdue: boolean;
}

export interface CellExportRun {
  /** False: another process holds the lock and is publishing; this run did nothing. */
  readonly locked: boolean;
  readonly published: readonly PublishedExport[];
  /** The export held back for the pipeline (the later ones wait behind it), and who it waits for. */
  readonly waiting: { readonly name: string; readonly lagging: readonly LaggingGroup[] } | null;
  readonly removed: readonly string[];
}

async function publishOne(deps: CellExportJobDeps, planned: PlannedExport, overdue: boolean): Promise<PublishedExport> {
  const started = Date.now();
  const dir = await deps.store.scratch();
  try {
    const file = join(dir, planned.name);
    const rows = await writeCellExport(deps.pool, { from: new Date(planned.fromMs), until: new Date(planned.untilMs) }, file);
    const { size } = await stat(file);
    await deps.store.put(planned.name, file);
    deps.log.info({ job: "cell-export", file: planned.name, kind: planned.kind, rows, bytes: size, ms: Date.now() - started, store: deps.store.location },
      "cell export published");
    return { name: planned.name, kind: planned.kind, rows, bytes: size, overdue };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const groupsOf = (lagging: readonly LaggingGroup[]) => [...new Set(lagging.map((l) => l.group))];

async function publishDue(deps: CellExportJobDeps, nowMs: number, signal?: AbortSignal): Promise<CellExportRun> {
  const log = deps.log;
  const names = (await deps.store.list()).map((o) => o.name);
  const due = dueExports(nowMs, names);
  const since = new Map<number, number>();
  // Every due export is noted first, so those behind a waiting one count their wait from now too.
  for (const planned of due) if (!since.has(planned.untilMs)) since.set(planned.untilMs, await noteExportDue(deps, planned.untilMs, nowMs));
  const published: PublishedExport[] = [];
  let waiting: CellExportRun["waiting"] = null;
  for (const planned of due) {
    if (signal?.aborted) break;
    const readiness = await readExportReadiness(deps, planned.untilMs);
    const waitingSince = since.get(planned.untilMs) ?? nowMs;
    const decision = publishDecision(readiness, planned.dueMs, waitingSince, nowMs);
    if (decision === "wait") {
      waiting = { name: planned.name, lagging: readiness.lagging };
      // Said once when the wait starts; the runs after it repeat it at debug level.
      log[waitingSince === nowMs ? "info" : "debug"]({ job: "cell-export", file: planned.name, lagging: readiness.lagging },
        `cell export waits for ${groupsOf(readiness.lagging).join(", ")} to apply the reports before its cut-off`);
      break;
    }
    if (decision === "overdue") {
      log.warn({ job: "cell-export", file: planned.name, lagging: readiness.lagging },
        `cell export written without waiting longer for ${groupsOf(readiness.lagging).join(", ")}: cells they have not applied yet are missing from it`);
    }
    published.push(await publishOne(deps, planned, decision === "overdue"));
  }
  const removed = expiredExports(nowMs, [...names, ...published.map((p) => p.name)], deps.retentionMs);
  for (const name of removed) await deps.store.remove(name);
  if (removed.length > 0) log.info({ job: "cell-export", removed }, "cell exports past CELL_EXPORT_RETENTION deleted");
  // SPEC §4.13: `/downloads` shows a new file at once, not when its cached listing expires.
  if (published.length + removed.length > 0) await deps.redis.del(downloadsCacheKey(deps.keys.prefix));
  return { locked: true, published, waiting, removed };
}

/** One run at the clock's `nowMs`; `signal` stops it between files (a file in progress is finished). */
export async function runCellExport(deps: CellExportJobDeps, nowMs: number, signal?: AbortSignal): Promise<CellExportRun> {
  const got = await tryNamedLock(deps.pool, CELL_EXPORT_LOCK, () => publishDue(deps, nowMs, signal));
  return got.locked ? got.value : { locked: false, published: [], waiting: null, removed: [] };
}
