/**
 * `ichnos replay G --from … --rebuild` (DESIGN §3): re-projects a group's history into shadow
 * copies of its tables while the live tables keep serving, then swaps them in with one
 * `RENAME TABLE` and moves the group to where the rebuild stopped.
 *
 * The swap holds the group's checkpoint rows locked: live consumers of the group wait at their
 * next batch, the rebuild applies what arrived meanwhile, renames, repositions, commits. After
 * that the live consumers carry on from the rebuild's position (entries they still hold at or
 * below it are skipped as already applied).
 */
import { lockCheckpoint, insertCheckpoint, resetCheckpoint, stampCheckpoints } from "../db/stream-checkpoint.ts";
import { createDeclaredTables } from "../db/declared-tables.ts";
import type { ArchivedHistory } from "../archive/archive-spans.ts";
import type { Pool } from "../db/pool.ts";
import { withTransaction } from "../db/tx.ts";
import { createShadowTables, dropRetiredTables, dropShadowTables, rowCount, shadowTable, swapInShadowTables } from "../db/shadow-tables.ts";
import {
  applyArchivedHistory, applyStreamTail, type Cursor, entriesAfter, type HistoryDeps, type HistoryTarget, startCursor, writeHistoryDeadLetters,
} from "./apply-history.ts";
import { type AnyConsumer, tableDefinitions, tableNames } from "./define-consumer.ts";
import { consumerStamp } from "./consumer-version.ts";
import { afterRebuildContext } from "./project-context.ts";
import type { From } from "./positions.ts";
import { moveGroupTo } from "./stream-commands.ts";

export type RebuildDeps = HistoryDeps;


export interface RebuildProgress {
  readonly done: number;
  readonly total: number;
  readonly phase: "replaying" | "swapping" | "done";
}

/**
 * Where a rebuild's history comes from. `cursors` are where the group will stand on each
 * stream it reads once everything is applied; `catchUp` runs inside the swap, while the
 * group's live consumers wait, and brings the cursors to what the streams hold then.
 */
export interface RebuildSource {
  readonly cursors: readonly Cursor[];
  total(): Promise<number>;
  replay(target: HistoryTarget, onApplied: (n: number) => void): Promise<void>;
  catchUp(target: HistoryTarget, onApplied: (n: number) => void): Promise<void>;
}

/** The group's own streams: the archived part first (reports partitions), then the retained entries. */
async function streamSource(deps: RebuildDeps, consumer: AnyConsumer, from: From, archive: ArchivedHistory | undefined): Promise<RebuildSource> {
  const cursors: Cursor[] = [];
  for (const stream of deps.keys.resolve(consumer.reads)) cursors.push(await startCursor(deps, stream, from, archive));
  return {
    cursors,
    total: () => entriesAfter(deps, cursors),
    async replay(target, onApplied) {
      if (archive) await applyArchivedHistory(deps, consumer, target, cursors, archive, onApplied);
      await applyStreamTail(deps, consumer, target, cursors, onApplied);
    },
    catchUp: async (target, onApplied) => void (await applyStreamTail(deps, consumer, target, cursors, onApplied)),
  };
}

/** The rebuilt tables hold fewer rows than the live ones: nothing was swapped. */
export class FewerRowsError extends Error {}

export interface RebuildOptions {
  readonly onProgress?: (p: RebuildProgress) => void;
  /** Swap in even when a rebuilt table holds fewer rows than the live one. */
  readonly allowFewerRows?: boolean;
  /** History older than the retained streams, read from the reports archive first. */
  readonly archive?: ArchivedHistory;
  /** Another source than the group's own streams (pipeline/rederive.ts). */
  readonly source?: RebuildSource;
}

export async function rebuildGroup(
  deps: RebuildDeps, consumer: AnyConsumer, from: From, options: RebuildOptions = {},
): Promise<{ applied: number; deadLettered: number; streams: { stream: string; lastId: string }[] }> {
  const onProgress = options.onProgress ?? (() => undefined);
  const tables = tableNames(consumer);
  const definitions = tableDefinitions(consumer);
  if (tables.length === 0) {
    throw new Error(`group ${consumer.name} keeps no tables of its own, so there is nothing to rebuild; use replay without --rebuild`);
  }
  const log = deps.log.child({ group: consumer.name, rebuild: true });
  const intoShadow: HistoryTarget = { table: shadowTable, rebuilding: true, consumer: "rebuild", failed: [] };
  // A new version may declare a table the live projection lacks: the swap needs both sides.
  await createDeclaredTables(deps.pool, definitions);
  await createShadowTables(deps.pool, tables, definitions);
  try {
    if (consumer.seedRebuild) await withTransaction(deps.pool, (tx) => consumer.seedRebuild!({ tx, log, table: shadowTable }));
    const source = options.source ?? (await streamSource(deps, consumer, from, options.archive));
    let total = await source.total();
    let done = 0;
    const progress = (n: number) => {
      done += n;
      total = Math.max(total, done);
      onProgress({ done, total, phase: "replaying" });
    };
    await source.replay(intoShadow, progress);
    log.info({ applied: done }, "history replayed into shadow tables; swapping them in");
    onProgress({ done, total, phase: "swapping" });
    const deadLettered = await swapIn(deps, consumer, tables, source, intoShadow, progress, options.allowFewerRows ?? false);
    onProgress({ done, total: done, phase: "done" });
    if (consumer.afterRebuild) await withTransaction(deps.pool, (tx) => consumer.afterRebuild!(afterRebuildContext({ tx, log, redis: deps.redis, keys: deps.keys })));
    return { applied: done, deadLettered, streams: source.cursors.map((c) => ({ stream: c.stream, lastId: c.lastId })) };
  } finally {
    await dropShadowTables(deps.pool, tables);
  }
}

/**
 * A projection rebuilt from complete history holds at least what the live one holds (stations,
 * areas and grid cells are never forgotten by replaying more); fewer rows mean history or logic
 * the rebuild did not have, so the live tables stay. Counted while the live consumers are
 * paused, so neither side moves, and not on the gate's connection: a table read inside its
 * transaction stays metadata-locked until the commit, and the RENAME would wait for it forever.
 */
async function assertNoFewerRows(pool: Pool, consumer: AnyConsumer, tables: readonly string[]): Promise<void> {
  const short: string[] = [];
  for (const t of tables) {
    const [live, rebuilt] = [await rowCount(pool, t), await rowCount(pool, shadowTable(t))];
    if (rebuilt < live) short.push(`${t}: ${rebuilt} rows rebuilt, ${live} live`);
  }
  if (short.length > 0) {
    throw new FewerRowsError(
      `ichnos replay: the rebuild of ${consumer.name} produced fewer rows than the live tables hold, so nothing was swapped ` +
        `(the live tables are unchanged): ${short.join("; ")}. Check that the replay started early enough and that the ` +
        "projection's code matches the one that built the live tables; if the smaller result is what you want, run it again with --allow-fewer-rows",
    );
  }
}

/** Returns how many entries that failed during the rebuild it dead-lettered. */
async function swapIn(
  deps: RebuildDeps, consumer: AnyConsumer, tables: readonly string[], source: RebuildSource, intoShadow: HistoryTarget,
  progress: (n: number) => void, allowFewerRows: boolean,
): Promise<number> {
  const { cursors } = source;
  const deadLettered = await withTransaction(deps.pool, async (gate) => {
    // Pauses the group's live consumers: each takes this lock before it applies a batch.
    for (const c of cursors) {
      if (!(await lockCheckpoint(gate, consumer.name, c.stream))) {
        await insertCheckpoint(gate, consumer.name, c.stream, c.lastId, c.lastEntry, consumerStamp(consumer));
      }
    }
    await source.catchUp(intoShadow, progress);
    if (!allowFewerRows) await assertNoFewerRows(deps.pool, consumer, tables);
    for (const c of cursors) {
      await resetCheckpoint(gate, consumer.name, c.stream, c.lastId, c.lastEntry);
      await moveGroupTo(deps.redis, c.stream, consumer.name, c.lastId);
    }
    // The tables now hold what this code projects: later batches of older code stop (consumer-version.ts).
    await stampCheckpoints(gate, consumer.name, consumerStamp(consumer));
    // Entries the rebuilt tables lack because they failed: written before the swap, so a crash
    // after it cannot lose them (one before it leaves dead letters for the retry to skip).
    const written = await writeHistoryDeadLetters(deps, consumer.name, intoShadow);
    // The rename goes last: it cannot be rolled back, everything before it can (a Redis group
    // moved without its checkpoint is reconciled by the runtime on its next batch).
    await swapInShadowTables(deps.pool, tables);
    return written;
  });
  await dropRetiredTables(deps.pool, tables);
  return deadLettered;
}
