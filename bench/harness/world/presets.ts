/**
 * The world most benches share: the synthetic city of bench:pipeline (its defaults, its seed),
 * from which bench:submit's bodies and bench:log's and bench:archive's stream entries are drawn
 * too. bench:locate builds a bigger region of its own (regionLayout), from the same generator.
 */
import { CITY_LAYOUT } from "./layouts.ts";
import { createWorld, type World } from "./stations.ts";

export const CITY = { wifi: 200_000, cells: 5_000, beacons: 2_000, seed: 0x1c4e05 } as const;

export function createCity(options: { readonly wifi?: number; readonly cells?: number; readonly beacons?: number; readonly seed?: number } = {}): World {
  return createWorld({ ...CITY, ...options, layout: CITY_LAYOUT });
}
