/**
 * Which public cell exports are due, and what they are called (SPEC §4.13, §4.15). The diff of
 * slot S (a top of the hour) holds the cells modified in [S − 1 h, S) and is due from S + 3 min;
 * the full file of day D holds those modified in the 365 days before D 00:00 UTC and is due from
 * 00:37. Pure: the clock and the names already published in, the files to write out.
 */

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
/** SPEC §4.15: `cell_export_diff` hourly at :03, `cell_export_full` daily at 00:37. */
export const DIFF_DELAY_MS = 3 * MINUTE_MS;
export const FULL_DELAY_MS = 37 * MINUTE_MS;
/** Missed diffs are written late for at most this far back (24 files). */
export const DIFF_CATCH_UP_MS = 24 * HOUR_MS;
const FULL_SPAN_MS = 365 * DAY_MS;

export type ExportKind = "diff" | "full";

export interface PlannedExport {
  readonly kind: ExportKind;
  readonly name: string;
  /** The cells modified in [fromMs, untilMs). */
  readonly fromMs: number;
  readonly untilMs: number;
  /** Not written before this time. */
  readonly dueMs: number;
}

const NAME = /^MLS-(diff|full)-cell-export-(\d{4}-\d{2}-\d{2})T(\d{2})0000\.csv\.gz$/;

const stamp = (ms: number): string => new Date(ms).toISOString().slice(0, 13);

export const diffExportName = (slotMs: number): string => `MLS-diff-cell-export-${stamp(slotMs)}0000.csv.gz`;
export const fullExportName = (dayMs: number): string => `MLS-full-cell-export-${stamp(dayMs)}0000.csv.gz`;

/** The kind and time (slot or day) a published name stands for; null for any other name. */
export function parseExportName(name: string): { kind: ExportKind; timeMs: number } | null {
  const match = NAME.exec(name);
  if (!match) return null;
  const kind = match[1] as ExportKind;
  const timeMs = Date.parse(`${match[2]}T${match[3]}:00:00Z`);
  // Only names this module writes: a real date, and midnight for a full file.
  if (Number.isNaN(timeMs) || stamp(timeMs) !== `${match[2]}T${match[3]}`) return null;
  if (kind === "full" && match[3] !== "00") return null;
  return { kind, timeMs };
}

export const isExportName = (name: string): boolean => parseExportName(name) !== null;

export function plannedDiff(slotMs: number): PlannedExport {
  return { kind: "diff", name: diffExportName(slotMs), fromMs: slotMs - HOUR_MS, untilMs: slotMs, dueMs: slotMs + DIFF_DELAY_MS };
}

export function plannedFull(dayMs: number): PlannedExport {
  return { kind: "full", name: fullExportName(dayMs), fromMs: dayMs - FULL_SPAN_MS, untilMs: dayMs, dueMs: dayMs + FULL_DELAY_MS };
}

function publishedTimes(names: Iterable<string>, kind: ExportKind): number[] {
  const out: number[] = [];
  for (const name of names) {
    const parsed = parseExportName(name);
    if (parsed?.kind === kind) out.push(parsed.timeMs);
  }
  return out.sort((a, b) => a - b);
}

/**
 * The exports to write now, in the order of their windows' ends (the order readiness allows):
 * every diff after the newest published one, at most DIFF_CATCH_UP_MS back, or only the latest
 * due diff when none was ever published; and the latest due day's full file if it is missing.
 * Older full files are never written late: a full file is a snapshot, and the next supersedes it.
 */
export function dueExports(nowMs: number, names: Iterable<string>): PlannedExport[] {
  const published = [...names];
  const out: PlannedExport[] = [];
  const latestSlot = Math.floor((nowMs - DIFF_DELAY_MS) / HOUR_MS) * HOUR_MS;
  const newestDiff = publishedTimes(published, "diff").at(-1);
  const firstSlot = newestDiff === undefined ? latestSlot : Math.max(newestDiff + HOUR_MS, latestSlot - DIFF_CATCH_UP_MS + HOUR_MS);
  for (let slot = firstSlot; slot <= latestSlot; slot += HOUR_MS) out.push(plannedDiff(slot));
  const latestDay = Math.floor((nowMs - FULL_DELAY_MS) / DAY_MS) * DAY_MS;
  if (!publishedTimes(published, "full").includes(latestDay)) out.push(plannedFull(latestDay));
  return out.sort((a, b) => a.untilMs - b.untilMs || a.dueMs - b.dueMs);
}

/**
 * The published exports to delete: those whose time is older than `retentionMs`, except the
 * newest of each kind (it marks where the diffs' catch-up resumes, and a full file is always on
 * offer). Retention 0 keeps everything; names this module did not write are never touched.
 */
export function expiredExports(nowMs: number, names: Iterable<string>, retentionMs: number): string[] {
  if (retentionMs === 0) return [];
  const published = [...names];
  const newest = new Map<ExportKind, number>();
  for (const kind of ["diff", "full"] as const) {
    const last = publishedTimes(published, kind).at(-1);
    if (last !== undefined) newest.set(kind, last);
  }
  return published.filter((name) => {
    const parsed = parseExportName(name);
    return parsed !== null && parsed.timeMs < nowMs - retentionMs && parsed.timeMs !== newest.get(parsed.kind);
  }).sort();
}
