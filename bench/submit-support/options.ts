/**
 * Options of `npm run bench:submit` (flags over environment variables over defaults, see
 * harness/options.ts): `npm run bench:submit -- --duration 15 --rounds 3 --connections 10,50,100 --json`.
 */
import { type BenchOptions, type OptionTable, readOptions } from "../harness/options.ts";

const SUBMIT_OPTIONS = {
  /** Seconds per measured round (the round is sized to last about this long; see load.ts). */
  duration: { kind: "int", env: "BENCH_DURATION", default: 15, metavar: "S" },
  /** Measured rounds per server; the table shows their median. */
  rounds: { kind: "int", env: "BENCH_ROUNDS", default: 3, metavar: "R" },
  /** Seconds of each run of the connection sweep (submit and ceiling at every count). */
  sweepDuration: { kind: "int", flag: "sweep", default: 5, metavar: "S" },
  /** Seconds of load on each server before anything is measured. */
  warmup: { kind: "int", default: 5, metavar: "S" },
  /** Connection counts tried by the sweep; the measured rounds use the best one for submit. */
  connections: { kind: "ints", env: "BENCH_CONNECTIONS", default: [10, 50, 100] },
  /** Reports per request body. */
  reportsPerRequest: { kind: "int", flag: "reports", default: 50 },
  /** Distinct request bodies, cycled through by all connections. */
  bodies: { kind: "int", default: 200 },
  /** Send `?key=` with a key that exists in the scratch database (adds the usage counters). */
  withKey: { kind: "switch", flag: "key" },
  /** Skip the wrk rounds (a C load generator that needs far less CPU; they run when it is on PATH). */
  noWrk: { kind: "switch" },
  /** One more submit run against a second web process started with --cpu-prof; prints the hottest functions. */
  profile: { kind: "switch" },
  /** Extra node flags for the web child only, e.g. `--max-semi-space-size=32`. */
  webFlags: { kind: "text", default: "", metavar: '="<node flags>"' },
} as const satisfies OptionTable;

export type SubmitBenchOptions = Omit<BenchOptions<typeof SUBMIT_OPTIONS>, "webFlags"> & { readonly webFlags: readonly string[] };

export function readSubmitOptions(): SubmitBenchOptions {
  const options = readOptions("submit", SUBMIT_OPTIONS);
  return { ...options, webFlags: options.webFlags.split(/\s+/).filter(Boolean) };
}
