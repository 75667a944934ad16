/**
 * `stat_counter`: daily observation and new-station counts (SPEC §4.8 step 6, §4.12). Each
 * station projector adds to its own rows in its batch transaction, so counts are exactly-once
 * and no two projectors ever wait on the same row; readers sum over the shards.
 */
import type { RowDataPacket } from "mysql2/promise";
import type { Pool, PoolConnection } from "./pool.ts";

export const STAT_COUNTER_NAMES = ["cell", "unique_cell", "wifi", "unique_wifi", "blue", "unique_blue"] as const;
export type StatCounterName = (typeof STAT_COUNTER_NAMES)[number];

export interface CounterIncrement {
  readonly name: StatCounterName;
  /** UTC day, YYYY-MM-DD. */
  readonly day: string;
  readonly value: number;
}

export async function addStatCounters(tx: PoolConnection, shard: string, increments: readonly CounterIncrement[]): Promise<void> {
  const rows = increments.filter((i) => i.value > 0).map((i) => [i.name, i.day, shard, i.value]);
  if (rows.length === 0) return;
  await tx.query("INSERT INTO stat_counter (name, day, shard, value) VALUES ? ON DUPLICATE KEY UPDATE value = value + VALUES(value)", [rows]);
}

export interface CounterTotal {
  readonly name: StatCounterName;
  readonly day: string;
  readonly value: number;
}

/**
 * Per name and day, the sum over every shard's row, oldest day first. `lock` locks the rows
 * read (and the gaps between them) so nothing is added between summing and clearing.
 */
export async function sumStatCounters(db: Pool | PoolConnection, lock = false): Promise<CounterTotal[]> {
  const [rows] = await db.query<RowDataPacket[]>(
    `SELECT name, DATE_FORMAT(day, '%Y-%m-%d') AS day, CAST(SUM(value) AS CHAR) AS total FROM stat_counter
     GROUP BY name, day ORDER BY day, name${lock ? " FOR UPDATE" : ""}`);
  return rows.map((r) => ({ name: r.name as StatCounterName, day: r.day as string, value: Number(r.total) }));
}

/** Empties a counter after the roll-up moved its sum into `stat` (rows locked by the sum). */
export async function clearStatCounters(tx: PoolConnection, name: StatCounterName, day: string): Promise<void> {
  await tx.query("DELETE FROM stat_counter WHERE name = ? AND day = ?", [name, day]);
}
