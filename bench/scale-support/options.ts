/**
 * Options of `npm run bench:scale` (flags over environment variables over defaults, see
 * harness/options.ts): `npm run bench:scale -- --reports 20000 --workers 1,2,3 --no-locate --json`.
 */
import { type BenchOptions, type OptionTable, readOptions } from "../harness/options.ts";
import { CITY } from "../harness/world/presets.ts";

const SCALE_OPTIONS = {
  /** Reports each pipeline run appends and drains. */
  reports: { kind: "int", env: "BENCH_REPORTS", default: 10_000 },
  /** STREAM_PARTITIONS of every process. */
  partitions: { kind: "int", env: "BENCH_PARTITIONS", default: 4 },
  /** `ichnos work` processes per pipeline run. */
  workers: { kind: "ints", default: [1, 2, 3] },
  /** `ichnos web` processes per submit run. */
  webs: { kind: "ints", default: [1, 2] },
  /** Submit: autocannon connections in all, split over the web processes. */
  submitConnections: { kind: "int", default: 32 },
  /** Locate: autocannon connections. */
  locateConnections: { kind: "int", default: 16 },
  /** Seconds of warm-up and of measurement per submit and locate run. */
  warmup: { kind: "int", default: 3 },
  duration: { kind: "int", default: 8 },
  /** Each pipeline and submit figure is the median of this many runs, interleaved (1, 2, 3, 1, 2, 3 …). */
  rounds: { kind: "int", default: 3 },
  /** Skip the three-master Redis Cluster (runs on the machine's Redis only). */
  noCluster: { kind: "switch" },
  /** Skip the locate runs (primary against replica). */
  noLocate: { kind: "switch" },
  seed: { kind: "int", env: "BENCH_SEED", default: CITY.seed },
} as const satisfies OptionTable;

export type ScaleBenchOptions = BenchOptions<typeof SCALE_OPTIONS>;

export function readScaleOptions(): ScaleBenchOptions {
  return readOptions("scale", SCALE_OPTIONS);
}
