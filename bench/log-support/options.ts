/**
 * Options of `npm run bench:log` (flags over environment variables over defaults, see
 * harness/options.ts): `npm run bench:log -- --entries 50000 --rounds 5 --json`.
 */
import { type BenchOptions, type OptionTable, readOptions } from "../harness/options.ts";

const LOG_OPTIONS = {
  /** Entries per measured run (append, consume, redis-benchmark -n). */
  entries: { kind: "int", env: "BENCH_ENTRIES", default: 200_000 },
  /** Measured rounds per method; the table shows their median. */
  rounds: { kind: "int", env: "BENCH_ROUNDS", default: 3, metavar: "R" },
  /**
   * Entries of the warm-up run that precedes the measured rounds (not counted). As many as a
   * measured run by default: a first run into a fresh Redis also pays for growing its memory.
   */
  warmupEntries: { kind: "int", flag: "warmup", env: "BENCH_WARMUP" },
  /** Entries per append call / per XADD pipeline. */
  appendBatch: { kind: "int", flag: "batch", default: 100 },
  /** Append batches in flight at once. */
  concurrency: { kind: "int", env: "BENCH_CONCURRENCY", default: 8 },
  /** Consumer batch size (the runtime's and the bare loop's COUNT). */
  consumeBatch: { kind: "int", default: 500 },
  /** Report partitions of the partitioned consume run. */
  partitions: { kind: "int", default: 4 },
  /** Skip the redis-benchmark rows (they also skip themselves when it is not on PATH). */
  noRedisBenchmark: { kind: "switch" },
  /** One extra instrumented runtime run that shows where a batch's time goes. */
  breakdown: { kind: "switch" },
} as const satisfies OptionTable;

export type LogBenchOptions = Omit<BenchOptions<typeof LOG_OPTIONS>, "warmupEntries"> & { readonly warmupEntries: number };

export function readLogOptions(): LogBenchOptions {
  const options = readOptions("log", LOG_OPTIONS);
  return { ...options, warmupEntries: options.warmupEntries ?? options.entries };
}
