/**
 * `update_statcounter` (SPEC §4.12): moves the daily counters into the `stat` running totals.
 * Counters and totals change in one transaction, so a count is never added twice or lost. Unlike
 * Ichnaea, which looks only at yesterday and today, every day with counts is rolled up (a worker
 * that was down for days catches up), and a late count also raises the later days' totals.
 */
import type { Pool } from "../db/pool.ts";
import { withTransaction } from "../db/tx.ts";
import { addToStat, STAT_KEYS } from "../db/stat.ts";
import { clearStatCounters, sumStatCounters } from "../db/stat-counter.ts";

export async function rollUpStatCounters(pool: Pool): Promise<{ days: number; added: number }> {
  return withTransaction(pool, async (tx) => {
    const totals = await sumStatCounters(tx, true);
    let added = 0;
    for (const t of totals) {
      if (t.value > 0) await addToStat(tx, STAT_KEYS[t.name], t.day, t.value);
      await clearStatCounters(tx, t.name, t.day);
      added += t.value;
    }
    return { days: new Set(totals.map((t) => t.day)).size, added };
  });
}
