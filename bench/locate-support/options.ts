/**
 * Options of `npm run bench:locate`: flags win over environment variables, which win over the
 * defaults (the station counts). `npm run bench:locate -- --wifi 200000 --rounds 1 --json`.
 */
import { parseArgs } from "node:util";

export interface LocateBenchOptions {
  readonly wifi: number;
  readonly cells: number;
  readonly beacons: number;
  readonly seed: number;
  /** Distinct query bodies, cycled through by all connections. */
  readonly queries: number;
  /** Seconds per measured round (sized from the sweep to last about this long). */
  readonly duration: number;
  readonly rounds: number;
  readonly sweepDuration: number;
  readonly warmup: number;
  readonly connections: readonly number[];
  /** Requests of the sequential check pass (per-request round trips, hit rates). */
  readonly checkRequests: number;
  /** Also measure with a key that samples every query into a report (store_sample_locate 100). */
  readonly sampleRun: boolean;
  /** Profile the web child: "auto" only when a target fails. */
  readonly profile: "auto" | "always" | "never";
  readonly insertBatch: number;
  readonly insertConnections: number;
  readonly redisUrl: string;
  readonly databaseUrl: string;
  readonly json: boolean;
}

const USAGE = `usage: npm run bench:locate -- [--wifi N] [--cells N] [--beacons N] [--seed N] [--queries N]
       [--duration S] [--rounds R] [--sweep S] [--warmup S] [--connections 8,16,32,64] [--check N]
       [--no-sample] [--profile | --no-profile] [--batch N] [--insert-connections N] [--json]
env: BENCH_WIFI, BENCH_CELLS, BENCH_BEACONS, BENCH_DURATION, BENCH_ROUNDS, BENCH_CONNECTIONS, REDIS_URL, DATABASE_URL`;

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === "") return fallback;
  const n = Number(value.replaceAll("_", ""));
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${name} must be a positive integer (got ${value})\n${USAGE}`);
  return n;
}

export function readOptions(argv = process.argv.slice(2), env = process.env): LocateBenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      wifi: { type: "string" }, cells: { type: "string" }, beacons: { type: "string" }, seed: { type: "string" },
      queries: { type: "string" }, duration: { type: "string" }, rounds: { type: "string" }, sweep: { type: "string" },
      warmup: { type: "string" }, connections: { type: "string" }, check: { type: "string" },
      "no-sample": { type: "boolean" }, profile: { type: "boolean" }, "no-profile": { type: "boolean" },
      batch: { type: "string" }, "insert-connections": { type: "string" }, json: { type: "boolean" }, help: { type: "boolean" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const list = values.connections ?? env.BENCH_CONNECTIONS;
  return Object.freeze({
    wifi: positiveInt("--wifi", values.wifi ?? env.BENCH_WIFI, 1_000_000),
    cells: positiveInt("--cells", values.cells ?? env.BENCH_CELLS, 100_000),
    beacons: positiveInt("--beacons", values.beacons ?? env.BENCH_BEACONS, 50_000),
    seed: positiveInt("--seed", values.seed, 20261201),
    queries: positiveInt("--queries", values.queries, 20_000),
    duration: positiveInt("--duration", values.duration ?? env.BENCH_DURATION, 8),
    rounds: positiveInt("--rounds", values.rounds ?? env.BENCH_ROUNDS, 3),
    sweepDuration: positiveInt("--sweep", values.sweep, 4),
    warmup: positiveInt("--warmup", values.warmup, 6),
    connections: list ? list.split(",").map((v) => positiveInt("--connections", v.trim(), 0)) : [8, 16, 32, 64],
    checkRequests: positiveInt("--check", values.check, 400),
    sampleRun: !values["no-sample"],
    profile: values.profile ? "always" : values["no-profile"] ? "never" : "auto",
    insertBatch: positiveInt("--batch", values.batch, 2000),
    insertConnections: positiveInt("--insert-connections", values["insert-connections"], 3),
    redisUrl: env.REDIS_URL || "redis://127.0.0.1:6379",
    databaseUrl: env.DATABASE_URL || "mysql://root@127.0.0.1:3306/ichnos_bench",
    json: values.json ?? false,
  });
}
