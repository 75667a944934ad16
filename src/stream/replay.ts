/**
 * `ichnos replay G --from …`: moves a group back (or forward) on every stream it reads. The
 * checkpoint row is locked while Redis is repositioned, so a live consumer of the group either
 * commits before the move or sees the new position; entries it still holds past the new
 * position are handed back and re-applied in order.
 */
import { insertCheckpoint, lockCheckpoint, resetCheckpoint } from "../db/stream-checkpoint.ts";
import type { Pool } from "../db/pool.ts";
import { withTransaction } from "../db/tx.ts";
import type { Logger } from "../logger.ts";
import type { RedisClient } from "../redis/create-redis.ts";
import type { ArchivedHistory } from "../archive/archive-spans.ts";
import { applyArchivedHistory, type Cursor, type HistoryDeps, type HistoryTarget, writeHistoryDeadLetters } from "./apply-history.ts";
import { type AnyConsumer, liveTable } from "./define-consumer.ts";
import { isEntryId } from "./entry-id.ts";
import type { Keys } from "./keys.ts";
import { positionBefore, type From, type Position } from "./positions.ts";
import { moveGroupTo } from "./stream-commands.ts";
import { consumerStamp } from "./consumer-version.ts";

export function parseFrom(text: string): From {
  if (text === "start" || text === "0") return { kind: "start" };
  if (text === "end" || text === "$") return { kind: "end" };
  if (isEntryId(text) || /^\d{13}$/.test(text)) return { kind: "id", id: text.includes("-") ? text : `${text}-0` };
  const time = Date.parse(text);
  if (!Number.isNaN(time) && /^\d{4}-\d{2}-\d{2}/.test(text)) return { kind: "id", id: `${time}-0` };
  throw new Error(`--from "${text}" is not "start", an entry id (1700000000000-0) or an ISO time (2026-11-23T10:00:00Z)`);
}

export interface ReplayedStream {
  readonly stream: string;
  readonly position: Position;
}

/**
 * Positions the group before `from` on each stream it reads, or at `seams` for the streams whose
 * older history was applied from the archive already.
 */
export async function replayGroup(
  deps: { redis: RedisClient; pool: Pool; keys: Keys; log: Logger }, consumer: AnyConsumer, from: From,
  seams: ReadonlyMap<string, Position> = new Map(),
): Promise<ReplayedStream[]> {
  const { redis, pool, keys } = deps;
  const out: ReplayedStream[] = [];
  for (const stream of keys.resolve(consumer.reads)) {
    const position = await withTransaction(pool, async (tx) => {
      const at = seams.get(stream) ?? await positionBefore(redis, stream, keys.sequence(stream), from);
      const cp = await lockCheckpoint(tx, consumer.name, stream);
      if (cp) await resetCheckpoint(tx, consumer.name, stream, at.id, at.lastEntry);
      else await insertCheckpoint(tx, consumer.name, stream, at.id, at.lastEntry, consumerStamp(consumer));
      await moveGroupTo(redis, stream, consumer.name, at.id);
      return at;
    });
    deps.log.info({ group: consumer.name, stream: keys.logicalName(stream), at: position.id }, "group repositioned for replay");
    out.push({ stream, position });
  }
  return out;
}

/**
 * The archived part of a replay, applied by this process into the live tables (the workers read
 * only the streams): each archived stream's entries in order up to the seam, where the group is
 * then positioned so that its workers continue with the first retained entry. Entries the
 * workers apply meanwhile, at the head, are applied again after the seam, in order: for an
 * idempotent projection the result is that of one replay in order.
 */
export async function replayArchivedPart(
  deps: HistoryDeps, consumer: AnyConsumer, archive: ArchivedHistory, onApplied: (n: number) => void,
): Promise<Map<string, Position>> {
  const cursors: Cursor[] = [...archive.spans].map(([stream, part]) => ({ stream, lastId: part.span.afterId, lastEntry: 0 }));
  const intoLive: HistoryTarget = { table: liveTable, rebuilding: false, consumer: "replay", failed: [] };
  try {
    await applyArchivedHistory(deps, consumer, intoLive, cursors, archive, onApplied);
  } finally {
    // What was applied stays applied: its failures are dead-lettered even when the replay stops.
    await writeHistoryDeadLetters(deps, consumer.name, intoLive);
  }
  return new Map(cursors.map((c) => [c.stream, { id: c.lastId, lastEntry: c.lastEntry }]));
}
