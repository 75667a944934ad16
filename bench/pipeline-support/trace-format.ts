/**
 * What the drain child's SQL trace (sql-trace.ts, loaded with `--import`) writes at exit, read
 * back by the bench: every statement's class and latency, every station upsert's table and keys
 * (for the raw ceiling's replay), the window from the first query to the last COMMIT, the
 * process's CPU over that window, and how many transactions were open at once.
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

export interface SqlTrace {
  readonly pid: number;
  /** Date.now() and monotonic µs (the clock of --cpu-prof) of the first query's start. */
  readonly firstQuery: { readonly wall: number; readonly hr: number } | null;
  /** Of the last COMMIT's completion. */
  readonly lastCommit: { readonly wall: number; readonly hr: number } | null;
  /** process.cpuUsage() of the child between the two, ms (user + system, all threads). */
  readonly cpuMs: number | null;
  readonly classes: Record<string, StatementClass>;
  readonly upserts: readonly StationUpsert[];
  readonly transactions: {
    readonly committed: number;
    readonly rolledBack: number;
    readonly maxOpen: number;
    /** Mean number open over the window (time-weighted). */
    readonly meanOpen: number;
  };
}
