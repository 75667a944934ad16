/**
 * `update_statcounter` (SPEC §4.12): moves the daily counters into the `stat` running totals.
 * Counters and totals change in one transaction, so a count is never added twice or lost. Unlike
 * Ichnaea, which looks only at yesterday and today, every day with counts is rolled up (a worker
 * that was down for days catches up), and a late count also raises the later days' totals.
 */
import type { Pool } from "../db/pool.ts";
import { addToStat, STAT_KEYS } from "../db/stat.ts";
import { clearStatCounters, sumStatCounters } from "../db/stat-counter.ts";

export async function rollUpStatCounters(pool: Pool): Promise<{ days: number; added: number }> {
  const conn = await pool.getConnection();
  try {
    await conn.beginTransaction();
    const totals = await sumStatCounters(conn, true);
    let added = 0;
    for (const t of totals) {
      if (t.value > 0) await addToStat(conn, STAT_KEYS[t.name], t.day, t.value);
      await clearStatCounters(conn, t.name, t.day);
      added += t.value;
    }
    await conn.commit();
    return { days: new Set(totals.map((t) => t.day)).size, added };
  } catch (err) {
    await conn.rollback().catch(() => undefined);
    throw err;
  } finally {
    conn.release();
  }
}
