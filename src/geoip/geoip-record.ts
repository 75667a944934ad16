/**
 * Pure helpers for GeoIP lookups: which addresses are worth looking up, and how a database record
 * (either schema) becomes one normalised result. No file or maxmind access here.
 */
import { BlockList, isIP } from "node:net";
import type { CityResponse } from "maxmind";

/** One GeoIP answer, the same shape whichever database schema it came from. */
export interface GeoIpResult {
  /** ISO 3166-1 alpha-2, as the database has it (SPEC §3.10 maps AX→FI etc. later). */
  readonly countryCode: string;
  /** Only GeoIP2-schema databases carry names; the flattened npm database does not. */
  readonly countryName?: string;
  /** City name when the record has one (SPEC §3.10: "with a city" changes score and radius). */
  readonly city?: string;
  /** GeoNames id of the city; only GeoIP2-schema databases have it (SPEC §3.10 city radii). */
  readonly cityGeonameId?: number;
  readonly latitude: number;
  readonly longitude: number;
  /** Only GeoIP2-schema databases carry an accuracy radius. */
  readonly accuracyRadiusKm?: number;
  /** First-level subdivision name (ISO code when a GeoIP2 record has no English name). */
  readonly subdivision?: string;
}

export interface LookupAddress {
  readonly ip: string;
  readonly family: 4 | 6;
}

/** The @ip-location-db "flattened" schema: missing values are "" rather than absent. */
interface FlatRecord {
  country_code?: string;
  state1?: string;
  city?: string;
  latitude?: number;
  longitude?: number;
}

// Addresses no public database locates; checked first so a typo'd private address never reaches
// the tree walk (and so the answer does not depend on what a given database file contains).
const NOT_PUBLIC = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8], ["10.0.0.0", 8], ["100.64.0.0", 10], ["127.0.0.0", 8], ["169.254.0.0", 16],
  ["172.16.0.0", 12], ["192.168.0.0", 16], ["224.0.0.0", 4], ["240.0.0.0", 4],
] as const) NOT_PUBLIC.addSubnet(net, prefix, "ipv4");
for (const [net, prefix] of [
  ["::", 128], ["::1", 128], ["fc00::", 7], ["fe80::", 10], ["ff00::", 8],
] as const) NOT_PUBLIC.addSubnet(net, prefix, "ipv6");

const MAPPED_V4 = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/**
 * The address to look up, or null for garbage and non-public addresses. IPv4-mapped IPv6
 * (`::ffff:a.b.c.d`, what a dual-stack socket reports) becomes plain IPv4: the bundled v6 file
 * has no mapped range, so looking it up as IPv6 would always miss.
 */
export function toLookupAddress(raw: string): LookupAddress | null {
  const trimmed = raw.trim();
  const ip = MAPPED_V4.exec(trimmed)?.[1] ?? trimmed;
  const family = isIP(ip);
  if (family !== 4 && family !== 6) return null;
  if (NOT_PUBLIC.check(ip, family === 4 ? "ipv4" : "ipv6")) return null;
  return { ip, family };
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function finite(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

function isFlatRecord(record: object): record is FlatRecord {
  return "country_code" in record;
}

/**
 * A result only when country, latitude and longitude are all present. SPEC §3.10: a latitude or
 * longitude of exactly 0 counts as missing (Ichnaea tests truthiness), so such records are
 * "no GeoIP data" too.
 */
function complete(result: Partial<GeoIpResult>): GeoIpResult | null {
  const { countryCode, latitude, longitude } = result;
  if (!countryCode || !latitude || !longitude) return null;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(result)) if (value !== undefined) out[key] = value;
  return out as unknown as GeoIpResult;
}

function fromFlat(record: FlatRecord): GeoIpResult | null {
  return complete({
    countryCode: text(record.country_code),
    city: text(record.city),
    latitude: finite(record.latitude),
    longitude: finite(record.longitude),
    subdivision: text(record.state1),
  });
}

function fromGeoIp2(record: CityResponse): GeoIpResult | null {
  const subdivision = record.subdivisions?.[0];
  return complete({
    countryCode: text(record.country?.iso_code),
    countryName: text(record.country?.names?.en),
    city: text(record.city?.names?.en),
    cityGeonameId: finite(record.city?.geoname_id),
    latitude: finite(record.location?.latitude),
    longitude: finite(record.location?.longitude),
    accuracyRadiusKm: finite(record.location?.accuracy_radius),
    subdivision: text(subdivision?.names?.en) ?? text(subdivision?.iso_code),
  });
}

/** Normalises a record of either schema; anything unusable is null. */
export function toGeoIpResult(record: unknown): GeoIpResult | null {
  if (record === null || typeof record !== "object") return null;
  return isFlatRecord(record) ? fromFlat(record) : fromGeoIp2(record as CityResponse);
}
