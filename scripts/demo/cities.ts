/**
 * The demo installation's cities: the benches' synthetic city (bench/harness/world) placed in
 * several countries, each with its own seed, size and mobile country code, so that stations code
 * to a region, the cells' MCC agrees with it (SPEC §3.2.1) and /stats/regions has a row per city.
 */
import type { Report } from "../../src/domain/report.ts";
import { generateCityReports } from "../../bench/harness/world/city-reports.ts";
import { CITY_LAYOUT } from "../../bench/harness/world/layouts.ts";
import { createWorld } from "../../bench/harness/world/stations.ts";

export interface DemoCity {
  readonly name: string;
  readonly lat: number;
  readonly lon: number;
  readonly mcc: number;
  /** Share of the seeded reports: the cities differ in size, as real coverage does. */
  readonly weight: number;
}

export const DEMO_CITIES: readonly DemoCity[] = [
  { name: "Berlin", lat: 52.52, lon: 13.405, mcc: 262, weight: 10 },
  { name: "Paris", lat: 48.857, lon: 2.352, mcc: 208, weight: 7 },
  { name: "London", lat: 51.507, lon: -0.128, mcc: 234, weight: 6 },
  { name: "Madrid", lat: 40.417, lon: -3.704, mcc: 214, weight: 4 },
  { name: "Warsaw", lat: 52.23, lon: 21.012, mcc: 260, weight: 3 },
  { name: "New York", lat: 40.73, lon: -73.99, mcc: 310, weight: 5 },
  { name: "São Paulo", lat: -23.55, lon: -46.633, mcc: 724, weight: 2 },
  { name: "Tokyo", lat: 35.68, lon: 139.767, mcc: 440, weight: 3 },
];

/** Apps whose User-Agents the uploads carry; the live feed shows the first product token. */
const USER_AGENTS = ["NeoStumbler/2.3.1 (Android 14)", "TowerCollector/2.16.2", "NeoStumbler/2.2.0 (Android 13)", "MozStumbler/1.8.9"];

/** A city of these many stations is dense enough that a walk keeps hearing new ones. */
const STATIONS = { wifi: 60_000, cells: 1_500, beacons: 800 } as const;

export interface DemoUpload {
  readonly city: string;
  readonly userAgent: string;
  readonly body: { readonly items: readonly Report[] };
}

/**
 * `reports` GNSS-tagged reports shared out over the cities by weight, as geosubmit bodies of 50
 * from one device each, interleaved across cities, timed to end a minute before `nowMs`.
 */
export function demoUploads(reports: number, nowMs: number, seed = 1): DemoUpload[] {
  const total = DEMO_CITIES.reduce((sum, c) => sum + c.weight, 0);
  const perCity = DEMO_CITIES.map((city, i) => {
    const world = createWorld({ ...STATIONS, seed: seed * 7919 + i, layout: CITY_LAYOUT, centre: { lat: city.lat, lon: city.lon } });
    const count = Math.max(50, Math.round((reports * city.weight) / total));
    return generateCityReports(world, count, seed * 104_729 + i).uploads.map((items, k) => ({
      city: city.name, userAgent: USER_AGENTS[(i + k) % USER_AGENTS.length]!,
      body: { items: items.map((r) => withMcc(r, city.mcc)) },
    }));
  });
  const uploads: DemoUpload[] = [];
  for (let round = 0; perCity.some((c) => c.length > round); round++) {
    for (const c of perCity) if (c[round]) uploads.push(c[round]!);
  }
  return retimed(uploads, nowMs - 60_000);
}

/** The generator's cells all carry Germany's MCC; each city's carry its own country's. */
function withMcc(report: Report, mcc: number): Report {
  return { ...report, cellTowers: report.cellTowers.map((c) => ({ ...c, mobileCountryCode: mcc })) };
}

/** The generator's fixed clock moved so that the last report was taken at `endMs`. */
function retimed(uploads: DemoUpload[], endMs: number): DemoUpload[] {
  const last = Math.max(...uploads.flatMap((u) => u.body.items.map((r) => r.timestamp)));
  const shift = endMs - last;
  return uploads.map((u) => ({ ...u, body: { items: u.body.items.map((r) => ({ ...r, timestamp: r.timestamp + shift })) } }));
}
