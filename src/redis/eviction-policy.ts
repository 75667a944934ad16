import type { Logger } from "../logger.ts";
import type { RedisClient } from "./create-redis.ts";

/**
 * Streams are the source of truth: a Redis that evicts keys under memory pressure would drop
 * entries silently. Returns the policy found, or null when the server hides CONFIG.
 */
export async function checkEvictionPolicy(redis: RedisClient, log: Logger): Promise<string | null> {
  let policy: string | null = null;
  try {
    const reply = (await redis.call("CONFIG", ["GET", "maxmemory-policy"])) as string[];
    policy = reply[1] ?? null;
  } catch (err) {
    log.warn({ err }, "cannot read Redis maxmemory-policy (CONFIG disabled?); make sure it is noeviction");
    return null;
  }
  if (policy !== "noeviction") {
    log.error(
      { policy },
      `REDIS IS NOT SAFE FOR ICHNOS: maxmemory-policy is "${policy}", so Redis may evict stream entries under memory pressure. Run "CONFIG SET maxmemory-policy noeviction" and set it in redis.conf`,
    );
  }
  return policy;
}
