/**
 * The demo's monthly history on /stats: SYNTHETIC. A fresh installation has one day of `stat`
 * rows, so the charts would show one point. This moves part of each running total back in time
 * along a growth curve: on the first of each of the past months a share of today's total is
 * added, and the same amount taken off again today, through `addToStat`, the function the
 * stat roll-up job writes with. Today's totals stay what the pipeline counted; only the days
 * before today are invented.
 */
import type { Pool } from "../../src/db/pool.ts";
import { addToStat } from "../../src/db/stat.ts";
import { withTransaction } from "../../src/db/tx.ts";

export interface StatAddition {
  readonly key: number;
  /** YYYY-MM-DD. */
  readonly day: string;
  readonly amount: number;
}

/** The first of the month `monthsAgo` months before `today` (YYYY-MM-DD). */
const firstOfMonthBefore = (today: string, monthsAgo: number): string => {
  const d = new Date(`${today.slice(0, 7)}-01T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() - monthsAgo);
  return d.toISOString().slice(0, 10);
};

/**
 * Per key with a total, additions on the first of each of the past `months` months that make
 * its running total grow from a few per cent to most of `totals` by last month, oldest first,
 * and the one subtraction today that leaves today's total as it was.
 */
export function planDemoHistory(totals: ReadonlyMap<number, number>, today: string, months: number): StatAddition[] {
  const plan: StatAddition[] = [];
  for (const [key, total] of totals) {
    if (total <= 0 || months <= 0) continue;
    let before = 0;
    for (let ago = months; ago >= 1; ago--) {
      const value = Math.floor(total * ((months + 1 - ago) / (months + 1)) ** 1.6);
      if (value > before) plan.push({ key, day: firstOfMonthBefore(today, ago), amount: value - before });
      before = Math.max(before, value);
    }
    if (before > 0) plan.push({ key, day: today, amount: -before });
  }
  return plan;
}

/** Applies the plan in one transaction: the running totals are never seen half-moved. */
export async function writeDemoHistory(pool: Pool, plan: readonly StatAddition[]): Promise<void> {
  await withTransaction(pool, async (tx) => {
    for (const a of plan) await addToStat(tx, a.key, a.day, a.amount);
  });
}
