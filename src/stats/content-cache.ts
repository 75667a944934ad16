/**
 * The content pages' data cache in Redis (SPEC §2.3: one hour; the region-stats job deletes
 * `cache:stats_regions:4` when it recomputes). A cache that Redis cannot serve is skipped, not
 * fatal: the page is computed from MySQL instead.
 */
import type { Logger } from "../logger.ts";
import type { RedisClient } from "../redis/create-redis.ts";

export const CONTENT_CACHE_SECONDS = 3600;

/**
 * The cached text itself, for data served as the JSON it is stored as (the map's tiles): a hit
 * costs one GET and no JSON.parse + JSON.stringify, which were a seventh of a warm tile's CPU
 * (BENCHMARKS.md, coverage-map tiles).
 */
export async function cachedText(
  redis: RedisClient, key: string, log: Logger, compute: () => Promise<string>, ttlSeconds = CONTENT_CACHE_SECONDS,
): Promise<string> {
  try {
    const hit = await redis.get(key);
    if (hit !== null) return hit;
  } catch (err) {
    log.warn({ err, key }, "content cache unreadable; computing the page from MySQL");
  }
  const text = await compute();
  await redis.set(key, text, "EX", ttlSeconds).catch((err: unknown) => log.warn({ err, key }, "could not cache the page's data"));
  return text;
}

/** The cached value, stored as its JSON; a miss returns what `compute` gave, not a parsed copy. */
export async function cached<T>(
  redis: RedisClient, key: string, log: Logger, compute: () => Promise<T>, ttlSeconds = CONTENT_CACHE_SECONDS,
): Promise<T> {
  const miss: { value?: T; computed?: true } = {};
  const text = await cachedText(redis, key, log, async () => {
    miss.value = await compute();
    miss.computed = true;
    return JSON.stringify(miss.value);
  }, ttlSeconds);
  return miss.computed ? (miss.value as T) : (JSON.parse(text) as T);
}
