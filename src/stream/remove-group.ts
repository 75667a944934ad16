/**
 * Removes a consumer group everywhere: its Redis group on every stream, its checkpoints, its
 * dead letters and its archive upload records. Callers retire the group first (delete its
 * configuration row), so running loops that notice the missing group end instead of
 * re-creating it.
 */
import { deleteCheckpoints } from "../db/stream-checkpoint.ts";
import type { Pool } from "../db/pool.ts";
import type { RedisClient } from "../redis/create-redis.ts";
import type { Keys } from "./keys.ts";
import { destroyGroup } from "./stream-commands.ts";

export async function removeGroup(deps: { redis: RedisClient; pool: Pool; keys: Keys }, group: string, streams: readonly string[]): Promise<void> {
  await deleteCheckpoints(deps.pool, group);
  for (const stream of streams) {
    await destroyGroup(deps.redis, stream, group);
    await deps.redis.del(deps.keys.archiveAttempts(stream, group));
  }
  await deps.redis.del(deps.keys.dead(group));
}
