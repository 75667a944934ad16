/**
 * What the SQL trace (hook.ts, loaded into a child with `--import`) writes: one file per process,
 * `trace.<pid>.json`, rewritten on SIGUSR2 (a snapshot, `seq` counting up) and at exit. It holds
 * every statement's class and latency, every station upsert's table and keys (for bench:pipeline's
 * raw ceiling), the window from the first query to the last COMMIT, the process's CPU over time,
 * how many transactions were open at once, and, for a web process, the statements of each request
 * that was alone in flight (bench:locate's round trips per request).
 */
export interface StatementClass {
  count: number;
  /** Sum of client-side latencies (call → callback), ms. */
  ms: number;
  /** Tables read, summed over the statements (a UNION ALL over 3 shards counts 3). */
  tables: number;
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

export interface RequestTrace {
  readonly started: number;
  readonly finished: number;
  /** Requests that were alone in flight from start to finish, so their statements are known. */
  readonly attributed: number;
  /** class → statements in one attributed request → requests. */
  readonly perRequest: Record<string, Record<string, number>>;
}

export interface ProcessTrace {
  readonly pid: number;
  /** `process.argv` after the script: `drain …`, `work --group …`, or nothing. */
  readonly command: string;
  /** Snapshots written so far. */
  readonly seq: number;
  readonly firstQuery: TracePoint | null;
  /** Of the last COMMIT's completion. */
  readonly lastCommit: TracePoint | null;
  /** process.cpuUsage() of this process between its own first query and last COMMIT, ms (user + system, all threads). */
  readonly cpuMs: number | null;
  /** [epoch ms, cumulative CPU ms] every 200 ms from the first query on (for any window). */
  readonly cpuSamples: readonly (readonly [number, number])[];
  /** [epoch ms (performance.timeOrigin + now), transactions open after the change]. */
  readonly openChanges: readonly (readonly [number, number])[];
  readonly classes: Record<string, StatementClass>;
  readonly upserts: readonly StationUpsert[];
  readonly transactions: { readonly committed: number; readonly rolledBack: number; readonly maxOpen: number };
  readonly requests: RequestTrace;
}

export const traceFile = (pid: number) => `trace.${pid}.json`;
