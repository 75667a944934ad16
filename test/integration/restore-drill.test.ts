/**
 * The restore drill: with Redis emptied (a fresh key prefix) and a fresh database, `ichnos
 * restore` and `ichnos drain` rebuild every projection from the archive alone, row for row.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { runCli } from "../support/run-cli.ts";
import { startTestS3, type TestS3 } from "../support/s3-server.ts";
import { submitSynthetic } from "../support/submit-synthetic.ts";
import { busiestWifiShard, rowCount, snapshotTables, STATION_TABLES } from "../support/table-snapshot.ts";
import { createWebTestEnv, type WebTestEnv } from "../support/web-setup.ts";

const PROJECTIONS = [...STATION_TABLES, "cell_area", "datamap_ne", "datamap_nw", "datamap_se", "datamap_sw", "stat_counter"];

/**
 * Splitting first, then projecting, gives every run the same batches (one partition, complete
 * streams), so the stations' floating-point sums are added in the same order.
 */
async function drainInTwoSteps(env: Record<string, string>) {
  const split = await runCli(["drain", "--group", "export:internal", "--timeout", "90"], env, 120_000);
  assert.is(split.code, 0, split.stderr);
  const rest = await runCli(["drain", "--timeout", "90"], env, 120_000);
  assert.is(rest.code, 0, rest.stderr);
}

const S = suite<{ s3: TestS3; source: WebTestEnv; fresh: WebTestEnv }>("restore drill");

S.before(async (ctx) => {
  ctx.s3 = await startTestS3();
  ctx.source = await createWebTestEnv("restore-src", { STREAM_PARTITIONS: "1" });
  ctx.fresh = await createWebTestEnv("restore-new", { STREAM_PARTITIONS: "1" });
});
S.after(async (ctx) => {
  await ctx.source.close();
  await ctx.fresh.close();
  await ctx.s3.close();
});

const cliFor = (env: WebTestEnv, s3: TestS3) => ({
  DATABASE_URL: env.databaseUrl, REDIS_URL: env.redisUrl, REDIS_PREFIX: env.prefix, STREAM_PARTITIONS: "1",
  BACKUP_URL: `s3://${s3.bucket}/drill`, ...s3.env,
});

S("a fresh Redis and database rebuild every projection from the archive alone, equal to the original", async ({ s3, source, fresh }) => {
  await source.pool.query("UPDATE export_config SET batch = 40 WHERE name IN ('backup', 'internal')");
  await submitSynthetic(source.app, { reports: 200, seed: 31 });
  await drainInTwoSteps(cliFor(source, s3));
  const original = await snapshotTables(source.pool, PROJECTIONS);
  assert.ok(rowCount(original) > 100, `${rowCount(original)} rows to restore`);

  await fresh.pool.query("UPDATE export_config SET batch = 40 WHERE name IN ('backup', 'internal')");
  const restored = await runCli(["restore"], cliFor(fresh, s3), 120_000);
  assert.is(restored.code, 0, restored.stderr);
  assert.match(restored.stdout, /restored 200 entries into 1 report partition\(s\)/);
  // Restoring again would write over what is there: refused, nothing changed.
  const again = await runCli(["restore"], cliFor(fresh, s3), 60_000);
  assert.is(again.code, 1);
  assert.match(again.stderr, /refusing, nothing was changed:[\s\S]*reports:0 already holds entries/);

  // Later, as a real restore is: every time in the rows comes from the reports, not the clock.
  await new Promise((r) => setTimeout(r, 1100));
  await drainInTwoSteps(cliFor(fresh, s3));
  assert.equal(await snapshotTables(fresh.pool, PROJECTIONS), original, "every projection row for row, times included");
  assert.equal((await s3.keys("drill/")).length > 0, true);
});

S("station tables rebuilt from the archive alone, the streams trimmed to a few entries, equal the live ones", async ({ s3, source }) => {
  const shard = await busiestWifiShard(source.pool);
  const tables = [`wifi_shard_${shard}`, "cell_lte"];
  const live = await snapshotTables(source.pool, tables);
  assert.ok(rowCount(live) > 20, `${rowCount(live)} rows`);
  // What the trimmer leaves after STREAM_RETENTION: the newest few entries of every stream.
  for (const stream of [source.keys.reportStreams()[0]!, source.keys.stream(`obs:wifi:${shard}`), source.keys.stream("obs:cell:lte")]) {
    const newest = (await source.redis.call("XREVRANGE", stream, "+", "-", "COUNT", 3)) as [string, string[]][];
    await source.redis.call("XTRIM", stream, "MINID", newest.at(-1)![0]);
  }
  for (const group of [`station:wifi:${shard}`, "station:cell:lte"]) {
    const out = await runCli(["replay", group, "--from", "start", "--rebuild"], cliFor(source, s3), 120_000);
    assert.is(out.code, 0, out.stdout + out.stderr);
    assert.match(out.stdout, /its observations are split again from the reports \(archived, then retained\)/);
    assert.match(out.stdout, /from 200 reports in/);
  }
  assert.equal(await snapshotTables(source.pool, tables), live, "archive + the retained reports, split again: the same rows");
});

S.run();
