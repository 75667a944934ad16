/**
 * The per-key budget of external calls (SPEC §3.12 step 3): INCR the interval's counter and
 * EXPIRE it in one MULTI round trip; over `fallback_ratelimit` → no call. When Redis fails the
 * limit counts as reached, because an unmetered provider bill is worse than a missing answer.
 */
import type { ApiKey } from "../../domain/api-key.ts";
import type { Logger } from "../../logger.ts";
import type { RedisClient } from "../../redis/create-redis.ts";
import { withTimeout } from "../../util/with-timeout.ts";
import { fallbackRateLimitKey } from "./fallback-keys.ts";

export interface FallbackRateLimit {
  /** Whether one more external call is allowed now; counts the call when it is. */
  allow(key: ApiKey): Promise<boolean>;
}

export interface FallbackRateLimitOptions {
  readonly redis: RedisClient;
  readonly prefix: string;
  readonly log: Logger;
  readonly now?: () => number;
  readonly timeoutMs?: number;
}

async function incrementWithExpiry(redis: RedisClient, key: string, expireSeconds: number): Promise<number> {
  const replies = await redis.multi().incr(key).expire(key, expireSeconds).exec();
  const [err, count] = replies?.[0] ?? [new Error("MULTI was aborted"), null];
  if (err) throw err;
  return Number(count);
}

export function createFallbackRateLimit(options: FallbackRateLimitOptions): FallbackRateLimit {
  const { redis, prefix, log, now = Date.now, timeoutMs = 1000 } = options;
  return {
    async allow(key) {
      const limit = key.fallbackRatelimit ?? 0;
      if (limit <= 0) return true;
      // canFallback() guarantees a truthy interval; 1 keeps a bad caller from dividing by 0.
      const interval = key.fallbackRatelimitInterval || 1;
      const redisKey = fallbackRateLimitKey(prefix, key.fallbackName ?? "", interval, now());
      try {
        const count = await withTimeout(incrementWithExpiry(redis, redisKey, interval * 5), timeoutMs,
          "Redis did not answer the fallback rate limit in time");
        return count <= limit;
      } catch (err) {
        log.warn({ err, fallbackName: key.fallbackName }, "fallback rate limit unavailable; external call skipped");
        return false;
      }
    },
  };
}
