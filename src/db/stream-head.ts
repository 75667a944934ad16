/**
 * `stream_head`: the highest sequence number each stream was seen to hold, with its entry id.
 * With the groups' checkpoints it is what is known, after Redis loses entries, of the entries
 * that existed: a known (id, seq) pair says that every sequence number up to seq existed.
 */
import type { RowDataPacket } from "mysql2/promise";
import type { Pool, PoolConnection } from "./pool.ts";

type Queryable = Pool | PoolConnection;

/** An entry known to have existed: its id and its dense sequence number. */
export interface KnownEntry {
  readonly id: string;
  readonly seq: number;
}

/** Keeps each stream's row at the highest sequence number seen; one statement for all streams. */
export async function recordStreamHeads(db: Queryable, heads: readonly { stream: string; id: string; seq: number }[]): Promise<void> {
  if (heads.length === 0) return;
  const rows = heads.map((h) => {
    const [ms, seq] = h.id.split("-");
    return [h.stream, ms ?? "0", seq ?? "0", h.seq];
  });
  // last_entry is assigned last: MySQL evaluates SET assignments left to right, so the IF()s
  // must still see the old value.
  await db.query(
    `INSERT INTO stream_head (stream, last_ms, last_seq, last_entry, updated_at)
     VALUES ${rows.map(() => "(?, ?, ?, ?, UTC_TIMESTAMP(3))").join(", ")}
     ON DUPLICATE KEY UPDATE
       last_ms = IF(VALUES(last_entry) > last_entry, VALUES(last_ms), last_ms),
       last_seq = IF(VALUES(last_entry) > last_entry, VALUES(last_seq), last_seq),
       updated_at = IF(VALUES(last_entry) > last_entry, VALUES(updated_at), updated_at),
       last_entry = GREATEST(last_entry, VALUES(last_entry))`,
    rows.flat(),
  );
}

function toKnown(row: RowDataPacket): KnownEntry {
  return { id: `${row.last_ms}-${row.last_seq}`, seq: Number(row.last_entry) };
}

/**
 * The known entry with the highest sequence number of one stream, from any group's checkpoint
 * or the recorded head; with `beforeId`, only among those with a lower entry id.
 */
export async function loadKnownHead(db: Queryable, stream: string, beforeId?: string): Promise<KnownEntry | null> {
  const [ms, seq] = (beforeId ?? "").split("-");
  const [rows] = await db.query<RowDataPacket[]>(
    `SELECT CAST(last_ms AS CHAR) AS last_ms, CAST(last_seq AS CHAR) AS last_seq, CAST(last_entry AS CHAR) AS last_entry
       FROM (SELECT last_ms, last_seq, last_entry FROM stream_checkpoint WHERE stream = ?
             UNION ALL SELECT last_ms, last_seq, last_entry FROM stream_head WHERE stream = ?) AS known
      ${beforeId === undefined ? "" : "WHERE last_ms < ? OR (last_ms = ? AND last_seq < ?)"}
      ORDER BY last_entry DESC LIMIT 1`,
    beforeId === undefined ? [stream, stream] : [stream, stream, ms, ms, seq ?? "0"],
  );
  return rows[0] ? toKnown(rows[0]) : null;
}

/** Every recorded head, by stream key. */
export async function loadStreamHeads(db: Queryable): Promise<Map<string, KnownEntry>> {
  const [rows] = await db.query<RowDataPacket[]>(
    `SELECT stream, CAST(last_ms AS CHAR) AS last_ms, CAST(last_seq AS CHAR) AS last_seq, CAST(last_entry AS CHAR) AS last_entry
       FROM stream_head`,
  );
  return new Map(rows.map((r) => [r.stream as string, toKnown(r)]));
}
