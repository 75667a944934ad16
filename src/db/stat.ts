/**
 * `stat` (SPEC §5.6, §4.12): cumulative running totals per key and day. Keys: cell=1,
 * unique_cell=2, wifi=3, unique_wifi=4, blue=8, unique_blue=9.
 */
import type { RowDataPacket } from "mysql2/promise";
import type { StatCounterName } from "./stat-counter.ts";
import type { Pool, PoolConnection } from "./pool.ts";

export const STAT_KEYS: Readonly<Record<StatCounterName, number>> = {
  cell: 1, unique_cell: 2, wifi: 3, unique_wifi: 4, blue: 8, unique_blue: 9,
};

/**
 * Adds `amount` counted on `day` to the running totals: the day's row (created from the most
 * recent earlier total when missing) and every later row, which include that day by definition.
 */
export async function addToStat(tx: PoolConnection, key: number, day: string, amount: number): Promise<void> {
  const [rows] = await tx.query<RowDataPacket[]>(
    "SELECT CAST(value AS CHAR) AS value FROM stat WHERE `key` = ? AND time < ? ORDER BY time DESC LIMIT 1 FOR UPDATE", [key, day]);
  const before = rows[0] ? Number(rows[0].value) : 0;
  await tx.query(
    "INSERT INTO stat (`key`, time, value) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE value = value + ?", [key, day, before + amount, amount]);
  await tx.query("UPDATE stat SET value = value + ? WHERE `key` = ? AND time > ?", [amount, key, day]);
}

export async function loadStats(db: Pool | PoolConnection): Promise<{ key: number; day: string; value: number }[]> {
  const [rows] = await db.query<RowDataPacket[]>(
    "SELECT `key`, DATE_FORMAT(time, '%Y-%m-%d') AS day, CAST(value AS CHAR) AS value FROM stat ORDER BY `key`, time");
  return rows.map((r) => ({ key: Number(r.key), day: r.day as string, value: Number(r.value) }));
}

export async function deleteStatsBefore(db: Pool, day: string): Promise<number> {
  const [result] = await db.query("DELETE FROM stat WHERE time < ?", [day]);
  return (result as { affectedRows: number }).affectedRows;
}
