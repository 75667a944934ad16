/**
 * The datamap the tiles bench draws: what years of stumbling leave in `datamap_*`, deterministic
 * by seed. Each city is a street lattice (blocks of 300–400 m, turned by the city's own angle)
 * walked by stumblers who start mostly near the centre and turn at corners; around the cities run
 * rural tracks, long drives with gentle bends. The cities lie in all four shards, and Amsterdam
 * straddles the nw/ne split at 5° E, so some tiles read two shards at every zoom.
 * Cells are datamap grid units (thousandths of a degree, src/domain/datamap/grid.ts).
 */
import { prng, randomTools } from "../../src/util/prng.ts";

export interface City {
  readonly name: string;
  readonly lat: number;
  readonly lon: number;
  readonly radiusKm: number;
  /** Share of the city cells. */
  readonly share: number;
}

export const CITIES: readonly City[] = [
  { name: "Berlin", lat: 52.52, lon: 13.405, radiusKm: 14, share: 0.22 },
  { name: "Amsterdam", lat: 52.37, lon: 4.9, radiusKm: 8, share: 0.1 },
  { name: "New York", lat: 40.71, lon: -74.0, radiusKm: 16, share: 0.2 },
  { name: "São Paulo", lat: -23.55, lon: -46.63, radiusKm: 15, share: 0.16 },
  { name: "Tokyo", lat: 35.68, lon: 139.69, radiusKm: 16, share: 0.2 },
  { name: "Sydney", lat: -33.87, lon: 151.21, radiusKm: 11, share: 0.12 },
];

/** Share of all cells on rural tracks. */
export const RURAL_SHARE = 0.15;

/** Cells as flat `[lat, lon, …]` grid units, sorted by latitude then longitude (the tables' key order). */
export interface DatamapWorld {
  readonly cells: Int32Array;
  readonly count: number;
  readonly byCity: Record<string, number>;
  readonly rural: number;
}

const LON_SPAN = 360_001;
const KM_PER_UNIT = 0.111_32;
/** Sub-steps of 50 m: at 60° a longitude unit is 56 m, so a track leaves no cell out. */
const STEP_KM = 0.05;

const keyOf = (la: number, lo: number) => (la + 90_000) * LON_SPAN + (lo + 180_000);

/** A set of cells that stops growing at its budget. */
function cellSet(limit: number) {
  const keys = new Set<number>();
  return {
    keys,
    full: () => keys.size >= limit,
    add(latUnits: number, lonUnits: number) {
      if (keys.size >= limit) return;
      const la = Math.round(latUnits);
      const lo = Math.round(lonUnits);
      if (la > -85_000 && la < 85_000 && lo >= -180_000 && lo < 180_000) keys.add(keyOf(la, lo));
    },
  };
}

type Cells = ReturnType<typeof cellSet>;

/** Moves `km` along `headingRad` (0 = north) from a point in grid units, on the sphere's local plane. */
function moved(la: number, lo: number, headingRad: number, km: number): [number, number] {
  const cos = Math.cos((la / 1000) * (Math.PI / 180));
  return [la + (Math.cos(headingRad) * km) / KM_PER_UNIT, lo + (Math.sin(headingRad) * km) / KM_PER_UNIT / Math.max(cos, 0.05)];
}

function walkCity(city: City, budget: number, random: () => number): Cells {
  const { int, gauss } = randomTools(random);
  const cells = cellSet(budget);
  const angle = random() * (Math.PI / 2);
  const block = int(6, 8); // sub-steps of 50 m between streets
  const centre: [number, number] = [city.lat * 1000, city.lon * 1000];
  const limitKm = city.radiusKm * 1.5;
  // A lattice point (u, v) in sub-steps from the centre, along the city's two street directions.
  const at = (u: number, v: number) => {
    const [la, lo] = moved(centre[0], centre[1], angle, u * STEP_KM);
    return moved(la, lo, angle + Math.PI / 2, v * STEP_KM);
  };
  for (let tries = 0; !cells.full() && tries < budget; tries++) {
    const sd = city.radiusKm / 2 / STEP_KM;
    let u = Math.round((gauss() * sd) / block) * block;
    let v = Math.round((gauss() * sd) / block) * block;
    let dir = int(0, 3);
    for (let steps = int(60, 800); steps > 0 && !cells.full(); steps--) {
      if (u % block === 0 && v % block === 0 && random() < 0.35) dir = (dir + (random() < 0.5 ? 1 : 3)) % 4;
      u += dir === 0 ? 1 : dir === 2 ? -1 : 0;
      v += dir === 1 ? 1 : dir === 3 ? -1 : 0;
      if (Math.hypot(u, v) * STEP_KM > limitKm) break;
      const [la, lo] = at(u, v);
      cells.add(la, lo);
    }
  }
  return cells;
}

/** Drives out of the cities' regions: 5–150 km, the heading bending a little every kilometre. */
function driveRural(cells: Cells, random: () => number): void {
  const { int, gauss } = randomTools(random);
  while (!cells.full()) {
    const city = CITIES[int(0, CITIES.length - 1)]!;
    let [la, lo] = moved(city.lat * 1000, city.lon * 1000, random() * 2 * Math.PI, Math.abs(gauss()) * 60);
    let heading = random() * 2 * Math.PI;
    for (let steps = int(100, 3000); steps > 0 && !cells.full(); steps--) {
      if (steps % 20 === 0) heading += gauss() * 0.15;
      [la, lo] = moved(la, lo, heading, STEP_KM);
      cells.add(la, lo);
    }
  }
}

export function createDatamapWorld(options: { readonly cells: number; readonly seed: number }): DatamapWorld {
  const random = prng(options.seed);
  const cityCells = Math.round(options.cells * (1 - RURAL_SHARE));
  const all = new Set<number>();
  const byCity: Record<string, number> = {};
  for (const city of CITIES) {
    const walked = walkCity(city, Math.round(cityCells * city.share), random);
    byCity[city.name] = walked.keys.size;
    for (const k of walked.keys) all.add(k);
  }
  const rural = cellSet(options.cells - all.size);
  driveRural(rural, random);
  const before = all.size;
  for (const k of rural.keys) all.add(k);
  const sorted = Float64Array.from(all).sort();
  const cells = new Int32Array(sorted.length * 2);
  sorted.forEach((k, i) => {
    cells[2 * i] = Math.floor(k / LON_SPAN) - 90_000;
    cells[2 * i + 1] = (k % LON_SPAN) - 180_000;
  });
  return { cells, count: sorted.length, byCity, rural: all.size - before };
}
