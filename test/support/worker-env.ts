/** What the test worker processes share: required settings from the environment, and a stop on SIGTERM. */
import type { Pool } from "../../src/db/pool.ts";
import { closeRedis, type RedisClient } from "../../src/redis/create-redis.ts";
import type { ConsumerRuntime } from "../../src/stream/consumer-runtime.ts";

export function requireEnv(script: string): (name: string, fallback?: string) => string {
  return (name, fallback) => {
    const value = process.env[name] ?? fallback;
    if (value === undefined) throw new Error(`${script}: ${name} is required`);
    return value;
  };
}

/** Prints `ready <consumer>` now, and on SIGTERM stops gracefully and prints `stopped <stats>`. */
export function runUntilSigterm(runtime: ConsumerRuntime, redis: RedisClient, pool: Pool): void {
  runtime.start();
  process.stdout.write(`ready ${runtime.consumerName}\n`);
  process.once("SIGTERM", async () => {
    await runtime.stop();
    await closeRedis(redis);
    await pool.end();
    process.stdout.write(`stopped ${JSON.stringify(runtime.stats())}\n`);
  });
}
