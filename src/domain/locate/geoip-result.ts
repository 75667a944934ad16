/**
 * The GeoIP source's answer (SPEC §3.10), from a normalised GeoIP record: which region, how far
 * the answer may be off and how much it is trusted. Pure: the lookup itself is geoip-reader.ts.
 */
import type { RegionLookup } from "../../geo/region-lookup.ts";
import { roundHalfEven } from "../../geo/round.ts";
import type { GeoIpResult } from "../../geoip/geoip-record.ts";
import { positionResult, regionResult } from "./combine-results.ts";
import { regionName } from "./region-search.ts";
import type { PositionResult, RegionResult } from "./result.ts";

export interface GeoIpEstimate {
  readonly regionCode: string;
  readonly regionName: string;
  readonly lat: number;
  readonly lon: number;
  /** Metres: the position answer's accuracy. */
  readonly radius: number;
  /** Metres: the region's max radius, the region answer's accuracy. */
  readonly regionRadius: number;
  readonly score: number;
  readonly city: boolean;
}

/** SPEC §3.10: country codes GENC spells differently. */
const GENC_CODES: Readonly<Record<string, string>> = { AX: "FI", PS: "XW", SJ: "XR", UM: "US" };
/** SPEC §3.10: the radius for a region missing from the shape data (Russia's worst case). */
const UNKNOWN_REGION_RADIUS = 5_000_000;
const DEFAULT_SUBDIVISION_RADIUS = 400_000;
const DEFAULT_CITY_RADIUS = 25_000;
const NO_CITY_SCORE = 0.9;
const DEFAULT_CITY_SCORE = 0.3;

/** SPEC §3.10: the largest subdivision radius per region. */
const SUBDIVISION_RADII: Readonly<Record<string, number>> = {
  AU: 1_200_000, BR: 1_000_000, CA: 1_400_000, CD: 500_000, CL: 500_000, CN: 1_000_000,
  DZ: 600_000, EG: 500_000, GL: 1_600_000, ID: 550_000, KZ: 550_000, LY: 500_000, ML: 600_000,
  NE: 600_000, RU: 1_200_000, SA: 650_000, SD: 450_000, SO: 500_000, US: 1_200_000,
};

/**
 * Ichnaea's 34 large cities (GeoNames id → radius), with the country and English name a
 * flattened database (no geoname ids, the bundled one) has instead.
 */
const CITIES: readonly (readonly [number, number, string, string])[] = [
  [98182, 39_000, "IQ", "Baghdad"], [108410, 30_000, "SA", "Riyadh"], [112931, 39_000, "IR", "Tehran"],
  [323786, 27_000, "TR", "Ankara"], [360630, 40_000, "EG", "Cairo"], [524901, 47_000, "RU", "Moscow"],
  [745044, 48_000, "TR", "Istanbul"], [1172451, 36_000, "PK", "Lahore"], [1185241, 46_000, "BD", "Dhaka"],
  [1275339, 50_000, "IN", "Mumbai"], [1277333, 33_000, "IN", "Bengaluru"], [1279233, 28_000, "IN", "Ahmedabad"],
  [1566083, 27_000, "VN", "Ho Chi Minh City"], [1609350, 33_000, "TH", "Bangkok"], [1642911, 42_000, "ID", "Jakarta"],
  [1668341, 40_000, "TW", "Taipei"], [1701668, 47_000, "PH", "Manila"], [1792947, 48_000, "CN", "Tianjin"],
  [1796236, 68_000, "CN", "Shanghai"], [1816670, 49_000, "CN", "Beijing"], [1835848, 46_000, "KR", "Seoul"],
  [1850147, 42_000, "JP", "Tokyo"], [1871859, 26_000, "KP", "Pyongyang"], [2314302, 40_000, "CD", "Kinshasa"],
  [2643743, 40_000, "GB", "London"], [2950159, 27_000, "DE", "Berlin"], [3117735, 26_000, "ES", "Madrid"],
  [3435910, 50_000, "AR", "Buenos Aires"], [3448439, 46_000, "BR", "São Paulo"], [3530597, 50_000, "MX", "Mexico City"],
  [3688689, 40_000, "CO", "Bogotá"], [3871336, 32_000, "CL", "Santiago"], [3936456, 40_000, "PE", "Lima"],
  [5128581, 41_000, "US", "New York"],
];
const CITY_RADII_BY_ID = new Map(CITIES.map(([id, radius]) => [id, radius]));
const CITY_RADII_BY_NAME = new Map(CITIES.map(([, radius, code, name]) => [`${code}:${name}`, radius]));

/** SPEC §3.10: MaxMind's city accuracy per country (October 2015), default 0.3. */
const CITY_SCORES: Readonly<Record<string, number>> = Object.fromEntries(
  ([
    [0.5, "FI IE PH"],
    [0.6, "CN CO GR HR IN IT MX NZ PL VE"],
    [0.7, "AR AT AU BG BR CH EG FR ID IL KR LT MY PT RO RS SA SE SK TR UA VN ZA"],
    [0.8, "BE CA CL CZ DE DK EC EE ES GB HU IS JP LV NL NO PE PK RU SI TH TW US UY"],
    [0.9, "AE CR HK LU MT PR QA SG"],
  ] as const).flatMap(([score, codes]) => codes.split(" ").map((code) => [code, score])),
);

function cityRadius(record: GeoIpResult, code: string): number {
  if (record.cityGeonameId !== undefined) return CITY_RADII_BY_ID.get(record.cityGeonameId) ?? DEFAULT_CITY_RADIUS;
  return CITY_RADII_BY_NAME.get(`${code}:${record.city ?? ""}`) ?? DEFAULT_CITY_RADIUS;
}

/**
 * SPEC §3.10 radius: the region's max radius, narrowed by the record's accuracy radius, then by
 * the subdivision radius, then by the city radius. The region radius stays an upper bound so a
 * tiny region (VA 1000 m) is never answered with a city-sized circle.
 */
function radiusOf(record: GeoIpResult, code: string, regionRadius: number, city: boolean): number {
  let radius = regionRadius;
  // Ichnaea tests truthiness, so an accuracy radius of 0 is ignored.
  if (record.accuracyRadiusKm) radius = Math.min(record.accuracyRadiusKm * 1000, radius);
  if (record.subdivision !== undefined) radius = Math.min(SUBDIVISION_RADII[code] ?? DEFAULT_SUBDIVISION_RADIUS, radius);
  if (city) radius = Math.min(cityRadius(record, code), radius);
  return radius;
}

/**
 * The estimate for a record, or null when it lacks a country or a position (a latitude or
 * longitude of exactly 0 counts as missing, SPEC §9.21). A record "has a city" when it names one
 * by GeoNames id or, in a flattened database that has no ids, by name.
 */
export function estimateGeoIp(record: GeoIpResult, regions: Pick<RegionLookup, "maxRadius">): GeoIpEstimate | null {
  if (!record.countryCode || !record.latitude || !record.longitude) return null;
  const upper = record.countryCode.toUpperCase();
  const code = GENC_CODES[upper] ?? upper;
  const regionRadius = regions.maxRadius(code) ?? UNKNOWN_REGION_RADIUS;
  const city = record.cityGeonameId !== undefined || record.city !== undefined;
  return {
    regionCode: code,
    regionName: regionName(code),
    lat: roundHalfEven(record.latitude, 7),
    lon: roundHalfEven(record.longitude, 7),
    radius: radiusOf(record, code, regionRadius, city),
    regionRadius,
    score: city ? (CITY_SCORES[code] ?? DEFAULT_CITY_SCORE) : NO_CITY_SCORE,
    city,
  };
}

/** SPEC §3.10: tagged `ipf` unless the query had nothing but the IP (`geoip_only`). */
export function geoIpPosition(estimate: GeoIpEstimate, geoipOnly: boolean): PositionResult {
  return positionResult({
    lat: estimate.lat,
    lon: estimate.lon,
    accuracy: estimate.radius,
    score: estimate.score,
    source: "geoip",
    fallback: geoipOnly ? null : "ipf",
    usedNetworks: [],
  });
}

export function geoIpRegion(estimate: GeoIpEstimate, geoipOnly: boolean): RegionResult {
  return regionResult({
    regionCode: estimate.regionCode,
    regionName: estimate.regionName,
    accuracy: estimate.regionRadius,
    score: estimate.score,
    source: "geoip",
    fallback: geoipOnly ? null : "ipf",
    usedNetworks: [],
  });
}
