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
import { loadStreamHeads, type KnownEntry } from "../db/stream-head.ts";
import { entryBefore, firstEntryFrom, groupInfo, lastEntry, sequenceValue, type EntryHead, type GroupInfo } from "./stream-commands.ts";

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
  /** The consumer version its checkpoint was written with (consumer-version.ts); null before one was recorded. */
  readonly version: number | null;
  /** The consumer that reads the pair's new entries now (its reader lease, stream-ownership.ts); null: none. */
  readonly reader: string | null;
}

interface StreamFacts {
  readonly length: number;
  readonly first: { id: string; seq: number } | null;
  readonly last: { id: string; seq: number } | null;
  readonly counter: number;
  readonly groups: GroupInfo[];
  /** Set when the stream's numbering went back below an entry known to have existed. */
  readonly regression: Regression | null;
}

/**
 * Redis lost entries: `known` existed, and the numbering restarted after `restartedAfter`
 * (the newest entry still there from before, numbered `restartedAfter.seq`; 0 when none is), with
 * `resumedAt` the first entry numbered anew (none yet when null).
 */
export interface Regression {
  readonly known: KnownEntry;
  readonly restartedAfter: number;
  readonly resumedAt: EntryHead | null;
}

async function findRegression(redis: RedisClient, stream: string, last: EntryHead | null, counter: number, known: KnownEntry | undefined): Promise<Regression | null> {
  if (!known) return null;
  if (last && compareEntryIds(last.id, known.id) > 0) {
    if (last.seq > known.seq) return null;
    const resumedAt = await firstEntryFrom(redis, stream, `(${known.id}`);
    if (!resumedAt || resumedAt.seq > known.seq) return null;
    const before = await entryBefore(redis, stream, resumedAt.id);
    return { known, restartedAfter: before?.seq ?? 0, resumedAt };
  }
  const tail = last?.seq ?? counter;
  return tail < known.seq ? { known, restartedAfter: tail, resumedAt: null } : null;
}

async function streamFacts(redis: RedisClient, keys: Keys, stream: string, known: KnownEntry | undefined): Promise<StreamFacts> {
  const [length, first, last, counter, groups] = await Promise.all([
    redis.xlen(stream), firstEntryFrom(redis, stream), lastEntry(redis, stream),
    sequenceValue(redis, keys.sequence(stream)), groupInfo(redis, stream),
  ]);
  const regression = await findRegression(redis, stream, last, counter, known);
  return { length: Number(length), first, last, counter, groups, regression };
}

/** The highest-numbered known entry of each stream: checkpoints and recorded heads. */
function knownHeads(checkpoints: readonly Checkpoint[], heads: ReadonlyMap<string, KnownEntry>): Map<string, KnownEntry> {
  const out = new Map(heads);
  for (const cp of checkpoints) {
    const seen = out.get(cp.stream);
    if (!seen || cp.lastEntry > seen.seq) out.set(cp.stream, { id: cp.lastId, seq: cp.lastEntry });
  }
  return out;
}

export function computeLag(facts: StreamFacts, cp: Checkpoint): { lag: number; unnoticedLost: number } {
  const r = facts.regression;
  if (r && !(r.resumedAt && compareEntryIds(cp.lastId, r.resumedAt.id) >= 0)) {
    // The group has not reached the new numbering yet: what it never applied up to the known head
    // is gone, and so are any entries numbered anew before the first one still there.
    const gone = Math.max(0, r.known.seq - Math.max(cp.lastEntry, r.restartedAfter));
    const skipped = r.resumedAt ? Math.max(0, r.resumedAt.seq - 1 - r.restartedAfter) : 0;
    const oldLeft = Math.max(0, r.restartedAfter - cp.lastEntry);
    const newLeft = r.resumedAt && facts.last ? facts.last.seq - r.resumedAt.seq + 1 : 0;
    return { lag: oldLeft + newLeft, unnoticedLost: gone + skipped };
  }
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
  const [checkpoints, heads] = await Promise.all([loadCheckpoints(pool), loadStreamHeads(pool)]);
  const pairs = consumers.flatMap((c) => keys.resolve(c.reads).map((stream) => ({ group: c.name, stream })));
  // Checkpoints of groups no registered consumer declares still deserve a line.
  for (const cp of checkpoints) {
    if (!pairs.some((p) => p.group === cp.group && p.stream === cp.stream)) pairs.push({ group: cp.group, stream: cp.stream });
  }
  const facts = new Map<string, StreamFacts>();
  const known = knownHeads(checkpoints, heads);
  await Promise.all([...new Set(pairs.map((p) => p.stream))].map(async (s) => facts.set(s, await streamFacts(redis, keys, s, known.get(s)))));
  const deadCounts = new Map<string, number>();
  await Promise.all([...new Set(pairs.map((p) => p.group))].map(async (g) => deadCounts.set(g, await countDeadLetters(redis, keys.dead(g)))));

  // One GET per pair: each lease lives in its stream's slot, so a Cluster client sends each to its node.
  const readers = await Promise.all(pairs.map((p) => redis.get(keys.readerLease(p.group, p.stream))));
  return pairs.map(({ group, stream }, i) => {
    const f = facts.get(stream)!;
    const info = f.groups.find((g) => g.name === group);
    const cp = checkpoints.find((c) => c.group === group && c.stream === stream);
    const lag = cp ? computeLag(f, cp) : null;
    return {
      group, stream: keys.logicalName(stream), streamLength: f.length, lastEntryId: f.last?.id ?? null,
      lastDeliveredId: info?.lastDeliveredId ?? null, checkpointId: cp?.lastId ?? null, lag: lag?.lag ?? null,
      pending: info?.pending ?? 0, consumers: info?.consumers ?? 0, deadLetters: deadCounts.get(group) ?? 0,
      lost: (cp?.lost ?? 0) + (lag?.unnoticedLost ?? 0), applied: cp?.applied ?? 0,
      version: cp && cp.stamp.version > 0 ? cp.stamp.version : null, reader: readers[i] ?? null,
    };
  });
}
