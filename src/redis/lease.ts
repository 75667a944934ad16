import { randomBytes } from "node:crypto";
import type { RedisClient } from "./create-redis.ts";
import { defineScript } from "./script.ts";

const releaseScript = defineScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`);

/**
 * A lease that exactly one holder gets for `ttlMs`. Periodic jobs take it for one interval,
 * so across all workers a job runs at most once per interval.
 */
export async function tryLease(redis: RedisClient, key: string, ttlMs: number): Promise<{ release(): Promise<void> } | null> {
  const token = randomBytes(8).toString("hex");
  const got = await redis.set(key, token, "PX", ttlMs, "NX");
  if (got !== "OK") return null;
  return { release: async () => void (await releaseScript.run(redis, [key], [token])) };
}
