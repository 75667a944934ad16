/**
 * Per-key daily counters and unique-IP HyperLogLogs (SPEC §2.3), under REDIS_PREFIX:
 * `apiuser:{type}:{key}:{YYYY-MM-DD}` (PFADD ip, 8 days) and `apilimit:{key}:{path}:{YYYYMMDD}`
 * (INCR, 25 h). Redis trouble must not fail the request.
 *
 * A key with a daily limit is counted before its request is served (`track`: the count decides).
 * A key without one needs no answer, so its requests are counted in memory and sent to Redis
 * together every USAGE_FLUSH (`record`): one round trip per interval instead of one per request,
 * at the price of losing up to one interval's counts if the process dies.
 */
import { Cluster } from "ioredis";
import type { Logger } from "../logger.ts";
import type { RedisClient } from "../redis/create-redis.ts";
import { defineScript } from "../redis/script.ts";
import { getOrCreate } from "../util/get-or-create.ts";
import { withTimeout } from "../util/with-timeout.ts";
import { KEY_FORMATS } from "../stream/keys.ts";

export type UsageKind = "locate" | "submit";

export interface UsageTracker {
  /** Counts the request now; resolves to the key's count on this path today, or null when Redis failed. */
  track(kind: UsageKind, validKey: string, path: string, ip: string, now: Date): Promise<number | null>;
  /** Counts the request with the next flush (keys without a daily limit). */
  record(kind: UsageKind, validKey: string, path: string, ip: string, now: Date): void;
  /** Sends what `record` has buffered; never rejects. */
  flush(): Promise<void>;
  /** Stops the flush timer and sends what is buffered. */
  close(): Promise<void>;
}

/**
 * Counts one request of a known key and says whether it is over the key's daily limit. Only a
 * limited key needs its count before the request is served; the others are counted in batches.
 */
export async function overDailyLimit(
  usage: UsageTracker, kind: UsageKind, key: { readonly validKey: string; readonly maxreq: number | null }, path: string, ip: string, now: Date,
): Promise<boolean> {
  if (!key.maxreq) {
    usage.record(kind, key.validKey, path, ip, now);
    return false;
  }
  const count = await usage.track(kind, key.validKey, path, ip, now);
  return count !== null && count > key.maxreq;
}

export const APIUSER_TTL_S = 691_200;
export const APILIMIT_TTL_S = 90_000;
const TIMEOUT_MS = 1000;
/** A burst of distinct keys or IPs is sent early rather than held in memory. */
const MAX_BUFFERED = 10_000;

const DAY_MS = 86_400_000;
let cachedDay = { number: Number.NaN, iso: "", compact: "" };

/** The UTC day as `YYYY-MM-DD` and `YYYYMMDD`, formatted once a day rather than per request. */
function dayStrings(now: Date): { iso: string; compact: string } {
  const number = Math.floor(now.getTime() / DAY_MS);
  if (number !== cachedDay.number) {
    const iso = now.toISOString().slice(0, 10);
    cachedDay = { number, iso, compact: iso.replaceAll("-", "") };
  }
  return cachedDay;
}

export function usageKeys(prefix: string, kind: string, validKey: string, path: string, now: Date) {
  const { iso, compact } = dayStrings(now);
  return {
    users: KEY_FORMATS.apiUsers(prefix, kind, validKey, iso),
    limit: KEY_FORMATS.apiLimit(prefix, validKey, path, compact),
  };
}

/**
 * The four commands as one script: one command to encode, send and parse per request instead of
 * a four-command pipeline.
 */
const TRACK = defineScript(`
redis.call('PFADD', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
local count = redis.call('INCR', KEYS[2])
redis.call('EXPIRE', KEYS[2], ARGV[3])
return count
`);

interface Buffered {
  readonly users: Map<string, Set<string>>;
  readonly limits: Map<string, number>;
  /** Distinct (users key, IP) pairs plus limit keys: what the buffer holds. */
  entries: number;
}

const emptyBuffer = (): Buffered => ({ users: new Map(), limits: new Map(), entries: 0 });

export interface UsageTrackerOptions {
  /** How often recorded counts are sent; 0 sends each one at once (still without waiting for it). */
  readonly flushMs?: number;
}

export function createUsageTracker(redis: RedisClient, prefix: string, log: Logger, options: UsageTrackerOptions = {}): UsageTracker {
  const flushMs = options.flushMs ?? 1000;

  async function send(users: string, limit: string, ip: string): Promise<number> {
    if (redis instanceof Cluster) {
      // The two keys live in different slots; a Cluster script must stay within one.
      const [, , count] = await Promise.all([
        redis.pfadd(users, ip), redis.expire(users, APIUSER_TTL_S), redis.incr(limit), redis.expire(limit, APILIMIT_TTL_S),
      ]);
      return count;
    }
    return Number(await TRACK.run(redis, [users, limit], [ip, APIUSER_TTL_S, APILIMIT_TTL_S]));
  }

  async function sendBuffered(batch: Buffered): Promise<void> {
    if (redis instanceof Cluster) {
      // Keys of many slots: ioredis groups single commands per node by itself.
      await Promise.all([
        ...[...batch.users].flatMap(([key, ips]) => [redis.pfadd(key, ...ips), redis.expire(key, APIUSER_TTL_S)]),
        ...[...batch.limits].flatMap(([key, n]) => [redis.incrby(key, n), redis.expire(key, APILIMIT_TTL_S)]),
      ]);
      return;
    }
    const pipeline = redis.pipeline();
    for (const [key, ips] of batch.users) pipeline.pfadd(key, ...ips).expire(key, APIUSER_TTL_S);
    for (const [key, n] of batch.limits) pipeline.incrby(key, n).expire(key, APILIMIT_TTL_S);
    const replies = (await pipeline.exec()) ?? [];
    const failed = replies.find(([err]) => err);
    if (failed) throw failed[0];
  }

  let buffer = emptyBuffer();
  let inFlight: Promise<void> = Promise.resolve();

  function flush(): Promise<void> {
    const batch = buffer;
    if (batch.limits.size === 0) return inFlight;
    buffer = emptyBuffer();
    // One flush at a time, in order, so counts never overtake each other.
    inFlight = inFlight.then(() => withTimeout(sendBuffered(batch), TIMEOUT_MS, "Redis did not answer in time")).catch((err: unknown) => {
      const requests = [...batch.limits.values()].reduce((a, b) => a + b, 0);
      log.warn({ err, requests }, "could not send usage counts; these requests stay uncounted");
    });
    return inFlight;
  }

  const timer = flushMs > 0 ? setInterval(() => void flush(), flushMs) : null;
  timer?.unref();

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
    record(kind, validKey, path, ip, now) {
      const { users, limit } = usageKeys(prefix, kind, validKey, path, now);
      const ips = getOrCreate(buffer.users, users, () => new Set<string>());
      if (!ips.has(ip)) {
        ips.add(ip);
        buffer.entries += 1;
      }
      const before = buffer.limits.get(limit);
      if (before === undefined) buffer.entries += 1;
      buffer.limits.set(limit, (before ?? 0) + 1);
      if (timer === null || buffer.entries >= MAX_BUFFERED) void flush();
    },
    flush,
    async close() {
      if (timer) clearInterval(timer);
      await flush();
    },
  };
}
