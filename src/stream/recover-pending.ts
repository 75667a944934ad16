/**
 * Taking over entries that other consumers of a group left pending. A consumer that is provably
 * dead (consumer-liveness.ts) gives its entries up at once; any other gives up entries idle for
 * CLAIM_IDLE. Dead consumers that hold nothing are removed from the group.
 *
 * An entry left pending by a dead process may be what killed it (an out-of-memory on a huge
 * entry, a projection that crashes the process). XCLAIM counts deliveries, so:
 * - entries delivered once are claimed together, in one byte-bounded batch;
 * - an entry delivered twice or more is claimed alone and applied alone, so that the entries
 *   after it are not delivered (and counted) with it;
 * - an entry delivered MAX_DELIVERIES times is taken without counting a delivery and without
 *   decoding it, and dead-lettered: a crash loop ends after a bounded number of restarts.
 */
import type { Logger } from "../logger.ts";
import type { RedisClient } from "../redis/create-redis.ts";
import { claimBounded } from "./bounded-read.ts";
import { findDeadConsumers } from "./consumer-liveness.ts";
import { fieldsToRecord, type RawEntry } from "./entry.ts";
import type { Keys } from "./keys.ts";
import { readRange } from "./stream-commands.ts";

export interface RecoverySettings {
  readonly claimIdleMs: number;
  readonly maxDeliveries: number;
  readonly livenessMs: number;
}

export interface RecoveryLimits {
  readonly count: number;
  readonly budget: number;
  /** Whether one entry larger than the budget may be taken (nothing else is held). */
  readonly allowOversized: boolean;
}

export interface Recovery {
  /** Entries now held by this consumer, oldest first. */
  readonly claimed: RawEntry[];
  /** Entries among `claimed` to dead-letter without projecting them, with the reason. */
  readonly giveUp: Map<string, { error: string; deliveries: number }>;
  /** Apply `claimed` one entry at a time. */
  readonly isolate: boolean;
  /** More pending entries are waiting to be taken over: run again soon. */
  readonly more: boolean;
  readonly removedConsumers: readonly string[];
}

const PENDING_SCAN = 1000;

interface ConsumerRow {
  readonly name: string;
  readonly pending: number;
  readonly idleMs: number;
}

async function listConsumers(redis: RedisClient, stream: string, group: string): Promise<ConsumerRow[]> {
  const reply = (await redis.call("XINFO", ["CONSUMERS", stream, group])) as unknown[][];
  return reply.map((flat) => {
    const c = fieldsToRecord(flat.map(String));
    return { name: c.name ?? "", pending: Number(c.pending), idleMs: Number(c.idle) };
  });
}

async function pendingOldest(redis: RedisClient, stream: string, group: string) {
  const reply = (await redis.call("XPENDING", [stream, group, "-", "+", PENDING_SCAN])) as [string, string, number, number][];
  return reply.map(([id, consumer, idle, deliveries]) => ({ id, consumer, idleMs: Number(idle), deliveries: Number(deliveries) }));
}

export async function recoverPending(
  deps: { redis: RedisClient; keys: Keys; log: Logger },
  stream: string, group: string, me: string, settings: RecoverySettings, limits: RecoveryLimits, parsePayload: boolean,
): Promise<Recovery> {
  const { redis, keys, log } = deps;
  const none: Recovery = { claimed: [], giveUp: new Map(), isolate: false, more: false, removedConsumers: [] };
  const others = (await listConsumers(redis, stream, group)).filter((c) => c.name !== me);
  if (others.length === 0) return none;
  const dead = await findDeadConsumers(redis, keys, others, settings.livenessMs);

  const removedConsumers: string[] = [];
  for (const c of others) {
    // Only when it holds nothing: deleting a consumer drops its pending entries from the group.
    if (dead.has(c.name) && c.pending === 0) {
      await redis.call("XGROUP", ["DELCONSUMER", stream, group, c.name]);
      removedConsumers.push(c.name);
    }
  }
  if (!others.some((c) => c.pending > 0) || limits.count < 1) return { ...none, removedConsumers };

  const candidates = (await pendingOldest(redis, stream, group)).filter(
    (p) => p.consumer !== me && (dead.has(p.consumer) || p.idleMs >= settings.claimIdleMs),
  );
  const batch: string[] = [];
  let alone: { id: string; deliveries: number } | null = null;
  let stoppedEarly = false;
  for (const p of candidates) {
    const suspicious = p.deliveries >= 2 || settings.maxDeliveries <= 2;
    if (!suspicious) {
      if (batch.length >= limits.count) {
        stoppedEarly = true;
        break;
      }
      batch.push(p.id);
      continue;
    }
    if (batch.length === 0) alone = p;
    else stoppedEarly = true;
    break;
  }
  if (alone && batch.length === 0 && candidates.length > 1) stoppedEarly = true;

  const giveUp = new Map<string, { error: string; deliveries: number }>();
  let claimed: RawEntry[] = [];
  if (batch.length > 0) {
    const got = await claimBounded(redis, stream, group, me, batch, limits, parsePayload);
    claimed = got.claimed;
    if (got.claimed.length + got.gone.length < batch.length) stoppedEarly = true;
  } else if (alone && alone.deliveries >= settings.maxDeliveries) {
    // Claimed without counting a delivery (JUSTID) and read without decoding its payload.
    await redis.call("XCLAIM", [stream, group, me, 0, alone.id, "JUSTID"]);
    const [entry] = await readRange(redis, stream, alone.id, 1, false);
    if (entry && entry.id === alone.id) {
      claimed = [entry];
      giveUp.set(entry.id, {
        error: `delivered ${alone.deliveries} times without being acknowledged (MAX_DELIVERIES ${settings.maxDeliveries}): ` +
          "the processes handling it stopped or died each time, so it is set aside without being decoded again",
        deliveries: alone.deliveries,
      });
    } else {
      await redis.call("XACK", [stream, group, alone.id]);
    }
  } else if (alone) {
    claimed = (await claimBounded(redis, stream, group, me, [alone.id], { ...limits, allowOversized: true }, parsePayload)).claimed;
  }
  if (claimed.length > 0) {
    const ids = new Set(claimed.map((e) => e.id));
    const from = [...new Set(candidates.filter((p) => ids.has(p.id)).map((p) => p.consumer))];
    log.info(
      { claimed: claimed.length, from, dead: from.filter((c) => dead.has(c)), oneAtATime: alone !== null, settingAside: giveUp.size },
      "took over entries left pending by another consumer",
    );
    for (const name of from.filter((c) => dead.has(c))) {
      const left = (await redis.call("XPENDING", [stream, group, "-", "+", 1, name])) as unknown[];
      if (left.length === 0) {
        await redis.call("XGROUP", ["DELCONSUMER", stream, group, name]);
        removedConsumers.push(name);
      }
    }
  }
  return { claimed, giveUp, isolate: alone !== null, more: stoppedEarly, removedConsumers };
}
