/**
 * Per-key daily counters and unique-IP HyperLogLogs (SPEC §2.3), under REDIS_PREFIX:
 * `apiuser:{type}:{key}:{YYYY-MM-DD}` (PFADD ip, 8 days) and `apilimit:{key}:{path}:{YYYYMMDD}`
 * (INCR, 25 h), sent together. Redis trouble must not fail the request, so it yields null.
 */
import { Cluster } from "ioredis";
import type { Logger } from "../logger.ts";
import type { RedisClient } from "../redis/create-redis.ts";
import { withTimeout } from "../util/with-timeout.ts";

export interface UsageTracker {
  /** Counts the request; resolves to the key's count on this path today, or null when Redis failed. */
  track(kind: "locate" | "submit", validKey: string, path: string, ip: string, now: Date): Promise<number | null>;
}

export const APIUSER_TTL_S = 691_200;
export const APILIMIT_TTL_S = 90_000;
const TIMEOUT_MS = 1000;

export function usageKeys(prefix: string, kind: string, validKey: string, path: string, now: Date) {
  const iso = now.toISOString().slice(0, 10);
  return {
    users: `${prefix}:apiuser:${kind}:${validKey}:${iso}`,
    limit: `${prefix}:apilimit:${validKey}:${path}:${iso.replaceAll("-", "")}`,
  };
}

export function createUsageTracker(redis: RedisClient, prefix: string, log: Logger): UsageTracker {
  async function send(users: string, limit: string, ip: string): Promise<number> {
    if (redis instanceof Cluster) {
      // The two keys live in different slots; a Cluster pipeline must stay within one.
      const [, , count] = await Promise.all([
        redis.pfadd(users, ip), redis.expire(users, APIUSER_TTL_S), redis.incr(limit), redis.expire(limit, APILIMIT_TTL_S),
      ]);
      return count;
    }
    const replies = (await redis.pipeline()
      .pfadd(users, ip).expire(users, APIUSER_TTL_S).incr(limit).expire(limit, APILIMIT_TTL_S).exec()) ?? [];
    const [err, count] = replies[2] ?? [new Error("no reply")];
    if (err) throw err;
    return Number(count);
  }
  return {
    async track(kind, validKey, path, ip, now) {
      const { users, limit } = usageKeys(prefix, kind, validKey, path, now);
      try {
        return await withTimeout(send(users, limit, ip), TIMEOUT_MS, "Redis did not answer in time");
      } catch (err) {
        log.warn({ err }, "usage counting failed; request allowed without rate limit");
        return null;
      }
    },
  };
}
