/**
 * The one apply engine. Live batches (apply-batch.ts), replays and rebuilds (apply-history.ts)
 * and dead-letter retries (dead-letter-retry.ts) differ only in where they read entries and what
 * they record about their position; what happens to the entries is decided here, the same way for
 * all: an entry that does not decode, or whose payload is not of its stream's type, or that the
 * loop policy gave up on, becomes a dead letter; the others are projected, in one call, through
 * the one context (project-context.ts), inside the caller's transaction (db/tx.ts).
 */
import type { Pool, PoolConnection } from "../db/pool.ts";
import { withTransaction } from "../db/tx.ts";
import { sleep } from "../util/sleep.ts";
import type { RegionLookup } from "../geo/region-lookup.ts";
import type { Logger } from "../logger.ts";
import type { RedisClient } from "../redis/create-redis.ts";
import type { DeadLetterInput } from "./dead-letters.ts";
import type { AnyConsumer } from "./define-consumer.ts";
import { encodePayload, projectionEntry } from "./entry.ts";
import type { Keys } from "./keys.ts";
import { projectContext } from "./project-context.ts";
import { classifyFailure } from "./failure-kind.ts";
import { backOffMs, type FailureKind } from "./loop-policy.ts";
import { payloadCheck } from "./streams.ts";

/** What stays the same while one group applies entries of one stream. */
export interface ApplyEngine {
  readonly consumer: AnyConsumer;
  /** The stream's Redis key. */
  readonly streamKey: string;
  readonly redis: RedisClient;
  readonly keys: Keys;
  readonly log: Logger;
  /** The consumer name the projection's context carries. */
  readonly consumerName: string;
  readonly regions?: RegionLookup;
  /** Where rows go: a rebuild's shadow tables; absent: the live ones. */
  readonly table?: (name: string) => string;
  readonly rebuilding?: boolean;
  /** Why a decoded payload is not one of the stream's, or null; null: nothing to check. */
  readonly payloadProblem: ((data: unknown) => string | null) | null;
}

export interface EngineParts extends Omit<ApplyEngine, "payloadProblem"> {}

/** The engine of `parts`, checking payloads against the stream's catalogue entry (streams.ts). */
export function applyEngine(parts: EngineParts): ApplyEngine {
  return { ...parts, payloadProblem: payloadCheck(parts.keys.catalogue, parts.keys.logicalName(parts.streamKey), parts.consumer) };
}

/** An entry as any path holds it: read from Redis, from the archive, or derived again. */
export interface ApplicableEntry {
  readonly id: string;
  readonly seq: number;
  readonly version: number;
  readonly data: unknown;
  /** The payload's text as stored, when the path has it (archived lines that did not decode). */
  readonly text?: string;
  /** A Redis entry's fields (RawEntry): its payload's text is `d`. */
  readonly fields?: Readonly<Record<string, string>>;
  /** Why the entry does not decode. */
  readonly error?: string;
}

/** The payload's text as stored, when the path holds it. */
const storedText = (e: ApplicableEntry): string | undefined => e.fields?.d ?? e.text;

/** The dead letter of `entry`, carrying its payload exactly as stored when the path has it. */
export function deadLetterOf(streamKey: string, entry: ApplicableEntry, error: string, deliveries: number): DeadLetterInput {
  const text = storedText(entry) ?? JSON.stringify(entry.data) ?? "";
  return { entry: { stream: streamKey, id: entry.id, seq: entry.seq, version: entry.version, fields: { d: text }, data: entry.data }, error, deliveries };
}

export interface Sorted<E extends ApplicableEntry> {
  readonly project: E[];
  readonly dead: DeadLetterInput[];
}

/**
 * Splits `entries` into those to project and the dead letters: undecodable entries and payloads
 * of another type at once (retrying cannot change them), and those in `giveUp`, which failed
 * every attempt the loop policy allows (loop-policy.ts).
 */
export function sortEntries<E extends ApplicableEntry>(
  engine: ApplyEngine, entries: readonly E[], giveUp?: ReadonlyMap<string, { readonly error: string; readonly deliveries: number }>,
): Sorted<E> {
  const project: E[] = [];
  const dead: DeadLetterInput[] = [];
  for (const entry of entries) {
    const problem = entry.error ?? engine.payloadProblem?.(entry.data) ?? null;
    const givenUp = giveUp?.get(entry.id);
    if (problem !== null) dead.push(deadLetterOf(engine.streamKey, entry, `undecodable entry: ${problem}`, 1));
    else if (givenUp) dead.push(deadLetterOf(engine.streamKey, entry, givenUp.error, givenUp.deliveries));
    else project.push(entry);
  }
  return { project, dead };
}

/**
 * The projection itself threw: the entries' failure, as opposed to the runtime's own statements
 * (checkpoint, dead letters) failing in the same transaction. `error` is what it threw.
 */
export class ProjectionFailure extends Error {
  readonly error: unknown;
  constructor(error: unknown) {
    super(error instanceof Error ? error.message : String(error));
    this.name = "ProjectionFailure";
    this.error = error;
  }
}

/**
 * Projects `entries` (already sorted: sortEntries) in one call of the consumer's `project`, in
 * `tx`. A throw from the projection comes out as a ProjectionFailure, so that the caller's
 * transaction rolls back and the caller can tell it apart. What the projection asked to run after
 * the commit goes to `onCommit`; the caller runs it once `tx` has committed.
 */
export async function projectEntries(
  tx: PoolConnection, engine: ApplyEngine, entries: readonly ApplicableEntry[], onCommit: (fn: () => void) => void,
): Promise<void> {
  if (entries.length === 0) return;
  const { consumer, streamKey } = engine;
  const asText = consumer.payload === "text";
  const list = entries.map((e) => projectionEntry(streamKey, e, asText ? (storedText(e) ?? encodePayload(e.data)) : undefined));
  const ctx = projectContext({
    tx, log: engine.log, group: consumer.name, streamKey, redis: engine.redis, keys: engine.keys, consumer: engine.consumerName,
    regions: engine.regions, table: engine.table, rebuilding: engine.rebuilding, onCommit,
  });
  try {
    await consumer.project(list, ctx);
  } catch (error) {
    throw new ProjectionFailure(error);
  }
}

/** Runs a committed batch's `afterCommit` callbacks; one that throws is logged, never undoes the commit. */
export function runCommitted(callbacks: readonly (() => void)[], log: Logger): void {
  for (const fn of callbacks) {
    try {
      fn();
    } catch (err) {
      log.error({ err }, "an afterCommit callback failed; the batch stays committed");
    }
  }
}

/** What a ProjectionFailure carries, else the error itself. */
export const projectionError = (err: unknown): unknown => (err instanceof ProjectionFailure ? err.error : err);

const LOCK_RETRIES = 5;

/**
 * `entries` projected in a transaction of their own, for the paths that keep no checkpoint
 * (replays, rebuilds, dead-letter retries). A lock conflict rolls back and is retried whole after
 * the loop policy's back-off, as the live loop retries it; any other failure is returned with
 * its kind (failure-kind.ts) for the caller's policy. Null: committed.
 */
export async function projectInTransaction(
  pool: Pool, engine: ApplyEngine, entries: readonly ApplicableEntry[],
): Promise<{ readonly error: unknown; readonly kind: FailureKind } | null> {
  for (let conflicts = 0; ; conflicts++) {
    try {
      const committed: (() => void)[] = [];
      await withTransaction(pool, (tx) => projectEntries(tx, engine, entries, (fn) => committed.push(fn)));
      runCommitted(committed, engine.log);
      return null;
    } catch (err) {
      const error = projectionError(err) ?? new Error("projection failed");
      const kind = classifyFailure(error);
      if (kind !== "lock-conflict" || conflicts >= LOCK_RETRIES) return { error, kind };
      await sleep(backOffMs(conflicts + 1, Math.random()));
    }
  }
}
