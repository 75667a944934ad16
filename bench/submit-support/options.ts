/**
 * Options of `npm run bench:submit`: flags win over environment variables, which win over the
 * defaults. `npm run bench:submit -- --duration 15 --rounds 3 --connections 10,50,100 --json`.
 */
import { parseArgs } from "node:util";

export interface SubmitBenchOptions {
  /** Seconds per measured round (the round is sized to last about this long; see load.ts). */
  readonly duration: number;
  /** Measured rounds per server; the table shows their median. */
  readonly rounds: number;
  /** Seconds of each run of the connection sweep (submit and ceiling at every count). */
  readonly sweepDuration: number;
  /** Seconds of load on each server before anything is measured. */
  readonly warmup: number;
  /** Connection counts tried by the sweep; the measured rounds use the best one for submit. */
  readonly connections: readonly number[];
  /** Reports per request body. */
  readonly reportsPerRequest: number;
  /** Distinct request bodies, cycled through by all connections. */
  readonly bodies: number;
  /** Send `?key=` with a key that exists in the scratch database (adds the usage counters). */
  readonly withKey: boolean;
  /** Also measure both servers with wrk (when on PATH): a C load generator that needs far less CPU. */
  readonly wrk: boolean;
  /** One more submit run against a second web process started with --cpu-prof; prints the hottest functions. */
  readonly profile: boolean;
  /** Extra node flags for the web child only, e.g. `--max-semi-space-size=32`. */
  readonly webFlags: readonly string[];
  readonly redisUrl: string;
  /** The server and credentials are used; the database name is replaced by a scratch one. */
  readonly databaseUrl: string;
  readonly json: boolean;
}

const USAGE = `usage: npm run bench:submit -- [--duration S] [--rounds R] [--sweep S] [--warmup S] [--connections 10,50,100]
       [--reports N] [--bodies N] [--key] [--no-wrk] [--profile] [--web-flags="<node flags>"] [--json]
env: BENCH_DURATION, BENCH_ROUNDS, BENCH_CONNECTIONS, REDIS_URL, DATABASE_URL`;

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === "") return fallback;
  const n = Number(value.replaceAll("_", ""));
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${name} must be a positive integer (got ${value})\n${USAGE}`);
  return n;
}

function intList(name: string, value: string | undefined, fallback: readonly number[]): readonly number[] {
  if (value === undefined || value === "") return fallback;
  return value.split(",").map((v) => positiveInt(name, v.trim(), 0));
}

export function readOptions(argv = process.argv.slice(2), env = process.env): SubmitBenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      duration: { type: "string" },
      rounds: { type: "string" },
      sweep: { type: "string" },
      warmup: { type: "string" },
      connections: { type: "string" },
      reports: { type: "string" },
      bodies: { type: "string" },
      key: { type: "boolean" },
      "no-wrk": { type: "boolean" },
      profile: { type: "boolean" },
      "web-flags": { type: "string" },
      json: { type: "boolean" },
      help: { type: "boolean" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  return Object.freeze({
    duration: positiveInt("--duration", values.duration ?? env.BENCH_DURATION, 15),
    rounds: positiveInt("--rounds", values.rounds ?? env.BENCH_ROUNDS, 3),
    sweepDuration: positiveInt("--sweep", values.sweep, 5),
    warmup: positiveInt("--warmup", values.warmup, 5),
    connections: intList("--connections", values.connections ?? env.BENCH_CONNECTIONS, [10, 50, 100]),
    reportsPerRequest: positiveInt("--reports", values.reports, 50),
    bodies: positiveInt("--bodies", values.bodies, 200),
    withKey: values.key ?? false,
    wrk: !values["no-wrk"],
    profile: values.profile ?? false,
    webFlags: (values["web-flags"] ?? "").split(/\s+/).filter(Boolean),
    redisUrl: env.REDIS_URL || "redis://127.0.0.1:6379",
    databaseUrl: env.DATABASE_URL || "mysql://root@127.0.0.1:3306/ichnos_bench",
    json: values.json ?? false,
  });
}
