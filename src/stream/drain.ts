/**
 * `ichnos drain`: runs the given groups until each has applied everything in its streams and
 * holds nothing pending, then stops them. Used by batch jobs and tests.
 */
import type { Pool } from "../db/pool.ts";
import type { RedisClient } from "../redis/create-redis.ts";
import type { ConsumerRuntime } from "./consumer-runtime.ts";
import type { AnyConsumer } from "./define-consumer.ts";
import { readGroupStatus, type GroupStreamStatus } from "./group-status.ts";
import type { Keys } from "./keys.ts";

export function isDrained(rows: readonly GroupStreamStatus[]): boolean {
  return rows.every((r) => r.lag === 0 && r.pending === 0);
}

export async function drainGroups(
  deps: { redis: RedisClient; pool: Pool; keys: Keys },
  runtime: ConsumerRuntime,
  consumers: readonly AnyConsumer[],
  options: { timeoutMs: number; pollMs?: number; onProgress?: (rows: GroupStreamStatus[]) => void },
): Promise<{ drained: boolean; rows: GroupStreamStatus[] }> {
  runtime.start();
  const deadline = Date.now() + options.timeoutMs;
  let rows: GroupStreamStatus[] = [];
  try {
    for (;;) {
      const names = new Set(consumers.map((c) => c.name));
      rows = (await readGroupStatus(deps.redis, deps.pool, deps.keys, consumers)).filter((r) => names.has(r.group));
      options.onProgress?.(rows);
      if (isDrained(rows)) return { drained: true, rows };
      if (Date.now() >= deadline) return { drained: false, rows };
      await new Promise((r) => setTimeout(r, options.pollMs ?? 100));
    }
  } finally {
    await runtime.stop();
  }
}
