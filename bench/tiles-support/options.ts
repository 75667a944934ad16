/**
 * Options of `npm run bench:tiles` (flags over environment variables over defaults, see
 * harness/options.ts): `npm run bench:tiles -- --cells 100_000 --pairs 2 --duration 5 --json`.
 */
import { type BenchOptions, type OptionTable, readOptions } from "../harness/options.ts";

const TILES_OPTIONS = {
  /** Datamap cells seeded (cities and rural tracks, datamap-world.ts). */
  cells: { kind: "int", env: "BENCH_TILES_CELLS", default: 300_000 },
  seed: { kind: "int", default: 20261203 },
  /** Tiles per zoom in the sweep, where the zoom's whole world has more. */
  perZoom: { kind: "int", flag: "per-zoom", default: 100, note: "tiles per zoom (zooms with at most this many tiles take the whole world)" },
  /** autocannon connections of every run, the cold pass included. */
  connections: { kind: "int", env: "BENCH_CONNECTIONS", default: 10 },
  /** Seconds per warm and per static round. */
  duration: { kind: "int", env: "BENCH_DURATION", default: 8, metavar: "S" },
  /** Pairs of rounds: warm, static, warm, static, … */
  pairs: { kind: "int", env: "BENCH_ROUNDS", default: 3, metavar: "R", note: "pairs of rounds (warm, static), alternated" },
  /** Seconds of warm and of static load before the pairs. */
  warmup: { kind: "int", default: 3, metavar: "S" },
  /** Profile a web child serving warm tiles even when warm/static is at least PROFILE_BELOW. */
  profile: { kind: "switch", note: "profile a web child (--cpu-prof) serving warm tiles; by default only when warm is under 40% of static" },
  noProfile: { kind: "switch" },
  insertBatch: { kind: "int", flag: "batch", default: 5000 },
  insertConnections: { kind: "int", default: 2 },
} as const satisfies OptionTable;

export type TilesBenchOptions = Omit<BenchOptions<typeof TILES_OPTIONS>, "profile" | "noProfile"> & {
  /** Profile the web child: "auto" only when warm serving is far below the static ceiling. */
  readonly profile: "auto" | "always" | "never";
};

export function readTilesOptions(): TilesBenchOptions {
  const { profile, noProfile, ...options } = readOptions("tiles", TILES_OPTIONS);
  return { ...options, profile: profile ? "always" : noProfile ? "never" : "auto" };
}
