/**
 * What `ichnos groups` shows: per group and stream, Redis's view (last delivered id, pending,
 * consumers) beside MySQL's (checkpoint, applied, lost), with lag computed from sequence numbers
 * because Redis 7.0's own lag figure is wrong after trimming (redis/redis#13957).
 */
import { loadCheckpoints, type Checkpoint } from "../db/stream-checkpoint.ts";
import type { Pool } from "../db/pool.ts";
import type { RedisClient } from "../redis/create-redis.ts";
import { countDeadLetters } from "./dead-letters.ts";
import type { AnyConsumer } from "./define-consumer.ts";
import { compareEntryIds } from "./entry-id.ts";
import type { Keys } from "./keys.ts";
import { firstEntryFrom, groupInfo, lastEntry, sequenceValue, type GroupInfo } from "./stream-commands.ts";

export interface GroupStreamStatus {
  readonly group: string;
  readonly stream: string;
  readonly streamLength: number;
  readonly lastEntryId: string | null;
  readonly lastDeliveredId: string | null;
  readonly checkpointId: string | null;
  /** Entries after the checkpoint still to apply (trimmed ones excluded). */
  readonly lag: number | null;
  readonly pending: number;
  readonly consumers: number;
  readonly deadLetters: number;
  /** Entries trimmed before the group read them: counted ones plus any not yet noticed. */
  readonly lost: number;
  readonly applied: number;
}

interface StreamFacts {
  readonly length: number;
  readonly first: { id: string; seq: number } | null;
  readonly last: { id: string; seq: number } | null;
  readonly counter: number;
  readonly groups: GroupInfo[];
}

async function streamFacts(redis: RedisClient, keys: Keys, stream: string): Promise<StreamFacts> {
  const [length, first, last, counter, groups] = await Promise.all([
    redis.xlen(stream), firstEntryFrom(redis, stream), lastEntry(redis, stream),
    sequenceValue(redis, keys.sequence(stream)), groupInfo(redis, stream),
  ]);
  return { length: Number(length), first, last, counter, groups };
}

export function computeLag(facts: StreamFacts, cp: Checkpoint): { lag: number; unnoticedLost: number } {
  const lastSeq = facts.last?.seq ?? facts.counter;
  if (lastSeq >= cp.lastEntry) {
    const firstSeq = facts.first?.seq ?? lastSeq + 1;
    const unnoticedLost = Math.max(0, firstSeq - 1 - cp.lastEntry);
    return { lag: Math.max(0, lastSeq - cp.lastEntry - unnoticedLost), unnoticedLost };
  }
  // The sequence restarted (Redis lost its data): everything newer than the checkpoint is due.
  const newer = facts.first && compareEntryIds(facts.first.id, cp.lastId) > 0 ? facts.length : 0;
  return { lag: newer, unnoticedLost: 0 };
}

export async function readGroupStatus(
  redis: RedisClient, pool: Pool, keys: Keys, consumers: readonly AnyConsumer[],
): Promise<GroupStreamStatus[]> {
  const checkpoints = await loadCheckpoints(pool);
  const pairs = consumers.flatMap((c) => keys.resolve(c.reads).map((stream) => ({ group: c.name, stream })));
  // Checkpoints of groups no registered consumer declares still deserve a line.
  for (const cp of checkpoints) {
    if (!pairs.some((p) => p.group === cp.group && p.stream === cp.stream)) pairs.push({ group: cp.group, stream: cp.stream });
  }
  const facts = new Map<string, StreamFacts>();
  await Promise.all([...new Set(pairs.map((p) => p.stream))].map(async (s) => facts.set(s, await streamFacts(redis, keys, s))));
  const deadCounts = new Map<string, number>();
  await Promise.all([...new Set(pairs.map((p) => p.group))].map(async (g) => deadCounts.set(g, await countDeadLetters(redis, keys.dead(g)))));

  return pairs.map(({ group, stream }) => {
    const f = facts.get(stream)!;
    const info = f.groups.find((g) => g.name === group);
    const cp = checkpoints.find((c) => c.group === group && c.stream === stream);
    const lag = cp ? computeLag(f, cp) : null;
    return {
      group, stream: keys.logicalName(stream), streamLength: f.length, lastEntryId: f.last?.id ?? null,
      lastDeliveredId: info?.lastDeliveredId ?? null, checkpointId: cp?.lastId ?? null, lag: lag?.lag ?? null,
      pending: info?.pending ?? 0, consumers: info?.consumers ?? 0, deadLetters: deadCounts.get(group) ?? 0,
      lost: (cp?.lost ?? 0) + (lag?.unnoticedLost ?? 0), applied: cp?.applied ?? 0,
    };
  });
}
