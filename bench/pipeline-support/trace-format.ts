/**
 * What the SQL trace (sql-trace.ts, loaded with `--import`) writes at exit, one file per process
 * (`trace.<pid>.json`: the drain and, with `--processes N`, each `ichnos work` child it starts,
 * which inherit the hook through `process.execArgv`), read back and merged by the bench: every
 * statement's class and latency, every station upsert's table and keys (for the raw ceiling's
 * replay), the window from the first query to the last COMMIT, the process's CPU over time, and
 * how many transactions were open at once.
 */
export interface StatementClass {
  count: number;
  /** Sum of client-side latencies (call → callback), ms. */
  ms: number;
}

export interface StationUpsert {
  readonly table: string;
  /** Hex station ids (mac or cellid), in statement order. */
  readonly keys: readonly string[];
  readonly affected: number;
  readonly ms: number;
}

/** Date.now() and monotonic µs (the clock of --cpu-prof, shared by all processes). */
export interface TracePoint {
  readonly wall: number;
  readonly hr: number;
}

export interface ProcessTrace {
  readonly pid: number;
  /** `process.argv` after the script: `drain …` or `work --group …`. */
  readonly command: string;
  readonly firstQuery: TracePoint | null;
  /** Of the last COMMIT's completion. */
  readonly lastCommit: TracePoint | null;
  /** process.cpuUsage() of this process between its own first query and last COMMIT, ms (user + system, all threads). */
  readonly cpuMs: number | null;
  /** [epoch ms, cumulative CPU ms] every 200 ms from the first query to exit (for any window). */
  readonly cpuSamples: readonly (readonly [number, number])[];
  /** [epoch ms (performance.timeOrigin + now), transactions open after the change]. */
  readonly openChanges: readonly (readonly [number, number])[];
  readonly classes: Record<string, StatementClass>;
  readonly upserts: readonly StationUpsert[];
  readonly transactions: { readonly committed: number; readonly rolledBack: number; readonly maxOpen: number };
}

/** The processes of one drain together. */
export interface SqlTrace {
  /** The drain process itself (`ichnos drain`), whose pid names its --cpu-prof file. */
  readonly pid: number;
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

const earliest = (points: (TracePoint | null)[], pick: (a: TracePoint, b: TracePoint) => boolean) =>
  points.reduce<TracePoint | null>((best, p) => (p && (!best || pick(p, best)) ? p : best), null);

export function mergeTraces(traces: readonly ProcessTrace[]): SqlTrace {
  if (traces.length === 0) throw new Error("no SQL trace was written");
  const parent = traces.find((t) => t.command.startsWith("drain")) ?? traces[0]!;
  const firstQuery = earliest(traces.map((t) => t.firstQuery), (a, b) => a.wall < b.wall);
  const lastCommit = earliest(traces.map((t) => t.lastCommit), (a, b) => a.wall > b.wall);
  const classes: Record<string, StatementClass> = {};
  for (const t of traces) {
    for (const [name, c] of Object.entries(t.classes)) {
      classes[name] ??= { count: 0, ms: 0 };
      classes[name]!.count += c.count;
      classes[name]!.ms += c.ms;
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
