/**
 * Options of `npm run bench:pipeline` (flags over environment variables over defaults, see
 * harness/options.ts): `npm run bench:pipeline -- --reports 40000 --partitions 4 --station-batch 10 --json`.
 */
import { type BenchOptions, type OptionTable, readOptions } from "../harness/options.ts";
import { CITY } from "../harness/world/presets.ts";

const PIPELINE_OPTIONS = {
  /** Reports appended to the report streams before the drain. */
  reports: { kind: "int", env: "BENCH_REPORTS", default: 20_000 },
  /** STREAM_PARTITIONS for the appender and the drain child. */
  partitions: { kind: "int", env: "BENCH_PARTITIONS", default: 4 },
  /** STATION_BATCH: observation entries per station-projector transaction. */
  stationBatch: { kind: "int", default: 10 },
  /** `export_config.batch` of the `internal` export (the splitter's reports per batch). */
  exportBatch: { kind: "int", default: 100 },
  /** `ichnos drain --processes N`: the drain plus N − 1 `ichnos work` children (default 2: one per core here). */
  processes: { kind: "int", env: "BENCH_PROCESSES", default: 2 },
  /** DATABASE_POOL_SIZE of the drain child; unset leaves the project's default. */
  poolSize: { kind: "int", flag: "pool" },
  /** Synthetic city: Wi-Fi APs, cells and Bluetooth beacons. */
  wifi: { kind: "int", default: CITY.wifi },
  cells: { kind: "int", default: CITY.cells },
  beacons: { kind: "int", default: CITY.beacons },
  seed: { kind: "int", env: "BENCH_SEED", default: CITY.seed },
  /** Skip the second run on a fresh prefix/database: `export:internal` alone, then every other group. */
  noBreakdown: { kind: "switch" },
  /** Run the full drain child with --cpu-prof and print its hottest functions. */
  profile: { kind: "switch" },
  /** With --profile (implied): also keep the main thread's .cpuprofile at this path (for DevTools / speedscope). */
  profileOut: { kind: "text", metavar: "FILE" },
} as const satisfies OptionTable;

export type PipelineBenchOptions = BenchOptions<typeof PIPELINE_OPTIONS>;

export function readPipelineOptions(): PipelineBenchOptions {
  const options = readOptions("pipeline", PIPELINE_OPTIONS);
  return { ...options, profile: options.profile || options.profileOut !== null };
}
