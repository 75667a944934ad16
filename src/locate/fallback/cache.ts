/**
 * The Redis cache of fallback answers (SPEC §3.12 steps 2 and 4). Trouble reading counts as a
 * miss (the provider is asked instead); trouble writing is logged and forgotten.
 */
import { Cluster } from "ioredis";
import type { ApiKey } from "../../domain/api-key.ts";
import type { Logger } from "../../logger.ts";
import type { RedisClient } from "../../redis/create-redis.ts";
import { withTimeout } from "../../util/with-timeout.ts";
import { fallbackCacheKeys } from "./cache-keys.ts";
import { type CacheLookup, combineCachedValues, encodeCacheValue } from "./cache-values.ts";
import type { FallbackQuery } from "./query.ts";
import type { FallbackAnswer, FallbackSchema } from "./schemas.ts";

/** SPEC §8.2 `locate.fallback.cache` statuses. */
export type CacheStatus = "hit" | "miss" | "bypassed" | "inconsistent" | "failure";
export type CacheRead = CacheLookup | { readonly status: "bypassed" };

export interface FallbackCache {
  get(schema: FallbackSchema, query: FallbackQuery, key: ApiKey): Promise<CacheRead>;
  /** Stores a fresh answer under every network of a cacheable query, for `fallback_cache_expire` s. */
  set(schema: FallbackSchema, query: FallbackQuery, key: ApiKey, answer: FallbackAnswer): Promise<void>;
}

export interface FallbackCacheOptions {
  readonly redis: RedisClient;
  readonly prefix: string;
  readonly log: Logger;
  readonly timeoutMs?: number;
}

async function readValues(redis: RedisClient, keys: string[]): Promise<Array<string | null>> {
  // The keys hash to different slots; a Cluster MGET must stay within one.
  if (redis instanceof Cluster) return Promise.all(keys.map((key) => redis.get(key)));
  return redis.mget(keys);
}

async function writeValues(redis: RedisClient, keys: string[], value: string, ttl: number): Promise<void> {
  if (redis instanceof Cluster) {
    await Promise.all(keys.map((key) => redis.set(key, value, "EX", ttl)));
    return;
  }
  const pipeline = redis.pipeline();
  for (const key of keys) pipeline.set(key, value, "EX", ttl);
  const replies = (await pipeline.exec()) ?? [];
  const failed = replies.find(([err]) => err);
  if (failed) throw failed[0];
}

export function createFallbackCache(options: FallbackCacheOptions): FallbackCache {
  const { redis, prefix, log, timeoutMs = 1000 } = options;
  return {
    async get(schema, query, key) {
      const keys = fallbackCacheKeys(prefix, schema, query, key.fallbackCacheExpire);
      if (keys === null) return { status: "bypassed" };
      try {
        const values = await withTimeout(readValues(redis, keys), timeoutMs, "Redis did not answer the fallback cache in time");
        const lookup = combineCachedValues(values);
        if (lookup.status === "failure") log.warn({ fallbackName: key.fallbackName }, "unreadable fallback cache entry");
        return lookup;
      } catch (err) {
        log.warn({ err, fallbackName: key.fallbackName }, "fallback cache read failed; treated as a miss");
        return { status: "failure" };
      }
    },
    async set(schema, query, key, answer) {
      const keys = fallbackCacheKeys(prefix, schema, query, key.fallbackCacheExpire);
      if (keys === null) return;
      // Cacheable implies a positive expire; SPEC's `or 1` only guards a fractional column value.
      const ttl = Math.max(1, Math.floor(key.fallbackCacheExpire ?? 1));
      try {
        await withTimeout(writeValues(redis, keys, encodeCacheValue(answer), ttl), timeoutMs,
          "Redis did not answer the fallback cache write in time");
      } catch (err) {
        log.warn({ err, fallbackName: key.fallbackName }, "fallback cache write failed");
      }
    },
  };
}
