/**
 * Brings a group's Redis state in line with its MySQL checkpoint, the source of truth
 * (DESIGN §3): Redis group state can vanish (flush) or move backwards (AOF restart, failover).
 */
import { type CheckpointStamp, insertCheckpoint, loadCheckpoint } from "../db/stream-checkpoint.ts";
import { withNamedLock } from "../db/named-lock.ts";
import type { Pool, PoolConnection } from "../db/pool.ts";
import type { Logger } from "../logger.ts";
import type { RedisClient } from "../redis/create-redis.ts";
import { compareEntryIds } from "./entry-id.ts";
import type { Keys } from "./keys.ts";
import { positionBefore } from "./positions.ts";
import { createGroup, groupInfo, pendingRange, rangeAfter, setGroupId } from "./stream-commands.ts";

export interface EnsureGroupDeps {
  readonly redis: RedisClient;
  readonly pool: Pool;
  readonly keys: Keys;
  /** Expected to carry the group and stream bindings already. */
  readonly log: Logger;
}

const RECONCILE_LIMIT = 10_000;

/** The group was retired (its export row deleted): its loop ends instead of re-creating it. */
export class RetiredGroupError extends Error {}

export async function ensureGroup(
  deps: EnsureGroupDeps, group: string, stream: string, start: "$" | "0", isRetired: ((db: PoolConnection) => Promise<boolean>) | undefined,
  stamp: CheckpointStamp,
): Promise<void> {
  const { redis, pool, keys } = deps;
  const { log } = deps;
  await withNamedLock(pool, `group:${group}:${stream}`, 30, async (conn) => {
    const checkpoint = await loadCheckpoint(conn, group, stream);
    const existing = (await groupInfo(redis, stream)).find((g) => g.name === group);

    if (!checkpoint) {
      // On the lock's own connection: with a small pool, a second one may never come free.
      if (isRetired && (await isRetired(conn))) throw new RetiredGroupError(`group ${group} was removed`);
      const position = await positionBefore(redis, stream, keys.sequence(stream), { kind: start === "$" ? "end" : "start" });
      if (existing) await setGroupId(redis, stream, group, position.id);
      else await createGroup(redis, stream, group, position.id);
      await insertCheckpoint(conn, group, stream, position.id, position.lastEntry, stamp);
      log.info({ at: position.id, start }, "consumer group created");
      return;
    }
    if (!existing) {
      await createGroup(redis, stream, group, checkpoint.lastId);
      log.warn({ at: checkpoint.lastId }, "consumer group was missing in Redis; recreated at its MySQL checkpoint");
      return;
    }
    if (compareEntryIds(existing.lastDeliveredId, checkpoint.lastId) <= 0) return;
    // Redis handed out entries past the checkpoint. Any that are neither pending nor applied
    // (Redis state older or newer than MySQL's) would never come back: rewind to the checkpoint.
    const pending = await pendingRange(redis, stream, group, checkpoint.lastId, existing.lastDeliveredId, RECONCILE_LIMIT);
    const present = await rangeAfter(redis, stream, checkpoint.lastId, existing.lastDeliveredId, pending.length + 1);
    if (present.length > pending.length) {
      await setGroupId(redis, stream, group, checkpoint.lastId);
      log.warn(
        { from: existing.lastDeliveredId, to: checkpoint.lastId },
        "consumer group was ahead of its MySQL checkpoint with unapplied entries; rewound to the checkpoint",
      );
    }
  });
}
