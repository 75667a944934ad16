/**
 * Where a world's stations stand. Two shapes, each kept from the benchmark it was made for so
 * that numbers stay comparable over time:
 *   - `regionLayout`: sized by density (~800 APs/km², ~20 cells/km²) for a whole urban region of
 *     a million APs, areas of 14 × 14 blocks (bench:locate);
 *   - `CITY_LAYOUT`: one city of fixed size, 35% of the APs in a 2 km core of a 7 km disc,
 *     beacons over 5 km, cells over 9 km in areas of 3 km (bench:pipeline, and the reports and
 *     bodies the other benches send).
 */
export interface Disc {
  readonly radius: number;
  readonly coreRadius: number;
  /** Share of the stations placed in the core disc instead of the whole disc. */
  readonly coreShare: number;
}

export interface WorldLayout {
  readonly wifi: Disc;
  readonly beacons: Disc;
  /** Areas are the squares of an `areaBlocks` × `areaBlocks` grid over the cells' disc. */
  readonly cells: { readonly radius: number; readonly areaBlocks: number };
}

const WIFI_PER_KM2 = 800;
const CELLS_PER_KM2 = 20;

export function regionLayout(counts: { readonly wifi: number; readonly cells: number }): WorldLayout {
  const wifiRadius = Math.max(1000, Math.sqrt(counts.wifi / WIFI_PER_KM2 / Math.PI) * 1000);
  const cellRadius = Math.max(5000, Math.sqrt(counts.cells / CELLS_PER_KM2 / Math.PI) * 1000);
  return {
    wifi: { radius: wifiRadius, coreRadius: wifiRadius / 3, coreShare: 0.35 },
    beacons: { radius: wifiRadius / 2, coreRadius: wifiRadius / 2 / 3, coreShare: 0.2 },
    cells: { radius: cellRadius, areaBlocks: 14 },
  };
}

export const CITY_LAYOUT: WorldLayout = {
  wifi: { radius: 7_000, coreRadius: 2_000, coreShare: 0.35 },
  beacons: { radius: 5_000, coreRadius: 5_000, coreShare: 0 },
  cells: { radius: 9_000, areaBlocks: 6 },
};
