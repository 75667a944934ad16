import { randomBytes } from "node:crypto";
import type { RedisClient } from "./create-redis.ts";
import { defineScript } from "./script.ts";

const releaseScript = defineScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`);
const renewScript = defineScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`);

/** Deletes `key` only while it still holds `holder`: a lapsed lease someone else took stays theirs. */
export async function releaseIfHeld(redis: RedisClient, key: string, holder: string): Promise<void> {
  await releaseScript.run(redis, [key], [holder]);
}

/** Extends `key` to `ttlMs` only while it still holds `holder`; false when it lapsed or changed hands. */
export async function renewIfHeld(redis: RedisClient, key: string, holder: string, ttlMs: number): Promise<boolean> {
  return Number(await renewScript.run(redis, [key], [holder, ttlMs])) === 1;
}

/**
 * A lease that exactly one holder gets for `ttlMs`. Periodic jobs take it for one interval,
 * so across all workers a job runs at most once per interval.
 */
export async function tryLease(redis: RedisClient, key: string, ttlMs: number): Promise<{ release(): Promise<void> } | null> {
  const token = randomBytes(8).toString("hex");
  const got = await redis.set(key, token, "PX", ttlMs, "NX");
  if (got !== "OK") return null;
  return { release: () => releaseIfHeld(redis, key, token) };
}
