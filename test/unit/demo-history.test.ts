/** The demo seeder's synthetic /stats history (scripts/demo/history.ts), from plain values. */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { planDemoHistory } from "../../scripts/demo/history.ts";

const S = suite("demo history");

/** The running total each planned day ends with, starting from `today` alone holding `total`. */
function runningTotals(plan: ReturnType<typeof planDemoHistory>, key: number, total: number, today: string): Map<string, number> {
  const days = new Map<string, number>([[today, total]]);
  for (const a of plan.filter((p) => p.key === key)) {
    if (!days.has(a.day)) days.set(a.day, [...days].filter(([d]) => d < a.day).sort().at(-1)?.[1] ?? 0);
    for (const [d, v] of days) if (d >= a.day) days.set(d, v + a.amount);
  }
  return new Map([...days].sort());
}

S("the history grows month by month up to today's total, which stays what it was", () => {
  const plan = planDemoHistory(new Map([[4, 86_548]]), "2026-12-03", 11);
  const totals = runningTotals(plan, 4, 86_548, "2026-12-03");
  assert.equal([...totals.keys()].slice(0, 2), ["2026-01-01", "2026-02-01"]);
  assert.is(totals.size, 12, "eleven months before today, and today");
  assert.is(totals.get("2026-12-03"), 86_548);
  const values = [...totals.values()];
  for (let i = 1; i < values.length; i++) assert.ok(values[i]! > values[i - 1]!, `month ${i} grows`);
  assert.is(plan.at(-1)!.day, "2026-12-03", "taken off again today");
});

S("keys with nothing counted, and zero months, plan nothing", () => {
  assert.equal(planDemoHistory(new Map([[1, 0]]), "2026-12-03", 11), []);
  assert.equal(planDemoHistory(new Map([[1, 500]]), "2026-12-03", 0), []);
});

S("months cross the year boundary", () => {
  const days = planDemoHistory(new Map([[3, 1000]]), "2026-02-15", 3).map((a) => a.day);
  assert.equal(days, ["2025-11-01", "2025-12-01", "2026-01-01", "2026-02-15"]);
});

S.run();
