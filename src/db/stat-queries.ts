/**
 * What the statistics pages read from `stat` (SPEC §4.12): the running totals of the latest day
 * up to today, and a key's monthly maxima over a window. One query each.
 */
import type { RowDataPacket } from "mysql2/promise";
import type { Pool } from "./pool.ts";

/** Per key, the value of its latest row on or before `day` (YYYY-MM-DD). */
export async function loadLatestTotals(db: Pick<Pool, "query">, day: string): Promise<Map<number, number>> {
  const [rows] = await db.query<RowDataPacket[]>(
    `SELECT s.\`key\`, CAST(s.value AS CHAR) AS value FROM stat s
       JOIN (SELECT \`key\`, MAX(time) AS time FROM stat WHERE time <= ? GROUP BY \`key\`) latest
         ON latest.\`key\` = s.\`key\` AND latest.time = s.time`, [day]);
  return new Map(rows.map((r) => [Number(r.key), Number(r.value)]));
}

/** The largest value of `key` in each month from `since` on, oldest month first. */
export async function loadMonthlyMaxima(db: Pick<Pool, "query">, key: number, since: string): Promise<{ month: string; value: number }[]> {
  const [rows] = await db.query<RowDataPacket[]>(
    `SELECT DATE_FORMAT(time, '%Y-%m-01') AS month, CAST(MAX(value) AS CHAR) AS value FROM stat
      WHERE \`key\` = ? AND time >= ? GROUP BY month ORDER BY month`, [key, since]);
  return rows.map((r) => ({ month: r.month as string, value: Number(r.value) }));
}
