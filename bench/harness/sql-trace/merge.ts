/**
 * The processes of one run together (bench:pipeline: the drain and, with `--processes N`, each
 * `ichnos work` child it starts): the traces they wrote at exit, read back and merged.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { ProcessTrace, StationUpsert, StatementClass, TracePoint } from "./format.ts";

export interface SqlTrace {
  /** The parent process (`ichnos drain`), whose pid names its --cpu-prof file. */
  readonly pid: number;
  /** The parent first. */
  readonly processes: readonly ProcessTrace[];
  /** The earliest first query of any process. */
  readonly firstQuery: TracePoint | null;
  /** The latest COMMIT of any process. */
  readonly lastCommit: TracePoint | null;
  readonly classes: Record<string, StatementClass>;
  /** Every process's upserts; a table belongs to one group and so to one process, so per-table order holds. */
  readonly upserts: readonly StationUpsert[];
  readonly transactions: {
    readonly committed: number;
    readonly rolledBack: number;
    /** Open at once over all processes (from the merged open/close timeline). */
    readonly maxOpen: number;
    /** Mean number open over the window (time-weighted, all processes). */
    readonly meanOpen: number;
  };
}

export async function readTraces(dir: string): Promise<ProcessTrace[]> {
  const files = (await readdir(dir)).filter((f) => /^trace\.\d+\.json$/.test(f));
  return Promise.all(files.map(async (f) => JSON.parse(await readFile(join(dir, f), "utf8")) as ProcessTrace));
}

const earliest = (points: (TracePoint | null)[], pick: (a: TracePoint, b: TracePoint) => boolean) =>
  points.reduce<TracePoint | null>((best, p) => (p && (!best || pick(p, best)) ? p : best), null);

/** `parentCommand`: how the parent's command line starts (`drain`). */
export function mergeTraces(traces: readonly ProcessTrace[], parentCommand: string): SqlTrace {
  if (traces.length === 0) throw new Error("no SQL trace was written");
  const parent = traces.find((t) => t.command.startsWith(parentCommand)) ?? traces[0]!;
  const firstQuery = earliest(traces.map((t) => t.firstQuery), (a, b) => a.wall < b.wall);
  const lastCommit = earliest(traces.map((t) => t.lastCommit), (a, b) => a.wall > b.wall);
  const classes: Record<string, StatementClass> = {};
  for (const t of traces) {
    for (const [name, c] of Object.entries(t.classes)) {
      classes[name] ??= { count: 0, ms: 0, tables: 0 };
      const sum = classes[name];
      sum.count += c.count;
      sum.ms += c.ms;
      sum.tables += c.tables;
    }
  }
  // Replay every process's open-count changes in time order: the sum of the per-process counts.
  const changes = traces.flatMap((t, i) => t.openChanges.map(([at, open]) => ({ at, open, i }))).sort((a, b) => a.at - b.at);
  const current = traces.map(() => 0);
  let total = 0;
  let maxOpen = 0;
  let area = 0;
  let last: number | null = null;
  const from = firstQuery?.wall ?? 0;
  const to = lastCommit?.wall ?? 0;
  for (const c of changes) {
    const at = Math.min(Math.max(c.at, from), to);
    if (last !== null) area += total * (at - last);
    last = at;
    total += c.open - current[c.i]!;
    current[c.i] = c.open;
    maxOpen = Math.max(maxOpen, total);
  }
  return {
    pid: parent.pid,
    processes: [parent, ...traces.filter((t) => t !== parent)],
    firstQuery,
    lastCommit,
    classes,
    upserts: traces.flatMap((t) => t.upserts),
    transactions: {
      committed: traces.reduce((n, t) => n + t.transactions.committed, 0),
      rolledBack: traces.reduce((n, t) => n + t.transactions.rolledBack, 0),
      maxOpen,
      meanOpen: to > from ? area / (to - from) : 0,
    },
  };
}

/** CPU ms of one process between two epoch-ms instants, interpolated between its samples. */
export function cpuBetween(t: ProcessTrace, from: number, to: number): number | null {
  const s = t.cpuSamples;
  if (s.length < 2) return null;
  const at = (x: number): number => {
    if (x <= s[0]![0]) return s[0]![1];
    for (let i = 1; i < s.length; i++) {
      const [w1, c1] = s[i]!;
      if (x <= w1) {
        const [w0, c0] = s[i - 1]!;
        return w1 > w0 ? c0 + ((c1 - c0) * (x - w0)) / (w1 - w0) : c1;
      }
    }
    return s.at(-1)![1];
  };
  return at(to) - at(from);
}
