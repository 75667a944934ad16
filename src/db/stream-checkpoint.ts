/**
 * `stream_checkpoint`: one row per (group, stream), written in the same transaction as the
 * projection's own writes. It is the source of truth for a group's position (DESIGN §3).
 */
import type { RowDataPacket } from "mysql2/promise";
import type { Pool, PoolConnection } from "./pool.ts";

export interface Checkpoint {
  readonly group: string;
  readonly stream: string;
  /** Entry id of the last applied (or skipped-as-dead) entry. */
  readonly lastId: string;
  /** Its dense sequence number. */
  readonly lastEntry: number;
  readonly applied: number;
  readonly lost: number;
  readonly updatedAt: Date;
  /** The consumer version and table-definition fingerprint it was written with (0 / '': not recorded). */
  readonly stamp: CheckpointStamp;
}

/** What a group's checkpoints record of the code that wrote them (stream/consumer-version.ts). */
export interface CheckpointStamp {
  readonly version: number;
  readonly definition: string;
}

type Queryable = Pool | PoolConnection;

const COLUMNS = `group_name, stream, CAST(last_ms AS CHAR) AS last_ms, CAST(last_seq AS CHAR) AS last_seq,
  CAST(last_entry AS CHAR) AS last_entry, CAST(applied AS CHAR) AS applied, CAST(lost AS CHAR) AS lost, updated_at, version, definition`;

function toCheckpoint(row: RowDataPacket): Checkpoint {
  return {
    group: row.group_name as string,
    stream: row.stream as string,
    lastId: `${row.last_ms}-${row.last_seq}`,
    lastEntry: Number(row.last_entry),
    applied: Number(row.applied),
    lost: Number(row.lost),
    updatedAt: row.updated_at as Date,
    stamp: { version: Number(row.version), definition: row.definition as string },
  };
}

function splitId(id: string): [string, string] {
  const [ms, seq] = id.split("-");
  return [ms ?? "0", seq ?? "0"];
}

/** Locks the row until the transaction ends, serialising every applier of this group+stream. */
export async function lockCheckpoint(tx: PoolConnection, group: string, stream: string): Promise<Checkpoint | null> {
  const [rows] = await tx.query<RowDataPacket[]>(
    `SELECT ${COLUMNS} FROM stream_checkpoint WHERE group_name = ? AND stream = ? FOR UPDATE`,
    [group, stream],
  );
  return rows[0] ? toCheckpoint(rows[0]) : null;
}

export async function loadCheckpoint(db: Queryable, group: string, stream: string): Promise<Checkpoint | null> {
  const [rows] = await db.query<RowDataPacket[]>(
    `SELECT ${COLUMNS} FROM stream_checkpoint WHERE group_name = ? AND stream = ?`,
    [group, stream],
  );
  return rows[0] ? toCheckpoint(rows[0]) : null;
}

export async function loadCheckpoints(db: Queryable, group?: string): Promise<Checkpoint[]> {
  const [rows] = group
    ? await db.query<RowDataPacket[]>(`SELECT ${COLUMNS} FROM stream_checkpoint WHERE group_name = ? ORDER BY stream`, [group])
    : await db.query<RowDataPacket[]>(`SELECT ${COLUMNS} FROM stream_checkpoint ORDER BY group_name, stream`);
  return rows.map(toCheckpoint);
}

export async function insertCheckpoint(
  db: Queryable, group: string, stream: string, lastId: string, lastEntry: number, stamp: CheckpointStamp = UNRECORDED,
): Promise<void> {
  const [ms, seq] = splitId(lastId);
  await db.query(
    `INSERT IGNORE INTO stream_checkpoint (group_name, stream, last_ms, last_seq, last_entry, applied, lost, updated_at, version, definition)
     VALUES (?, ?, ?, ?, ?, 0, 0, UTC_TIMESTAMP(3), ?, ?)`,
    [group, stream, ms, seq, lastEntry, stamp.version, stamp.definition],
  );
}

export const UNRECORDED: CheckpointStamp = { version: 0, definition: "" };

/** Records on every checkpoint of the group the code it is now projected with. */
export async function stampCheckpoints(db: Queryable, group: string, stamp: CheckpointStamp): Promise<void> {
  await db.query("UPDATE stream_checkpoint SET version = ?, definition = ? WHERE group_name = ?", [stamp.version, stamp.definition, group]);
}

/** Moves the checkpoint forward after a batch; counts applied and lost entries. */
export async function advanceCheckpoint(
  tx: PoolConnection,
  cp: { group: string; stream: string; lastId: string; lastEntry: number; applied: number; lost: number },
): Promise<void> {
  const [ms, seq] = splitId(cp.lastId);
  await tx.query(
    `UPDATE stream_checkpoint SET last_ms = ?, last_seq = ?, last_entry = ?, applied = applied + ?, lost = lost + ?,
       updated_at = UTC_TIMESTAMP(3) WHERE group_name = ? AND stream = ?`,
    [ms, seq, cp.lastEntry, cp.applied, cp.lost, cp.group, cp.stream],
  );
}

/** Repositions a group (replay, or a group re-initialised from its start). */
export async function resetCheckpoint(db: Queryable, group: string, stream: string, lastId: string, lastEntry: number): Promise<void> {
  const [ms, seq] = splitId(lastId);
  await db.query(
    `UPDATE stream_checkpoint SET last_ms = ?, last_seq = ?, last_entry = ?, updated_at = UTC_TIMESTAMP(3)
     WHERE group_name = ? AND stream = ?`,
    [ms, seq, lastEntry, group, stream],
  );
}

/** Forgets a removed group's positions. */
export async function deleteCheckpoints(db: Queryable, group: string): Promise<number> {
  const [result] = await db.query("DELETE FROM stream_checkpoint WHERE group_name = ?", [group]);
  return (result as { affectedRows: number }).affectedRows;
}
