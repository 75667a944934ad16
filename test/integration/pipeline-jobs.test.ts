/**
 * The pipeline's periodic jobs run inside `ichnos work` under a Redis lease (SPEC §4.12, §4.15):
 * the stat roll-up, region stats and the clean-ups, once per interval across all workers.
 */
import type { RowDataPacket } from "mysql2/promise";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { loadStats, STAT_KEYS } from "../../src/db/stat.ts";
import { type CliProcess, startCli } from "../support/cli-process.ts";
import { today } from "../support/pipeline-setup.ts";
import { addCounts } from "../support/stat-rows.ts";
import { waitFor } from "../support/stream-setup.ts";
import { createWebTestEnv, type WebTestEnv } from "../support/web-setup.ts";

const S = suite<{ env: WebTestEnv; workers: CliProcess[] }>("pipeline jobs");

S.before(async (ctx) => {
  ctx.env = await createWebTestEnv("pipeline-jobs");
  ctx.workers = [];
});
S.after.each(async (ctx) => {
  await Promise.all(ctx.workers.splice(0).map((w) => w.stop()));
});
S.after(async (ctx) => ctx.env.close());

S("two workers roll the daily counters up into stat once, and compute region_stat", async (ctx) => {
  const { env } = ctx;
  await addCounts(env.pool, "wifi", today(), { "wifi:3": 4, "wifi:a": 3 });
  await env.pool.query("INSERT INTO cell_area (areaid, radio, mcc, mnc, lac, region, num_cells) VALUES (UNHEX('0000ea001e0064'), 0, 234, 30, 100, 'GB', 5)");
  const cli = {
    DATABASE_URL: env.databaseUrl, REDIS_URL: env.redisUrl, REDIS_PREFIX: env.prefix, STREAM_PARTITIONS: "2",
    STAT_ROLLUP_INTERVAL: "1s", CONSUMER_BLOCK: "100ms",
  };
  ctx.workers.push(startCli(["work"], cli), startCli(["work"], cli));
  const stats = await waitFor("the roll-up", async () => {
    const rows = (await loadStats(env.pool)).filter((r) => r.key === STAT_KEYS.wifi);
    return rows.length > 0 && rows;
  }, 30_000);
  assert.equal(stats, [{ key: STAT_KEYS.wifi, day: today(), value: 7 }]);
  await waitFor("region_stat", async () => {
    const [rows] = await env.pool.query<RowDataPacket[]>("SELECT region, gsm FROM region_stat");
    return rows.length === 1 && rows[0]!.region === "GB" && rows[0]!.gsm === 5;
  }, 30_000);
  // Another second or two of both workers: nothing is added twice.
  await addCounts(env.pool, "wifi", today(), { "wifi:3": 2 });
  await waitFor("the second roll-up", async () => (await loadStats(env.pool)).some((r) => r.key === STAT_KEYS.wifi && r.value === 9), 30_000);
  await new Promise((r) => setTimeout(r, 2500));
  assert.equal((await loadStats(env.pool)).filter((r) => r.key === STAT_KEYS.wifi).map((r) => r.value), [9]);
  const [left] = await env.pool.query<RowDataPacket[]>("SELECT COUNT(*) AS n FROM stat_counter");
  assert.is(Number(left[0]!.n), 0, "rolled-up counters are emptied");
});

S.run();
