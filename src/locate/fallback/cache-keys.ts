/**
 * Which fallback queries may be cached and under which keys (SPEC §3.12 "Cacheability", "Keys").
 * Keys name only network ids, so a changed signal strength still finds the cached answer.
 */
import { CELL_RADIOS, type CellRadio } from "../../domain/report.ts";
import { encodeCellId } from "../../domain/observation/cell-id.ts";
import { isValidMac, normalizeMac } from "../../domain/observation/mac.ts";
import { type CacheNetworkType, fallbackCacheKeyPrefix } from "./fallback-keys.ts";
import { type JsonRecord, readRecords } from "./json-fields.ts";
import type { FallbackQuery, NetworkCounts } from "./query.ts";
import type { FallbackSchema } from "./schemas.ts";

/** The single network type the answer may be cached under, or null when the cache is bypassed. */
export function cacheableType(counts: NetworkCounts, expire: number | null): CacheNetworkType | null {
  if (!expire || expire <= 0) return null;
  const { blue, wifi, cell } = counts;
  // Several cells or mixed types describe a place no single network's entry can stand for;
  // fewer than 20 networks keeps the number of keys per answer bounded.
  if (blue === 0 && wifi === 0 && cell === 1) return "cell";
  if (blue === 0 && cell === 0 && wifi >= 2 && wifi < 20) return "wifi";
  if (cell === 0 && wifi === 0 && blue >= 2 && blue < 20) return "blue";
  return null;
}

function macId(entry: JsonRecord): string | null {
  if (typeof entry.macAddress !== "string") return null;
  const mac = normalizeMac(entry.macAddress);
  return isValidMac(mac) ? mac : null;
}

function isCellRadio(value: unknown): value is CellRadio {
  return (CELL_RADIOS as readonly unknown[]).includes(value);
}

/** The hex of the 11-byte cell id (17 for nr, DESIGN §7), or null for an incomplete cell. */
function cellId(entry: JsonRecord): string | null {
  const { radioType, mobileCountryCode, mobileNetworkCode, locationAreaCode, cellId } = entry;
  if (!isCellRadio(radioType)) return null;
  const numbers = [mobileCountryCode, mobileNetworkCode, locationAreaCode, cellId];
  if (!numbers.every((n) => Number.isSafeInteger(n) && (n as number) >= 0)) return null;
  try {
    return encodeCellId({
      radio: radioType, mcc: mobileCountryCode as number, mnc: mobileNetworkCode as number,
      lac: locationAreaCode as number, cid: cellId as number,
    }).toString("hex");
  } catch {
    return null;
  }
}

const LISTS: Readonly<Record<CacheNetworkType, { list: string; id: (entry: JsonRecord) => string | null }>> = {
  blue: { list: "bluetoothBeacons", id: macId },
  wifi: { list: "wifiAccessPoints", id: macId },
  cell: { list: "cellTowers", id: cellId },
};

/**
 * The cache keys for the query, or null when its answer must not be cached. Ids are lowercase
 * hex, not SPEC §3.12's raw bytes: the prefix already makes the keys Ichnos' own, and hex keeps
 * them readable in redis-cli like every other key.
 */
export function fallbackCacheKeys(prefix: string, schema: FallbackSchema, query: FallbackQuery, expire: number | null): string[] | null {
  const type = cacheableType(query.counts, expire);
  if (type === null) return null;
  const json = typeof query.json === "object" && query.json !== null ? (query.json as JsonRecord) : {};
  const { list, id } = LISTS[type];
  const ids = readRecords(json[list]).map(id);
  if (ids.length === 0 || ids.some((value) => value === null)) return null;
  const keyPrefix = fallbackCacheKeyPrefix(prefix, schema, type);
  return [...new Set(ids as string[])].map((value) => keyPrefix + value);
}
