/**
 * `ichnos replay G --from start --rebuild` (DESIGN §3): the projection is rebuilt into shadow
 * tables and swapped in; the rows equal the live projection's, the live tables answer reads the
 * whole time, and consumers running meanwhile lose nothing.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import type { RowDataPacket } from "mysql2/promise";
import { loadConsumers } from "../../src/stream/consumer-registry.ts";
import { createConsumerRuntime } from "../../src/stream/consumer-runtime.ts";
import { drainPipeline } from "../support/pipeline-setup.ts";
import { runCli } from "../support/run-cli.ts";
import { submitSynthetic } from "../support/submit-synthetic.ts";
import { busiestWifiShard, rowCount, snapshotTables } from "../support/table-snapshot.ts";
import { createWebTestEnv, type WebTestEnv } from "../support/web-setup.ts";

const S = suite<{ env: WebTestEnv; cli: Record<string, string> }>("replay --rebuild");

S.before(async (ctx) => {
  ctx.env = await createWebTestEnv("rebuild", { STREAM_PARTITIONS: "1" });
  await ctx.env.pool.query("UPDATE export_config SET batch = 20 WHERE name = 'internal'");
  ctx.cli = { DATABASE_URL: ctx.env.databaseUrl, REDIS_URL: ctx.env.redisUrl, REDIS_PREFIX: ctx.env.prefix, STREAM_PARTITIONS: "1" };
  await submit(ctx.env, 300, 5);
  await drainPipeline(ctx.env.services);
});
S.after(async (ctx) => ctx.env.close());

const submit = (env: WebTestEnv, reports: number, seed: number) => submitSynthetic(env.app, { reports, seed });

S("a rebuilt Wi-Fi shard equals the live projection, and the live table answers throughout", async ({ env, cli }) => {
  const shard = await busiestWifiShard(env.pool);
  const table = `wifi_shard_${shard}`;
  const live = await snapshotTables(env.pool, [table]);
  assert.ok(rowCount(live) > 10, `${rowCount(live)} stations in ${table}`);

  let reads = 0;
  let stop = false;
  const reader = (async () => {
    while (!stop) {
      const [rows] = await env.pool.query<RowDataPacket[]>(`SELECT COUNT(*) AS n FROM \`${table}\` WHERE lat IS NOT NULL OR block_count IS NOT NULL`);
      assert.is(Number(rows[0]!.n), rowCount(live), "the live table keeps every station during the rebuild");
      reads += 1;
    }
  })();
  const out = await runCli(["replay", `station:wifi:${shard}`, "--from", "start", "--rebuild"], cli, 120_000);
  stop = true;
  await reader;
  assert.is(out.code, 0, out.stderr);
  assert.match(out.stderr, new RegExp(`station:wifi:${shard} rebuild: \\d+/\\d+ entries`));
  assert.match(out.stdout, /swapped in/);
  assert.ok(reads > 0, "reads ran while the rebuild did");
  assert.equal(await snapshotTables(env.pool, [table]), live);
  const [shadow] = await env.pool.query<RowDataPacket[]>("SHOW TABLES LIKE '%\\_\\_rebuild'");
  assert.is(shadow.length, 0, "no shadow table is left behind");
});

S("a cell table rebuilt while workers apply new reports ends equal to a second rebuild, areas recomputed", async ({ env, cli }) => {
  const runtime = createConsumerRuntime({
    redis: env.redis, pool: env.pool, keys: env.keys, log: env.log, consumers: await loadConsumers(env.services.consumerDeps),
    settings: { batchSize: 50, blockMs: 50, claimIdleMs: 60_000, maxDeliveries: 3 },
  });
  runtime.start();
  const rebuilding = runCli(["replay", "station:cell:lte", "--from", "start", "--rebuild"], cli, 120_000);
  await submit(env, 200, 9);
  const out = await rebuilding;
  await runtime.stop();
  assert.is(out.code, 0, out.stderr);
  await drainPipeline(env.services);
  const afterLive = await snapshotTables(env.pool, ["cell_lte", "cell_gsm"]);
  const again = await runCli(["replay", "station:cell:lte", "--from", "start", "--rebuild"], cli, 120_000);
  assert.is(again.code, 0, again.stderr);
  await drainPipeline(env.services);
  assert.equal(await snapshotTables(env.pool, ["cell_lte", "cell_gsm"]), afterLive);
  const [areas] = await env.pool.query<RowDataPacket[]>("SELECT COUNT(*) AS n, SUM(num_cells) AS cells FROM cell_area WHERE radio = 3");
  const [cells] = await env.pool.query<RowDataPacket[]>("SELECT COUNT(*) AS n FROM cell_lte WHERE lat IS NOT NULL");
  assert.is(Number(areas[0]!.cells), Number(cells[0]!.n), "every positioned LTE cell is counted in its area");
});

S("the datamap rebuilt from the reports equals the live one", async ({ env, cli }) => {
  const tables = ["datamap_ne", "datamap_nw", "datamap_se", "datamap_sw"];
  const live = await snapshotTables(env.pool, tables);
  assert.ok(rowCount(live) > 0);
  const out = await runCli(["replay", "datamap", "--from", "start", "--rebuild"], cli, 120_000);
  assert.is(out.code, 0, out.stderr);
  assert.equal(await snapshotTables(env.pool, tables), live);
});

S("cell areas rebuilt from every cell equal the live ones (but for their timestamps)", async ({ env, cli }) => {
  const withoutTimes = (snapshot: Record<string, unknown[]>) =>
    (snapshot.cell_area as Record<string, unknown>[]).map(({ created: _c, modified: _m, ...rest }) => rest);
  const live = await snapshotTables(env.pool, ["cell_area"]);
  assert.ok(rowCount(live) > 0);
  // An area the live projection lost (deleted by hand) comes back: the rebuild reads all cells.
  await env.pool.query("DELETE FROM cell_area LIMIT 1");
  const out = await runCli(["replay", "cellarea", "--from", "start", "--rebuild"], cli, 120_000);
  assert.is(out.code, 0, out.stderr);
  assert.equal(withoutTimes(await snapshotTables(env.pool, ["cell_area"])), withoutTimes(live));
});

S("a group with no tables of its own cannot be rebuilt, and says what to do instead", async ({ cli }) => {
  const out = await runCli(["replay", "export:internal", "--from", "start", "--rebuild"], cli);
  assert.is(out.code, 2);
  assert.match(out.stderr, /keeps no tables of its own; replay it without --rebuild/);
});

S("a station group is not replayed in place, where its observations would count twice", async ({ cli }) => {
  const out = await runCli(["replay", "station:wifi:0", "--from", "start"], cli);
  assert.is(out.code, 2);
  assert.match(out.stderr, /would count them twice; rebuild it instead: ichnos replay station:wifi:0 --from start --rebuild/);
});

S.run();
