/**
 * Options of `npm run bench:locate` (flags over environment variables over defaults, see
 * harness/options.ts; the defaults are the station counts):
 * `npm run bench:locate -- --wifi 200000 --rounds 1 --json`.
 */
import { type BenchOptions, type OptionTable, readOptions } from "../harness/options.ts";

const LOCATE_OPTIONS = {
  wifi: { kind: "int", env: "BENCH_WIFI", default: 1_000_000 },
  cells: { kind: "int", env: "BENCH_CELLS", default: 100_000 },
  beacons: { kind: "int", env: "BENCH_BEACONS", default: 50_000 },
  seed: { kind: "int", default: 20261201 },
  /** Distinct query bodies, cycled through by all connections. */
  queries: { kind: "int", default: 20_000 },
  /** Seconds per measured round (sized from the sweep to last about this long). */
  duration: { kind: "int", env: "BENCH_DURATION", default: 8, metavar: "S" },
  rounds: { kind: "int", env: "BENCH_ROUNDS", default: 3, metavar: "R" },
  sweepDuration: { kind: "int", flag: "sweep", default: 4, metavar: "S" },
  warmup: { kind: "int", default: 6, metavar: "S" },
  connections: { kind: "ints", env: "BENCH_CONNECTIONS", default: [8, 16, 32, 64] },
  /** Requests of the sequential check pass (per-request round trips, hit rates). */
  checkRequests: { kind: "int", flag: "check", default: 400 },
  /** Skip the rounds with a key that samples every query into a report (store_sample_locate 100). */
  noSample: { kind: "switch" },
  /** Profile a web child even when every target passes (by default only when one fails). */
  profile: { kind: "switch" },
  /** Never profile. */
  noProfile: { kind: "switch" },
  insertBatch: { kind: "int", flag: "batch", default: 2000 },
  insertConnections: { kind: "int", default: 3 },
} as const satisfies OptionTable;

export type LocateBenchOptions = Omit<BenchOptions<typeof LOCATE_OPTIONS>, "profile" | "noProfile"> & {
  /** Profile the web child: "auto" only when a target fails. */
  readonly profile: "auto" | "always" | "never";
};

export function readLocateOptions(): LocateBenchOptions {
  const { profile, noProfile, ...options } = readOptions("locate", LOCATE_OPTIONS);
  return { ...options, profile: profile ? "always" : noProfile ? "never" : "auto" };
}
