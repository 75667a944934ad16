/**
 * SPEC §2.3/§2.4: `global_locate_sample_rate` (percent, under REDIS_PREFIX) scales every key's
 * `store_sample_locate`; read each time a query report is considered. Missing, garbage or an
 * unreachable Redis all mean 100.
 */
import type { Logger } from "../logger.ts";
import type { RedisClient } from "../redis/create-redis.ts";
import { withTimeout } from "../util/with-timeout.ts";
import { KEY_FORMATS } from "../stream/keys.ts";

const DEFAULT_RATE = 100;

export function globalSampleRateKey(prefix: string): string {
  return KEY_FORMATS.globalSampleRate(prefix);
}

export function parseSampleRate(raw: string | null): number {
  const rate = raw === null ? Number.NaN : Number(raw.trim());
  return raw !== null && raw.trim() !== "" && Number.isFinite(rate) ? rate : DEFAULT_RATE;
}

export function createGlobalSampleRate(redis: RedisClient, prefix: string, log: Logger, timeoutMs = 1000): () => Promise<number> {
  const key = globalSampleRateKey(prefix);
  return async () => {
    try {
      return parseSampleRate(await withTimeout(redis.get(key), timeoutMs, "Redis did not answer in time"));
    } catch (err) {
      log.warn({ err }, "could not read global_locate_sample_rate; using 100");
      return DEFAULT_RATE;
    }
  };
}
