/**
 * Redis keys of the fallback provider (SPEC §2.3 table, §3.12), under the configured prefix like
 * every Ichnos key. Meant to move into src/stream/keys.ts.
 */
import type { FallbackSchema } from "./schemas.ts";

export type CacheNetworkType = "blue" | "cell" | "wifi";

/**
 * `{prefix}:cache:fallback:{ichnaea|combain|googlemaps|unwiredlabs}:v1:1:{type}:` — the network
 * id (lowercase hex) follows. The `1` is the cache format version: bump it when the value changes.
 */
export function fallbackCacheKeyPrefix(prefix: string, schema: FallbackSchema, type: CacheNetworkType): string {
  const [provider] = schema.split("/");
  return `${prefix}:cache:fallback:${provider}:v1:1:${type}:`;
}

/** `{prefix}:fallback_ratelimit:{fallback_name}:{floor(unix seconds / interval)}`. */
export function fallbackRateLimitKey(prefix: string, name: string, intervalSeconds: number, nowMs: number): string {
  return `${prefix}:fallback_ratelimit:${name}:${Math.floor(nowMs / 1000 / intervalSeconds)}`;
}
