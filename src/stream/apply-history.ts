/**
 * Applying history outside the consumer runtime, for replays and rebuilds: entries from the
 * archive or the stream, projected in the group's batch size, one transaction a batch, into the
 * live tables (a replay) or the shadow tables (a rebuild). The group's own checkpoint is not
 * moved here: the caller positions the group once the history it applied meets the stream.
 */
import { loadCoverage, readArchiveSpan } from "../archive/archive-reader.ts";
import type { ArchivedHistory } from "../archive/archive-spans.ts";
import type { Pool } from "../db/pool.ts";
import { listDeadLetters, writeDeadLetters, type DeadLetterInput } from "./dead-letters.ts";
import type { RegionLookup } from "../geo/region-lookup.ts";
import type { Logger } from "../logger.ts";
import type { RedisClient } from "../redis/create-redis.ts";
import type { AnyConsumer } from "./define-consumer.ts";
import { type ApplicableEntry, type ApplyEngine, applyEngine, deadLetterOf, projectInTransaction, sortEntries } from "./apply-engine.ts";
import type { RawEntry } from "./entry.ts";
import { compareEntryIds, ZERO_ID } from "./entry-id.ts";
import type { Keys } from "./keys.ts";
import { positionBefore, type From } from "./positions.ts";
import { afterFailure } from "./loop-policy.ts";
import { sleep } from "../util/sleep.ts";
import { CONFIG_DEFAULTS } from "../config.ts";
import { firstEntryFrom, readRange, sequenceValue } from "./stream-commands.ts";

export interface HistoryDeps {
  readonly redis: RedisClient;
  readonly pool: Pool;
  readonly keys: Keys;
  readonly log: Logger;
  /** Attempts an entry gets before it is dead-lettered (MAX_DELIVERIES), as in live consumption. */
  readonly maxDeliveries?: number;
  /** `ctx.regions` of the projections (project-context.ts); the default lookup when absent. */
  readonly regions?: RegionLookup;
}

/** Where the applied history of one stream stands: its last entry's id and number. */
export interface Cursor {
  readonly stream: string;
  lastId: string;
  lastEntry: number;
}

/** Where projected rows go: the live tables, or a rebuild's shadow copies. */
export interface HistoryTarget {
  table(name: string): string;
  readonly rebuilding: boolean;
  /** The consumer name logged and passed to the projection. */
  readonly consumer: string;
  /**
   * Entries that failed, for the caller to dead-letter (writeHistoryDeadLetters): a rebuild does
   * it inside its swap, so an abandoned rebuild leaves no dead letters behind.
   */
  readonly failed: DeadLetterInput[];
}

/** An entry of the history: from the stream, the archive, or derived again (rederive.ts). */
export type HistoryEntry = ApplicableEntry;

const READ_CHUNK = 500;
const DEFAULT_MAX_DELIVERIES = Number(CONFIG_DEFAULTS.MAX_DELIVERIES);

/** The apply engine of `consumer` on `stream` for this replay or rebuild. */
const engineOf = (deps: HistoryDeps, consumer: AnyConsumer, target: HistoryTarget, stream: string): ApplyEngine => applyEngine({
  consumer, streamKey: stream, redis: deps.redis, keys: deps.keys, log: deps.log, consumerName: target.consumer, regions: deps.regions,
  table: target.table, rebuilding: target.rebuilding,
});

/**
 * Projects `list` in one transaction. A lock conflict is retried whole with back-off
 * (projectInTransaction); a projection's failure isolates the entries one at a time, and an entry that fails alone `maxDeliveries`
 * times joins `target.failed`, exactly as the live runtime dead-letters it. A poison entry then
 * costs its own transactions, never the replay or rebuild.
 */
async function projectIsolating(deps: HistoryDeps, engine: ApplyEngine, target: HistoryTarget, list: readonly HistoryEntry[]): Promise<void> {
  if (list.length === 0) return;
  const attempt = async (): Promise<unknown> => {
    const failed = await projectInTransaction(deps.pool, engine, list);
    // Infrastructure or the projection's target failing is not the entries' fault: the replay
    // stops, nothing is dead-lettered (the live loop backs off for the same kinds).
    if (failed && failed.kind !== "projection") throw failed.error;
    return failed?.error ?? null;
  };
  const max = deps.maxDeliveries ?? DEFAULT_MAX_DELIVERIES;
  let failure = await attempt();
  let deliveries = 1;
  // What next is the live loop's decision too (loop-policy.ts): isolate, deliver again, give up.
  while (failure !== null) {
    const step = afterFailure({ failure: "projection", attempted: list.length, deliveries, maxDeliveries: max, failuresInARow: 0, random: Math.random() });
    if (step.kind === "isolate") {
      deps.log.warn({ err: failure, entries: list.length, firstId: list[0]!.id }, "batch failed; applying its entries one at a time");
      for (const e of list) await projectIsolating(deps, engine, target, [e]);
      return;
    }
    if (step.kind === "give-up") {
      const message = failure instanceof Error ? failure.message : String(failure);
      deps.log.error({ entryId: list[0]!.id, deliveries: step.deliveries, error: message }, "entry failed every attempt; it will be dead-lettered");
      target.failed.push(deadLetterOf(engine.streamKey, list[0]!, message, step.deliveries));
      return;
    }
    // attempt() throws the failures that back off, so a projection failure is all that is left.
    if (step.kind !== "redeliver") throw failure;
    await sleep(step.waitMs);
    deliveries += 1;
    failure = await attempt();
  }
}

/**
 * Projects `entries` (consecutive, of the cursor's stream) and moves the cursor past them.
 * Entries that do not decode, or whose payload is not of the stream's type, join
 * `target.failed` at once, as the live runtime dead-letters them; see projectIsolating.
 */
export async function applyEntries(
  deps: HistoryDeps, consumer: AnyConsumer, target: HistoryTarget, cursor: Cursor, entries: readonly HistoryEntry[],
): Promise<void> {
  if (entries.length === 0) return;
  const engine = engineOf(deps, consumer, target, cursor.stream);
  const sorted = sortEntries(engine, entries);
  target.failed.push(...sorted.dead);
  await projectIsolating(deps, engine, target, sorted.project);
  const last = entries[entries.length - 1]!;
  cursor.lastId = last.id;
  cursor.lastEntry = last.seq;
}

/** Applies every entry after each cursor up to the stream's current end; returns how many. */
export async function applyStreamTail(
  deps: HistoryDeps, consumer: AnyConsumer, target: HistoryTarget, cursors: readonly Cursor[], onApplied: (n: number) => void,
): Promise<number> {
  const batchSize = consumer.batchSize ?? READ_CHUNK;
  let applied = 0;
  for (const cursor of cursors) {
    for (;;) {
      const entries: RawEntry[] = await readRange(deps.redis, cursor.stream, `(${cursor.lastId}`, batchSize);
      if (entries.length === 0) break;
      await applyEntries(deps, consumer, target, cursor, entries);
      applied += entries.length;
      onApplied(entries.length);
      if (entries.length < batchSize) break;
    }
  }
  return applied;
}

/** A stretch of one reports partition's archive, with the objects that hold it. */
export type ArchivePart = ArchivedHistory["spans"] extends ReadonlyMap<string, infer P> ? P : never;

/**
 * What the archive must still supply after `cursor` before the stream's first retained entry:
 * null when the stream holds the next entry. The trimmer may have moved since the replay began
 * (it trims only what the backup archived), so this is asked again after each archived stretch.
 */
export async function nextArchivePart(
  deps: HistoryDeps, archive: ArchivedHistory | undefined, cursor: Cursor, partition: number,
): Promise<ArchivePart | null> {
  const first = await firstEntryFrom(deps.redis, cursor.stream);
  const untilSeq = first ? first.seq - 1 : await sequenceValue(deps.redis, deps.keys.sequence(cursor.stream));
  if (untilSeq <= cursor.lastEntry) return null;
  const gone = `${deps.keys.logicalName(cursor.stream)} was trimmed up to #${untilSeq} during the replay`;
  if (!archive) throw new Error(`${gone}, and there is no archive to read #${cursor.lastEntry + 1}–#${untilSeq} from; start it again`);
  const span = { partition, afterId: cursor.lastId, untilSeq };
  const coverage = await loadCoverage(archive.s3, archive.location, span);
  if (!coverage.covered) throw new Error(`${gone}, and the archive does not hold #${cursor.lastEntry + 1}–#${untilSeq}; run ichnos archive verify`);
  return { span, objects: coverage.objects };
}

/**
 * A partition's archived entries after `cursor`, a batch at a time, from `firstPart` (else what
 * the trimmer took meanwhile) until the cursor meets the stream's first entry. The caller moves
 * the cursor past each batch before asking for the next.
 */
export async function* archivedBatches(
  deps: HistoryDeps, archive: ArchivedHistory | undefined, cursor: Cursor, partition: number, batchSize: number, firstPart?: ArchivePart,
): AsyncGenerator<HistoryEntry[]> {
  for (let part = firstPart ?? (await nextArchivePart(deps, archive, cursor, partition)); part; part = await nextArchivePart(deps, archive, cursor, partition)) {
    yield* readArchiveSpan(archive!.s3, archive!.location, part.span, part.objects, batchSize);
  }
}

/** Applies the archived part of each cursor's stream, leaving the cursor at the seam. */
export async function applyArchivedHistory(
  deps: HistoryDeps, consumer: AnyConsumer, target: HistoryTarget, cursors: readonly Cursor[], archive: ArchivedHistory, onApplied: (n: number) => void,
): Promise<void> {
  const batchSize = consumer.batchSize ?? READ_CHUNK;
  for (const cursor of cursors) {
    const part = archive.spans.get(cursor.stream);
    if (!part) continue;
    for await (const batch of archivedBatches(deps, archive, cursor, part.span.partition, batchSize, part)) {
      await applyEntries(deps, consumer, target, cursor, batch);
      onApplied(batch.length);
    }
  }
}

/**
 * Where a replay of `stream` from `from` begins: where its archive span does when the archive
 * supplies its older history, else just before `from` on the stream.
 */
export async function startCursor(deps: HistoryDeps, stream: string, from: From, archive: ArchivedHistory | undefined): Promise<Cursor> {
  const archived = archive?.spans.get(stream);
  if (archived) return { stream, lastId: archived.span.afterId, lastEntry: 0 };
  const p = await positionBefore(deps.redis, stream, deps.keys.sequence(stream), from);
  return { stream, lastId: p.id, lastEntry: p.lastEntry };
}

/** The entries appended after each cursor so far, by sequence number (a progress total). */
export async function entriesAfter(deps: HistoryDeps, cursors: readonly Cursor[]): Promise<number> {
  let total = 0;
  for (const c of cursors) total += Math.max(0, (await sequenceValue(deps.redis, deps.keys.sequence(c.stream))) - c.lastEntry);
  return total;
}

/** About how many entries the archive spans hold (a progress total; exact from the start). */
export function archivedTotal(archive: ArchivedHistory): number {
  let total = 0;
  for (const part of archive.spans.values()) {
    // The first object reaching past the starting point; it may begin a little before it.
    const first = part.span.afterId === ZERO_ID ? 1 : (part.objects.find((o) => compareEntryIds(o.lastId, part.span.afterId) > 0)?.firstSeq ?? 1);
    total += Math.max(0, part.span.untilSeq - first + 1);
  }
  return total;
}

/**
 * Writes what `target.failed` holds to the group's dead letters, leaving out entries the group
 * has dead-lettered before (a rebuild re-meets the entries live consumption gave up on).
 * Returns how many it wrote.
 */
export async function writeHistoryDeadLetters(deps: HistoryDeps, group: string, target: HistoryTarget): Promise<number> {
  if (target.failed.length === 0) return 0;
  const deadStream = deps.keys.dead(group);
  const known = new Set((await listDeadLetters(deps.redis, deadStream, 1_000_000)).map((d) => `${d.stream} ${d.id}`));
  const fresh = target.failed.filter((f) => !known.has(`${f.entry.stream} ${f.entry.id}`));
  await writeDeadLetters(deps.redis, deadStream, group, fresh);
  target.failed.length = 0;
  return fresh.length;
}
