/**
 * SPEC §6.5 statistics content: the latest day's totals (today's, else the latest earlier ones),
 * the monthly series, the region rows, each served from the Redis cache on the second call and
 * the region rows invalidated when the region statistics are recomputed.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { STAT_KEYS } from "../../src/db/stat.ts";
import { updateRegionStats } from "../../src/jobs/pipeline-jobs.ts";
import { createStatsService, type StatsService } from "../../src/stats/stats-service.ts";
import { insertAreas, insertStat } from "../support/stat-rows.ts";
import { clearContentCache, createWebTestEnv, type WebTestEnv } from "../support/web-setup.ts";

const S = suite<{ env: WebTestEnv }>("statistics content");
const NOW = Date.parse("2026-11-20T10:00:00Z");

S.before(async (ctx) => {
  ctx.env = await createWebTestEnv("stats-content");
});
S.after(async (ctx) => ctx.env.close());
S.before.each(async ({ env }) => {
  for (const t of ["stat", "region_stat", "cell_area", "cell_area_nr"]) await env.pool.query(`DELETE FROM \`${t}\``);
  await clearContentCache(env);
});

const service = (env: WebTestEnv): StatsService =>
  createStatsService({ pool: env.pool, redis: env.redis, prefix: env.keys.prefix, log: env.log, now: () => NOW });

S("/stats uses today's totals, a day without rows the latest earlier ones, and the cache on the second call", async ({ env }) => {
  await insertStat(env.pool, STAT_KEYS.unique_cell, "2026-11-19", 3_289_900);
  await insertStat(env.pool, STAT_KEYS.unique_blue, "2026-11-19", 1_000_000);
  await insertStat(env.pool, STAT_KEYS.unique_blue, "2026-11-20", 1_500_000);
  await insertStat(env.pool, STAT_KEYS.unique_wifi, "2026-11-21", 9_000_000); // tomorrow: not yet
  const stats = service(env);
  const first = await stats.global();
  assert.equal(first.metrics2[0], { name: "MLS Cells", value: "3.28" });
  assert.equal(first.metrics1[0], { name: "Bluetooth Networks", value: "1.50" });
  assert.equal(first.metrics1[2], { name: "Wifi Networks", value: "0.00" });
  await env.pool.query("DELETE FROM stat");
  assert.equal(await stats.global(), first, "served from the cache: the rows are gone");
});

S("/stats_blue.json: the month's largest unique count, over the last year only", async ({ env }) => {
  await insertStat(env.pool, STAT_KEYS.unique_blue, "2026-11-20", 2);
  await insertStat(env.pool, STAT_KEYS.unique_blue, "2026-10-03", 1);
  await insertStat(env.pool, STAT_KEYS.unique_blue, "2025-10-01", 1); // more than a year ago
  await insertStat(env.pool, STAT_KEYS.blue, "2026-11-20", 50); // observations are not charted
  const series = await service(env).series("blue");
  assert.equal(series, { series: [{ title: "MLS Bluetooth", data: [[Date.UTC(2026, 9, 1), 1], [Date.UTC(2026, 10, 1), 2]] }] });
});

S("through HTTP: /stats_cell.json answers the series as JSON", async ({ env }) => {
  await insertStat(env.pool, STAT_KEYS.unique_cell, new Date().toISOString().slice(0, 10), 2);
  const res = await env.app.request("/stats_cell.json");
  assert.is(res.status, 200);
  const first = new Date();
  assert.equal(await res.json(), { series: [{ title: "MLS Cells", data: [[Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), 1), 2]] }] });
});

S("/stats/regions rows follow a recomputation of the region statistics at once", async ({ env }) => {
  await insertAreas(env.pool, [{ radio: "gsm", mcc: 262, mnc: 1, lac: 1, region: "DE", numCells: 2 }]);
  await updateRegionStats(env.services);
  const stats = service(env);
  assert.equal((await stats.regions()).map((r) => [r.code, r.cell]), [["DE", 2]]);
  await insertAreas(env.pool, [{ radio: "nr", mcc: 262, mnc: 1, lac: 2, region: "DE", numCells: 5 }]);
  assert.equal((await stats.regions()).map((r) => [r.code, r.cell]), [["DE", 2]], "cached until recomputed");
  await updateRegionStats(env.services);
  assert.equal((await stats.regions()).map((r) => [r.code, r.gsm, r.nr, r.cell]), [["DE", 2, 5, 7]]);
});

S.run();
