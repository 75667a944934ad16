/**
 * One transaction of a group on one stream: lock the checkpoint row, skip what it already
 * covers, apply the longest run of entries that may go next, move the checkpoint, commit, then
 * XACK. Committing in stream order under the row lock is what makes the effect exactly-once
 * even when several consumers of the group share the stream (DESIGN §3).
 */
import { advanceCheckpoint, lockCheckpoint } from "../db/stream-checkpoint.ts";
import type { Pool } from "../db/pool.ts";
import { withTransaction } from "../db/tx.ts";
import type { Logger } from "../logger.ts";
import type { RedisClient } from "../redis/create-redis.ts";
import { type ApplyEngine, ProjectionFailure, projectEntries, runCommitted, sortEntries } from "./apply-engine.ts";
import { writeDeadLetters, type DeadLetterInput } from "./dead-letters.ts";
import { consumerVersion } from "./define-consumer.ts";
import { VersionChangedError } from "./consumer-version.ts";
import { compareEntryIds } from "./entry-id.ts";
import type { RawEntry } from "./entry.ts";
import type { KnownEntry } from "../db/stream-head.ts";
import { ack, entryBefore, pendingCount, pendingRange, rangeBetween } from "./stream-commands.ts";

export interface ApplyContext {
  /** The group's consumer on this stream, and what its projections get (apply-engine.ts). */
  readonly engine: ApplyEngine;
  readonly pool: Pool;
  readonly deadStream: string;
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
  | { kind: "done"; settled: string[]; released: string[]; applied: number; lost: number; waiting: boolean; deadLettered: number }
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

async function regressionIncident(
  redis: RedisClient, stream: string, prev: KnownEntry, entry: RawEntry, head: KnownEntry | null | undefined,
): Promise<Incident> {
  const known = head && head.seq > prev.seq && compareEntryIds(head.id, entry.id) < 0 ? head : prev;
  const before = await entryBefore(redis, stream, entry.id);
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

/** What the transaction decided, carried out after its commit. */
interface Outcome {
  readonly settled: string[];
  readonly released: string[];
  readonly applied: number;
  readonly lost: number;
  readonly waiting: boolean;
  readonly incidents: readonly Incident[];
  readonly trimmed: number;
  /** The first entry applied: the trimmed ones came before it. */
  readonly firstApplied?: string;
  readonly dead: readonly DeadLetterInput[];
  /** Whether the checkpoint moved (else there is nothing for afterCommit to see). */
  readonly moved: boolean;
  /** The projection's `ctx.afterCommit` callbacks. */
  readonly committed?: readonly (() => void)[];
}

export async function applyBatch(ctx: ApplyContext, held: readonly RawEntry[], options: ApplyOptions = {}): Promise<ApplyResult> {
  const { engine } = ctx;
  const { redis, consumer, streamKey: stream, log } = engine;
  const group = consumer.name;
  let attempted: RawEntry[] = [];
  let outcome: Outcome;
  try {
    outcome = await withTransaction(ctx.pool, async (tx): Promise<Outcome> => {
      const cp = await lockCheckpoint(tx, group, stream);
      if (!cp) throw new MissingCheckpointError(`no checkpoint row for group ${group} on ${stream}`);
      const version = consumerVersion(consumer);
      if (cp.stamp.version !== 0 && cp.stamp.version !== version) {
        throw new VersionChangedError(
          `group ${group} was ${cp.stamp.version > version ? "rebuilt" : "projected"} by version ${cp.stamp.version} of its consumer; ` +
            `this worker runs version ${version}, so it stops applying the group's entries. Restart it with the current consumer files`,
        );
      }
      const nothing = { released: [], applied: 0, lost: 0, incidents: [], trimmed: 0, dead: [], moved: false };

      const stale = held.filter((e) => compareEntryIds(e.id, cp.lastId) <= 0);
      const fresh = held.filter((e) => compareEntryIds(e.id, cp.lastId) > 0);
      if (fresh.length === 0) return { ...nothing, settled: stale.map((e) => e.id), waiting: false };

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
          if (regression) incidents.push(await regressionIncident(redis, stream, prev, entry, options.knownHead));
          else trimmed += missing;
        }
        run.push(entry);
        prev = { id: entry.id, seq: entry.seq };
      }
      const waiting = foreign !== undefined;
      if (run.length === 0) return { ...nothing, settled: stale.map((e) => e.id), released, waiting };

      const lost = incidents.reduce((n, i) => n + i.lost, trimmed);
      const sorted = sortEntries(engine, run, options.giveUp);
      attempted = sorted.project;
      const committed: (() => void)[] = [];
      await projectEntries(tx, engine, sorted.project, (fn) => committed.push(fn));
      await advanceCheckpoint(tx, { group, stream, lastId: prev.id, lastEntry: prev.seq, applied: sorted.project.length, lost });
      // Dead letters are written before the commit: a crash in between duplicates a dead letter
      // rather than losing the entry.
      await writeDeadLetters(redis, ctx.deadStream, group, sorted.dead);
      return {
        settled: [...stale, ...run].map((e) => e.id), released, applied: sorted.project.length, lost, waiting, incidents, trimmed, firstApplied: run[0]!.id, dead: sorted.dead, moved: true, committed,
      };
    });
  } catch (err) {
    // The projection's failure is the entries' (the loop policy decides what follows); any other
    // failure is the runtime's and propagates.
    if (err instanceof ProjectionFailure) return { kind: "failed", error: err.error, attempted };
    throw err;
  }

  runCommitted(outcome.committed ?? [], log);
  if (outcome.moved) await ctx.afterCommit?.(outcome.settled);
  await ack(redis, stream, group, outcome.settled);
  for (const incident of outcome.incidents) logIncident(log, incident);
  if (outcome.trimmed > 0) log.warn({ lost: outcome.trimmed, before: outcome.firstApplied }, "entries were trimmed before this group read them; counted as lost");
  for (const d of outcome.dead) {
    log.error({ entryId: d.entry.id, deliveries: d.deliveries, error: d.error }, "entry moved to the dead letters");
  }
  const { settled, released, applied, lost, waiting } = outcome;
  return { kind: "done", settled, released, applied, lost, waiting, deadLettered: outcome.dead.length };
}
