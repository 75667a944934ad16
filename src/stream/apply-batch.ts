/**
 * One transaction of a group on one stream: lock the checkpoint row, skip what it already
 * covers, apply the longest run of entries that may go next, move the checkpoint, commit, then
 * XACK. Committing in stream order under the row lock is what makes the effect exactly-once
 * even when several consumers of the group share the stream (DESIGN §3).
 */
import { advanceCheckpoint, lockCheckpoint } from "../db/stream-checkpoint.ts";
import type { Pool } from "../db/pool.ts";
import type { RegionLookup } from "../geo/region-lookup.ts";
import type { Logger } from "../logger.ts";
import type { RedisClient } from "../redis/create-redis.ts";
import { writeDeadLetters, type DeadLetterInput } from "./dead-letters.ts";
import { consumerVersion, type AnyConsumer } from "./define-consumer.ts";
import type { Keys } from "./keys.ts";
import { projectContext } from "./project-context.ts";
import { VersionChangedError } from "./consumer-version.ts";
import { compareEntryIds } from "./entry-id.ts";
import { projectionEntry, type RawEntry, type StreamEntry } from "./entry.ts";
import type { KnownEntry } from "../db/stream-head.ts";
import { ack, entryBefore, pendingCount, pendingRange, rangeBetween } from "./stream-commands.ts";

export interface ApplyContext {
  readonly redis: RedisClient;
  readonly pool: Pool;
  readonly log: Logger;
  readonly consumer: AnyConsumer;
  readonly stream: string;
  readonly deadStream: string;
  readonly consumerName: string;
  readonly keys: Keys;
  /** `ctx.regions` (project-context.ts); the default lookup when absent. */
  readonly regions?: RegionLookup;
  /** Why a decoded payload is not one of the stream's (streams.ts), or null; absent: not checked. */
  readonly payloadProblem?: ((data: unknown) => string | null) | null;
  /** Test seam: runs after COMMIT and before XACK (crash-recovery tests kill the process here). */
  readonly afterCommit?: (ids: readonly string[]) => Promise<void> | void;
}

export interface ApplyOptions {
  /** Apply at most this many entries (isolating a failing entry one at a time). */
  readonly limit?: number;
  /** Entries to move to the dead letters instead of projecting them. */
  readonly giveUp?: ReadonlyMap<string, { error: string; deliveries: number }>;
  /** The highest-numbered entry known to have existed on the stream (stream-head.ts). */
  readonly knownHead?: KnownEntry | null;
}

/**
 * Whether `entry` shows that the stream's sequence moved backwards: Redis lost entries and
 * numbers new ones again from where its data ends. In a stream that lost nothing, an entry after
 * a known entry has a higher number; so an entry with a number at or below the checkpoint's, or
 * the first entry past the known head with a number at or below the head's, is one.
 */
function isRegression(prev: KnownEntry, entry: RawEntry, head: KnownEntry | null | undefined): boolean {
  if (entry.seq <= prev.seq) return true;
  return !!head && entry.seq <= head.seq && compareEntryIds(prev.id, head.id) <= 0 && compareEntryIds(entry.id, head.id) > 0;
}

export type ApplyResult =
  | { kind: "done"; settled: string[]; released: string[]; applied: number; lost: number; waiting: boolean }
  | { kind: "failed"; error: unknown; attempted: RawEntry[] };

export class MissingCheckpointError extends Error {}


/**
 * What a sequence regression cost this group, logged as a data-loss incident. Every number up to
 * the highest known one existed, so those above the checkpoint are gone unapplied; and the new
 * numbering restarted after the entry now before `entry`, so numbers between that one and
 * `entry` are gone too. Entries this group applied are never counted.
 */
interface Incident {
  readonly lost: number;
  readonly checkpoint: KnownEntry;
  readonly knownHead: KnownEntry;
  readonly resumedAt: KnownEntry;
  readonly newNumberingAfter: KnownEntry | null;
}

async function regressionIncident(ctx: ApplyContext, prev: KnownEntry, entry: RawEntry, head: KnownEntry | null | undefined): Promise<Incident> {
  const known = head && head.seq > prev.seq && compareEntryIds(head.id, entry.id) < 0 ? head : prev;
  const before = await entryBefore(ctx.redis, ctx.stream, entry.id);
  const unapplied = known.seq - prev.seq;
  const skipped = Math.max(0, entry.seq - 1 - (before?.seq ?? 0));
  return {
    lost: unapplied + skipped, checkpoint: prev, knownHead: known, resumedAt: { id: entry.id, seq: entry.seq }, newNumberingAfter: before,
  };
}

function logIncident(log: Logger, incident: Incident): void {
  log.error(
    { incident: "redis-data-loss", ...incident },
    "Redis lost entries of this stream (restarted from an older snapshot or without its data); the entries after this " +
      "group's checkpoint up to the known head are gone and were counted as lost. Check Redis persistence " +
      "(appendonly yes, appendfsync everysec) and replay the lost period from the backup if it matters",
  );
}

export async function applyBatch(ctx: ApplyContext, held: readonly RawEntry[], options: ApplyOptions = {}): Promise<ApplyResult> {
  const { redis, pool, consumer, stream } = ctx;
  const group = consumer.name;
  const conn = await pool.getConnection();
  try {
    await conn.beginTransaction();
    const cp = await lockCheckpoint(conn, group, stream);
    if (!cp) throw new MissingCheckpointError(`no checkpoint row for group ${group} on ${stream}`);
    const version = consumerVersion(consumer);
    if (cp.stamp.version !== 0 && cp.stamp.version !== version) {
      throw new VersionChangedError(
        `group ${group} was ${cp.stamp.version > version ? "rebuilt" : "projected"} by version ${cp.stamp.version} of its consumer; ` +
          `this worker runs version ${version}, so it stops applying the group's entries. Restart it with the current consumer files`,
      );
    }

    const stale = held.filter((e) => compareEntryIds(e.id, cp.lastId) <= 0);
    const fresh = held.filter((e) => compareEntryIds(e.id, cp.lastId) > 0);
    if (fresh.length === 0) {
      await conn.commit();
      await ack(redis, stream, group, stale.map((e) => e.id));
      return { kind: "done", settled: stale.map((e) => e.id), released: [], applied: 0, lost: 0, waiting: false };
    }

    // An earlier entry still held by another consumer must be applied first. Everything we hold
    // is pending, so when the group's pending count equals ours nobody else holds anything and
    // the range query (which lists every pending entry) can be skipped.
    let foreign: { id: string } | undefined;
    if ((await pendingCount(redis, stream, group)) !== held.length) {
      const heldIds = new Set(held.map((e) => e.id));
      const pending = await pendingRange(redis, stream, group, cp.lastId, fresh[fresh.length - 1]!.id, held.length + 1);
      foreign = pending.find((p) => !heldIds.has(p.id));
    }
    const candidates = (foreign ? fresh.filter((e) => compareEntryIds(e.id, foreign.id) < 0) : fresh)
      .slice(0, options.limit ?? fresh.length);

    const run: RawEntry[] = [];
    const released: string[] = [];
    let trimmed = 0;
    const incidents: Incident[] = [];
    let prev: KnownEntry = { id: cp.lastId, seq: cp.lastEntry };
    for (const entry of candidates) {
      const regression = isRegression(prev, entry, options.knownHead);
      if (regression || entry.seq !== prev.seq + 1) {
        const missing = regression ? 1 : entry.seq - prev.seq - 1;
        if (missing > 0 && (await rangeBetween(redis, stream, prev.id, entry.id, 1)).length > 0) {
          // Entries in the gap still exist: the group was rewound (replay) and they will be
          // delivered again. Hand ours back and take them in order.
          released.push(...fresh.filter((e) => compareEntryIds(e.id, entry.id) >= 0).map((e) => e.id));
          break;
        }
        if (regression) incidents.push(await regressionIncident(ctx, prev, entry, options.knownHead));
        else trimmed += missing;
      }
      run.push(entry);
      prev = { id: entry.id, seq: entry.seq };
    }
    if (run.length === 0) {
      await conn.rollback();
      await ack(redis, stream, group, stale.map((e) => e.id));
      return { kind: "done", settled: stale.map((e) => e.id), released, applied: 0, lost: 0, waiting: foreign !== undefined };
    }

    const lost = incidents.reduce((n, i) => n + i.lost, trimmed);
    const dead: DeadLetterInput[] = [];
    const toProject: StreamEntry[] = [];
    for (const entry of run) {
      const givenUp = options.giveUp?.get(entry.id);
      const problem = entry.error ?? ctx.payloadProblem?.(entry.data) ?? null;
      if (problem !== null) dead.push({ entry, error: `undecodable entry: ${problem}`, deliveries: 1 });
      else if (givenUp) dead.push({ entry, ...givenUp });
      else toProject.push(projectionEntry(entry.stream, entry, consumer.payload === "text" ? entry.fields.d : undefined));
    }
    if (toProject.length > 0) {
      try {
        await consumer.project(toProject, projectContext({
          tx: conn, log: ctx.log, group, streamKey: stream, redis, keys: ctx.keys, consumer: ctx.consumerName, regions: ctx.regions,
        }));
      } catch (error) {
        await conn.rollback();
        return { kind: "failed", error, attempted: run.filter((e) => !e.error && !options.giveUp?.has(e.id)) };
      }
    }
    await advanceCheckpoint(conn, { group, stream, lastId: prev.id, lastEntry: prev.seq, applied: toProject.length, lost });
    // Dead letters are written before the commit: a crash in between duplicates a dead letter
    // rather than losing the entry.
    await writeDeadLetters(redis, ctx.deadStream, group, dead);
    await conn.commit();
    const settled = [...stale, ...run].map((e) => e.id);
    await ctx.afterCommit?.(settled);
    await ack(redis, stream, group, settled);

    for (const incident of incidents) logIncident(ctx.log, incident);
    if (trimmed > 0) ctx.log.warn({ lost: trimmed, before: run[0]!.id }, "entries were trimmed before this group read them; counted as lost");
    for (const d of dead) {
      ctx.log.error({ entryId: d.entry.id, deliveries: d.deliveries, error: d.error }, "entry moved to the dead letters");
    }
    return { kind: "done", settled, released, applied: toProject.length, lost, waiting: foreign !== undefined };
  } catch (err) {
    await conn.rollback().catch(() => undefined);
    throw err;
  } finally {
    conn.release();
  }
}
