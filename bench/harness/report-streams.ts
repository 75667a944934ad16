/** The report streams a web child appends to: their length, their memory, and emptying them between runs. */
import type { RedisClient } from "../../src/redis/create-redis.ts";
import type { Keys } from "../../src/stream/keys.ts";

export async function storedReports(redis: RedisClient, keys: Keys): Promise<number> {
  const lengths = await Promise.all(keys.reportStreams().map((s) => redis.xlen(s)));
  return lengths.reduce((a, b) => a + Number(b), 0);
}

export interface StreamMemory {
  readonly entries: number;
  /** Sum of `MEMORY USAGE <stream> SAMPLES 0` (every node counted, not sampled). */
  readonly memoryUsageBytes: number;
  /** INFO used_memory now minus `usedMemoryBefore`. */
  readonly usedMemoryDelta: number;
}

export async function usedMemory(redis: RedisClient): Promise<number> {
  const info = String(await redis.info("memory"));
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? Number.NaN);
}

export async function streamMemory(redis: RedisClient, keys: Keys, usedMemoryBefore: number): Promise<StreamMemory> {
  const streams = keys.reportStreams();
  const usage = await Promise.all(streams.map((s) => redis.call("MEMORY", ["USAGE", s, "SAMPLES", "0"])));
  return {
    entries: await storedReports(redis, keys),
    memoryUsageBytes: usage.reduce<number>((a, b) => a + Number(b ?? 0), 0),
    usedMemoryDelta: (await usedMemory(redis)) - usedMemoryBefore,
  };
}

/**
 * The stored count once it stops changing. A load generator that stops on time (wrk, or
 * autocannon's timed runs) leaves requests in flight, and the server finishes them after the
 * loader has hung up; their entries land a few milliseconds later.
 */
export async function settledStoredReports(redis: RedisClient, keys: Keys): Promise<number> {
  let last = await storedReports(redis, keys);
  for (let i = 0; i < 50; i++) {
    await new Promise((r) => setTimeout(r, 100));
    const now = await storedReports(redis, keys);
    if (now === last) return now;
    last = now;
  }
  return last;
}

/** UNLINKs the report streams (once nothing is appending) and waits until Redis has freed them. */
export async function clearReportStreams(redis: RedisClient, keys: Keys): Promise<void> {
  await settledStoredReports(redis, keys);
  await redis.unlink(...keys.reportStreams());
  for (let i = 0; i < 200; i++) {
    const info = String(await redis.info("memory"));
    if (Number(/lazyfree_pending_objects:(\d+)/.exec(info)?.[1] ?? 0) === 0) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}
