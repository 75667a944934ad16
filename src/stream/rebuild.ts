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
import { lockCheckpoint, insertCheckpoint, resetCheckpoint } from "../db/stream-checkpoint.ts";
import type { RowDataPacket } from "mysql2/promise";
import { readArchiveSpan } from "../archive/archive-reader.ts";
import type { ArchivedHistory } from "../archive/archive-spans.ts";
import type { Pool, PoolConnection } from "../db/pool.ts";
import type { Logger } from "../logger.ts";
import type { RedisClient } from "../redis/create-redis.ts";
import type { AnyConsumer } from "./define-consumer.ts";
import type { RawEntry } from "./entry.ts";
import type { Keys } from "./keys.ts";
import { positionBefore, type From } from "./positions.ts";
import { createGroup, groupInfo, readRange, setGroupId } from "./stream-commands.ts";

export const shadowTable = (table: string): string => `${table}__rebuild`;
const retiredTable = (table: string): string => `${table}__old`;

export interface RebuildProgress {
  readonly done: number;
  readonly total: number;
  readonly phase: "replaying" | "swapping" | "done";
}

export interface RebuildDeps {
  readonly redis: RedisClient;
  readonly pool: Pool;
  readonly keys: Keys;
  readonly log: Logger;
}

interface Cursor {
  readonly stream: string;
  lastId: string;
  lastEntry: number;
}

const READ_CHUNK = 500;

async function inTransaction<T>(pool: Pool, fn: (conn: PoolConnection) => Promise<T>): Promise<T> {
  const conn = await pool.getConnection();
  try {
    await conn.beginTransaction();
    const out = await fn(conn);
    await conn.commit();
    return out;
  } catch (err) {
    await conn.rollback().catch(() => undefined);
    throw err;
  } finally {
    conn.release();
  }
}

/**
 * Projects `entries` (consecutive, of the cursor's stream) into the shadow tables in one
 * transaction and moves the cursor past them; undecodable ones are stepped over, as the live
 * runtime dead-letters them.
 */
async function applyToShadow(
  deps: RebuildDeps, consumer: AnyConsumer, cursor: Cursor, entries: readonly { id: string; seq: number; version: number; data: unknown; error?: string }[],
): Promise<void> {
  const good = entries.filter((e) => !e.error);
  if (good.length > 0) {
    await inTransaction(deps.pool, (tx) => consumer.project(
      good.map((e) => ({ stream: cursor.stream, id: e.id, seq: e.seq, version: e.version, data: e.data })),
      { tx, log: deps.log, group: consumer.name, stream: cursor.stream, consumer: "rebuild", table: shadowTable, rebuilding: true },
    ));
  }
  const last = entries[entries.length - 1]!;
  cursor.lastId = last.id;
  cursor.lastEntry = last.seq;
}

/** Applies every entry after each cursor up to the stream's current end; returns how many. */
async function catchUp(deps: RebuildDeps, consumer: AnyConsumer, cursors: readonly Cursor[], onApplied: (n: number) => void): Promise<number> {
  const batchSize = consumer.batchSize ?? READ_CHUNK;
  let applied = 0;
  for (const cursor of cursors) {
    for (;;) {
      const entries: RawEntry[] = await readRange(deps.redis, cursor.stream, `(${cursor.lastId}`, batchSize);
      if (entries.length === 0) break;
      await applyToShadow(deps, consumer, cursor, entries);
      applied += entries.length;
      onApplied(entries.length);
      if (entries.length < batchSize) break;
    }
  }
  return applied;
}

async function streamTotal(deps: RebuildDeps, cursors: readonly Cursor[]): Promise<number> {
  let total = 0;
  for (const c of cursors) total += Math.max(0, Number(await deps.redis.get(deps.keys.sequence(c.stream)) ?? 0) - c.lastEntry);
  return total;
}

/** The rebuilt tables hold fewer rows than the live ones: nothing was swapped. */
export class FewerRowsError extends Error {}

export interface RebuildOptions {
  readonly onProgress?: (p: RebuildProgress) => void;
  /** Swap in even when a rebuilt table holds fewer rows than the live one. */
  readonly allowFewerRows?: boolean;
  /** History older than the retained streams, read from the reports archive first. */
  readonly archive?: ArchivedHistory;
}

/** Applies the archived part of each stream's history, then leaves its cursor at the seam. */
async function replayArchive(deps: RebuildDeps, consumer: AnyConsumer, cursors: Cursor[], archive: NonNullable<RebuildOptions["archive"]>, onApplied: (n: number) => void) {
  const batchSize = consumer.batchSize ?? READ_CHUNK;
  for (const cursor of cursors) {
    const part = archive.spans.get(cursor.stream);
    if (!part) continue;
    for await (const batch of readArchiveSpan(archive.s3, archive.location, part.span, part.objects, batchSize)) {
      await applyToShadow(deps, consumer, cursor, batch);
      onApplied(batch.length);
    }
  }
}

export async function rebuildGroup(
  deps: RebuildDeps, consumer: AnyConsumer, from: From, options: RebuildOptions = {},
): Promise<{ applied: number; streams: { stream: string; lastId: string }[] }> {
  const onProgress = options.onProgress ?? (() => undefined);
  const tables = consumer.tables ?? [];
  if (tables.length === 0) {
    throw new Error(`group ${consumer.name} keeps no tables of its own, so there is nothing to rebuild; use replay without --rebuild`);
  }
  const log = deps.log.child({ group: consumer.name, rebuild: true });
  for (const t of tables) {
    await deps.pool.query(`DROP TABLE IF EXISTS \`${shadowTable(t)}\``);
    await deps.pool.query(`CREATE TABLE \`${shadowTable(t)}\` LIKE \`${t}\``);
  }
  try {
    if (consumer.seedRebuild) await inTransaction(deps.pool, (tx) => consumer.seedRebuild!({ tx, log, table: shadowTable }));
    const cursors: Cursor[] = [];
    for (const stream of deps.keys.resolve(consumer.reads)) {
      const archived = options.archive?.spans.get(stream);
      // A stream read from the archive first starts where the archive span does.
      const p = archived
        ? { id: archived.span.afterId, lastEntry: 0 }
        : await positionBefore(deps.redis, stream, deps.keys.sequence(stream), from);
      cursors.push({ stream, lastId: p.id, lastEntry: p.lastEntry });
    }
    let total = await streamTotal(deps, cursors);
    let done = 0;
    const progress = (n: number) => {
      done += n;
      total = Math.max(total, done);
      onProgress({ done, total, phase: "replaying" });
    };
    if (options.archive) await replayArchive(deps, consumer, cursors, options.archive, progress);
    await catchUp(deps, consumer, cursors, progress);
    log.info({ applied: done }, "history replayed into shadow tables; swapping them in");
    onProgress({ done, total, phase: "swapping" });
    await swapIn(deps, consumer, tables, cursors, progress, options.allowFewerRows ?? false);
    onProgress({ done, total: done, phase: "done" });
    await consumer.afterRebuild?.({ log, pool: deps.pool });
    return { applied: done, streams: cursors.map((c) => ({ stream: c.stream, lastId: c.lastId })) };
  } finally {
    for (const t of tables) await deps.pool.query(`DROP TABLE IF EXISTS \`${shadowTable(t)}\``).catch(() => undefined);
  }
}

async function rowCount(db: Pool, table: string): Promise<number> {
  const [rows] = await db.query<RowDataPacket[]>(`SELECT COUNT(*) AS n FROM \`${table}\``);
  return Number(rows[0]?.n ?? 0);
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

async function swapIn(
  deps: RebuildDeps, consumer: AnyConsumer, tables: readonly string[], cursors: Cursor[], progress: (n: number) => void, allowFewerRows: boolean,
) {
  const gate = await deps.pool.getConnection();
  try {
    await gate.beginTransaction();
    // Pauses the group's live consumers: each takes this lock before it applies a batch.
    for (const c of cursors) {
      if (!(await lockCheckpoint(gate, consumer.name, c.stream))) await insertCheckpoint(gate, consumer.name, c.stream, c.lastId, c.lastEntry);
    }
    await catchUp(deps, consumer, cursors, progress);
    if (!allowFewerRows) await assertNoFewerRows(deps.pool, consumer, tables);
    for (const c of cursors) {
      await resetCheckpoint(gate, consumer.name, c.stream, c.lastId, c.lastEntry);
      const exists = (await groupInfo(deps.redis, c.stream)).some((g) => g.name === consumer.name);
      if (exists) await setGroupId(deps.redis, c.stream, consumer.name, c.lastId);
      else await createGroup(deps.redis, c.stream, consumer.name, c.lastId);
    }
    // The rename goes last: it cannot be rolled back, everything before it can (a Redis group
    // moved without its checkpoint is reconciled by the runtime on its next batch).
    const renames = tables.flatMap((t) => [`\`${t}\` TO \`${retiredTable(t)}\``, `\`${shadowTable(t)}\` TO \`${t}\``]);
    await deps.pool.query(`DROP TABLE IF EXISTS ${tables.map((t) => `\`${retiredTable(t)}\``).join(", ")}`);
    await deps.pool.query(`RENAME TABLE ${renames.join(", ")}`);
    await gate.commit();
  } catch (err) {
    await gate.rollback().catch(() => undefined);
    throw err;
  } finally {
    gate.release();
  }
  await deps.pool.query(`DROP TABLE IF EXISTS ${tables.map((t) => `\`${retiredTable(t)}\``).join(", ")}`);
}
