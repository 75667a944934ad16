/**
 * Options of `npm run bench:pipeline`: flags win over environment variables, which win over the
 * defaults. `npm run bench:pipeline -- --reports 40000 --partitions 4 --station-batch 10 --json`.
 */
import { parseArgs } from "node:util";

export interface PipelineBenchOptions {
  /** Reports appended to the report streams before the drain. */
  readonly reports: number;
  /** STREAM_PARTITIONS for the appender and the drain child. */
  readonly partitions: number;
  /** STATION_BATCH: observation entries per station-projector transaction. */
  readonly stationBatch: number;
  /** `export_config.batch` of the `internal` export (the splitter's reports per batch). */
  readonly exportBatch: number;
  /** `ichnos drain --processes N`: the drain plus N − 1 `ichnos work` children (default 2: one per core here). */
  readonly processes: number;
  /** DATABASE_POOL_SIZE of the drain child; null leaves the project's default. */
  readonly poolSize: number | null;
  /** Synthetic city: Wi-Fi APs, cells and Bluetooth beacons. */
  readonly wifi: number;
  readonly cells: number;
  readonly beacons: number;
  readonly seed: number;
  /** Second run on a fresh prefix/database: `export:internal` alone, then every other group. */
  readonly breakdown: boolean;
  /** Run the full drain child with --cpu-prof and print its hottest functions. */
  readonly profile: boolean;
  /** With --profile: also keep the main thread's .cpuprofile at this path (for DevTools / speedscope). */
  readonly profileOut: string | null;
  readonly redisUrl: string;
  /** The server and credentials are used; the database name is replaced by a scratch one. */
  readonly databaseUrl: string;
  readonly json: boolean;
}

const USAGE = `usage: npm run bench:pipeline -- [--reports N] [--partitions N] [--station-batch N] [--export-batch N]
       [--processes N] [--pool N] [--wifi N] [--cells N] [--beacons N] [--seed N] [--no-breakdown] [--profile] [--profile-out FILE] [--json]
env: BENCH_REPORTS, BENCH_PARTITIONS, BENCH_PROCESSES, BENCH_SEED, REDIS_URL, DATABASE_URL`;

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === "") return fallback;
  const n = Number(value.replaceAll("_", ""));
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${name} must be a positive integer (got ${value})\n${USAGE}`);
  return n;
}

export function readOptions(argv = process.argv.slice(2), env = process.env): PipelineBenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      reports: { type: "string" },
      partitions: { type: "string" },
      "station-batch": { type: "string" },
      "export-batch": { type: "string" },
      processes: { type: "string" },
      pool: { type: "string" },
      wifi: { type: "string" },
      cells: { type: "string" },
      beacons: { type: "string" },
      seed: { type: "string" },
      "no-breakdown": { type: "boolean" },
      profile: { type: "boolean" },
      "profile-out": { type: "string" },
      json: { type: "boolean" },
      help: { type: "boolean" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  return Object.freeze({
    reports: positiveInt("--reports", values.reports ?? env.BENCH_REPORTS, 20_000),
    partitions: positiveInt("--partitions", values.partitions ?? env.BENCH_PARTITIONS, 4),
    stationBatch: positiveInt("--station-batch", values["station-batch"], 10),
    exportBatch: positiveInt("--export-batch", values["export-batch"], 100),
    processes: positiveInt("--processes", values.processes ?? env.BENCH_PROCESSES, 2),
    poolSize: values.pool ? positiveInt("--pool", values.pool, 10) : null,
    wifi: positiveInt("--wifi", values.wifi, 200_000),
    cells: positiveInt("--cells", values.cells, 5_000),
    beacons: positiveInt("--beacons", values.beacons, 2_000),
    seed: positiveInt("--seed", values.seed ?? env.BENCH_SEED, 0x1c4e05),
    breakdown: !values["no-breakdown"],
    profile: (values.profile ?? false) || values["profile-out"] !== undefined,
    profileOut: values["profile-out"] ?? null,
    redisUrl: env.REDIS_URL || "redis://127.0.0.1:6379",
    databaseUrl: env.DATABASE_URL || "mysql://root@127.0.0.1:3306/ichnos_bench",
    json: values.json ?? false,
  });
}
