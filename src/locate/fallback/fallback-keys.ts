/**
 * Redis keys of the fallback provider (SPEC §2.3 table, §3.12), under the configured prefix like
 * every Ichnos key; their formats are in src/stream/keys.ts (KEY_FORMATS).
 */
import type { FallbackSchema } from "./schemas.ts";
import { KEY_FORMATS } from "../../stream/keys.ts";

export type CacheNetworkType = "blue" | "cell" | "wifi";

/**
 * `{prefix}:cache:fallback:{ichnaea|combain|googlemaps|unwiredlabs}:v1:1:{type}:` — the network
 * id (lowercase hex) follows. The `1` is the cache format version: bump it when the value changes.
 */
export function fallbackCacheKeyPrefix(prefix: string, schema: FallbackSchema, type: CacheNetworkType): string {
  const [provider] = schema.split("/");
  return KEY_FORMATS.fallbackCachePrefix(prefix, provider!, type);
}

/** `{prefix}:fallback_ratelimit:{fallback_name}:{floor(unix seconds / interval)}`. */
export function fallbackRateLimitKey(prefix: string, name: string, intervalSeconds: number, nowMs: number): string {
  return KEY_FORMATS.fallbackRateLimit(prefix, name, Math.floor(nowMs / 1000 / intervalSeconds));
}
