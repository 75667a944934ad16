/**
 * The content pages' data cache in Redis (SPEC §2.3: one hour; the region-stats job deletes
 * `cache:stats_regions:4` when it recomputes). A cache that Redis cannot serve is skipped, not
 * fatal: the page is computed from MySQL instead.
 */
import type { Logger } from "../logger.ts";
import type { RedisClient } from "../redis/create-redis.ts";

export const CONTENT_CACHE_SECONDS = 3600;

export async function cached<T>(
  redis: RedisClient, key: string, log: Logger, compute: () => Promise<T>, ttlSeconds = CONTENT_CACHE_SECONDS,
): Promise<T> {
  try {
    const hit = await redis.get(key);
    if (hit !== null) return JSON.parse(hit) as T;
  } catch (err) {
    log.warn({ err, key }, "content cache unreadable; computing the page from MySQL");
  }
  const value = await compute();
  await redis.set(key, JSON.stringify(value), "EX", ttlSeconds).catch((err: unknown) => log.warn({ err, key }, "could not cache the page's data"));
  return value;
}
