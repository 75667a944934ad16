/**
 * Options of `npm run bench:log`: flags win over environment variables, which win over the
 * defaults. `npm run bench:log -- --entries 50000 --rounds 5 --json`.
 */
import { parseArgs } from "node:util";

export interface BenchOptions {
  /** Entries per measured run (append, consume, redis-benchmark -n). */
  readonly entries: number;
  /** Measured rounds per method; the table shows their median. */
  readonly rounds: number;
  /**
   * Entries of the warm-up run that precedes the measured rounds (not counted). As many as a
   * measured run by default: a first run into a fresh Redis also pays for growing its memory.
   */
  readonly warmupEntries: number;
  /** Entries per append call / per XADD pipeline. */
  readonly appendBatch: number;
  /** Append batches in flight at once. */
  readonly concurrency: number;
  /** XREADGROUP COUNT and runtime batch size. */
  readonly consumeBatch: number;
  readonly partitions: number;
  readonly redisUrl: string;
  /** The server and credentials are used; the database name is replaced by a scratch one. */
  readonly databaseUrl: string;
  readonly json: boolean;
  readonly redisBenchmark: boolean;
  /** One more instrumented runtime run on one stream, timing each step of a batch. */
  readonly breakdown: boolean;
}

const USAGE = `usage: npm run bench:log -- [--entries N] [--rounds R] [--warmup N] [--batch N] [--concurrency N]
       [--consume-batch N] [--partitions N] [--no-redis-benchmark] [--breakdown] [--json]
env: BENCH_ENTRIES, BENCH_ROUNDS, BENCH_WARMUP, BENCH_CONCURRENCY, REDIS_URL, DATABASE_URL`;

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === "") return fallback;
  const n = Number(value.replaceAll("_", ""));
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${name} must be a positive integer (got ${value})\n${USAGE}`);
  return n;
}

export function readOptions(argv = process.argv.slice(2), env = process.env): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      entries: { type: "string" },
      rounds: { type: "string" },
      warmup: { type: "string" },
      batch: { type: "string" },
      concurrency: { type: "string" },
      "consume-batch": { type: "string" },
      partitions: { type: "string" },
      "no-redis-benchmark": { type: "boolean" },
      breakdown: { type: "boolean" },
      json: { type: "boolean" },
      help: { type: "boolean" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const entries = positiveInt("--entries", values.entries ?? env.BENCH_ENTRIES, 200_000);
  const rounds = positiveInt("--rounds", values.rounds ?? env.BENCH_ROUNDS, 3);
  return Object.freeze({
    entries,
    rounds,
    warmupEntries: positiveInt("--warmup", values.warmup ?? env.BENCH_WARMUP, entries),
    appendBatch: positiveInt("--batch", values.batch, 100),
    concurrency: positiveInt("--concurrency", values.concurrency ?? env.BENCH_CONCURRENCY, 8),
    consumeBatch: positiveInt("--consume-batch", values["consume-batch"], 500),
    partitions: positiveInt("--partitions", values.partitions, 4),
    redisUrl: env.REDIS_URL || "redis://127.0.0.1:6379",
    databaseUrl: env.DATABASE_URL || "mysql://root@127.0.0.1:3306/ichnos_bench",
    json: values.json ?? false,
    redisBenchmark: !values["no-redis-benchmark"],
    breakdown: values.breakdown ?? false,
  });
}
