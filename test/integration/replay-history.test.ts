/**
 * Replays and rebuilds never lose data: one whose starting point lies before the oldest history
 * still held refuses (exit 1, the live tables unchanged) and says what is missing and how to go
 * on; a rebuild whose tables come out smaller than the live ones is never swapped in.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import type { RowDataPacket } from "mysql2/promise";
import type { RedisClient } from "../../src/redis/create-redis.ts";
import { drainPipeline } from "../support/pipeline-setup.ts";
import { runCli } from "../support/run-cli.ts";
import { submitSynthetic } from "../support/submit-synthetic.ts";
import { busiestWifiShard, rowCount, snapshotTables } from "../support/table-snapshot.ts";
import { createWebTestEnv, type WebTestEnv } from "../support/web-setup.ts";

const S = suite<{ env: WebTestEnv; cli: Record<string, string>; shard: string }>("replay over incomplete history");

S.before(async (ctx) => {
  ctx.env = await createWebTestEnv("history", { STREAM_PARTITIONS: "1" });
  await ctx.env.pool.query("UPDATE export_config SET batch = 20 WHERE name = 'internal'");
  ctx.cli = { DATABASE_URL: ctx.env.databaseUrl, REDIS_URL: ctx.env.redisUrl, REDIS_PREFIX: ctx.env.prefix, STREAM_PARTITIONS: "1" };
  await submitSynthetic(ctx.env.app, { reports: 300, seed: 9 });
  await drainPipeline(ctx.env.services);
  ctx.shard = await busiestWifiShard(ctx.env.pool);
});
S.after(async (ctx) => ctx.env.close());

async function firstEntry(redis: RedisClient, stream: string): Promise<{ id: string; seq: number }> {
  const [first] = (await redis.call("XRANGE", stream, "-", "+", "COUNT", 1)) as [string, string[]][];
  return { id: first![0], seq: Number(first![1][first![1].indexOf("n") + 1]) };
}

/** What the trimmer does to a stream past its retention, exactly: keeps only the newest `keep` entries. */
async function trimToNewest(redis: RedisClient, stream: string, keep: number): Promise<{ id: string; seq: number }> {
  const newest = (await redis.call("XREVRANGE", stream, "+", "-", "COUNT", keep)) as [string, string[]][];
  const oldestKept = newest.at(-1)!;
  await redis.call("XTRIM", stream, "MINID", oldestKept[0]);
  const fields = oldestKept[1];
  return { id: oldestKept[0], seq: Number(fields[fields.indexOf("n") + 1]) };
}

S("a rebuild from the start of a trimmed observation stream splits the reports again: the table equals the live one", async ({ env, cli, shard }) => {
  const table = `wifi_shard_${shard}`;
  const before = await snapshotTables(env.pool, [table]);
  assert.ok(rowCount(before) > 10);
  const firstKept = await trimToNewest(env.redis, env.keys.stream(`obs:wifi:${shard}`), 3);
  assert.ok(firstKept.seq > 1, "entries were trimmed");

  const out = await runCli(["replay", `station:wifi:${shard}`, "--from", "start", "--rebuild"], cli, 60_000);
  assert.is(out.code, 0, out.stdout + out.stderr);
  assert.match(out.stdout, new RegExp(`obs:wifi:${shard} no longer holds the history; its observations are split again from the reports`));
  assert.match(out.stdout, /from 300 reports in/);
  assert.equal(await snapshotTables(env.pool, [table]), before, "one partition split in full batches: equal row for row");
});

S("with the reports trimmed too, the rebuild is refused with what is missing, and the live table is unchanged", async ({ env, cli, shard }) => {
  const table = `wifi_shard_${shard}`;
  const stream = env.keys.stream(`obs:wifi:${shard}`);
  const before = await snapshotTables(env.pool, [table]);
  const obsKept = await firstEntry(env.redis, stream);
  const reportsKept = await trimToNewest(env.redis, env.keys.reportStreams()[0]!, 50);

  const out = await runCli(["replay", `station:wifi:${shard}`, "--from", "start", "--rebuild"], cli, 60_000);
  assert.is(out.code, 1, out.stdout + out.stderr);
  assert.match(out.stderr, new RegExp(`refusing to rebuild station:wifi:${shard} from start`));
  assert.match(out.stderr, new RegExp(`obs:wifi:${shard}: .*the first one still held is #${obsKept.seq} \\(${obsKept.id}`));
  assert.match(out.stderr, new RegExp(`reports:0: .*the first one still held is #${reportsKept.seq} \\(${reportsKept.id}`));
  assert.match(out.stderr, new RegExp(`Entries #1–#${reportsKept.seq - 1} were trimmed`));
  assert.match(out.stderr, /split again from the reports, but the reports are incomplete too/);
  assert.match(out.stderr, /--from \d+-\d+/, "says how to proceed");
  assert.equal(await snapshotTables(env.pool, [table]), before, "the live table is unchanged");
  const [shadows] = await env.pool.query<RowDataPacket[]>("SHOW TABLES LIKE '%\\_\\_rebuild'");
  assert.is(shadows.length, 0, "no shadow table is left behind");
});

S("a plain replay of a trimmed stream is refused; from the oldest entry held it goes ahead", async ({ env, cli }) => {
  const stream = env.keys.reportStreams()[0]!;
  const firstKept = await trimToNewest(env.redis, stream, 5);
  const refused = await runCli(["replay", "datamap", "--from", "start"], cli);
  assert.is(refused.code, 1, refused.stderr);
  assert.match(refused.stderr, /refusing to replay datamap from start/);
  // An ISO time before the oldest entry held is just as incomplete.
  const early = await runCli(["replay", "datamap", "--from", "2001-01-01T00:00:00Z"], cli);
  assert.is(early.code, 1, early.stderr);

  const accepted = await runCli(["replay", "datamap", "--from", firstKept.id], cli);
  assert.is(accepted.code, 0, accepted.stderr);
  assert.match(accepted.stdout, /5 entries to apply/);
});

S("a starting point before the oldest entry held is accepted when a checkpoint proves nothing after it was trimmed", async ({ env, cli }) => {
  const stream = env.keys.reportStreams()[0]!;
  // Every group's checkpoint is at the newest entry, so a point just after it needs nothing trimmed.
  const [newest] = (await env.redis.call("XREVRANGE", stream, "+", "-", "COUNT", 1)) as [string, string[]][];
  await env.redis.call("XTRIM", stream, "MAXLEN", "0");
  const [ms] = newest![0].split("-");
  const accepted = await runCli(["replay", "datamap", "--from", `${Number(ms) + 1}-0`], cli);
  assert.is(accepted.code, 0, accepted.stderr);
  assert.match(accepted.stdout, /0 entries will be re-applied/);
});

S("a rebuild whose tables come out smaller than the live ones is not swapped in unless asked for", async ({ env, cli, shard }) => {
  const table = `wifi_shard_${shard}`;
  const stream = env.keys.stream(`obs:wifi:${shard}`);
  const before = await snapshotTables(env.pool, [table]);
  const [newest] = (await env.redis.call("XREVRANGE", stream, "+", "-", "COUNT", 1)) as [string, string[]][];
  // From the newest entry only: complete history from there, but it builds only part of the table.
  const out = await runCli(["replay", `station:wifi:${shard}`, "--from", newest![0], "--rebuild"], cli, 60_000);
  assert.is(out.code, 1, out.stdout + out.stderr);
  assert.match(out.stderr, new RegExp(`fewer rows than the live tables hold, so nothing was swapped .*${table}: \\d+ rows rebuilt, ${rowCount(before)} live`));
  assert.equal(await snapshotTables(env.pool, [table]), before, "the live table is unchanged");

  const forced = await runCli(["replay", `station:wifi:${shard}`, "--from", newest![0], "--rebuild", "--allow-fewer-rows"], cli, 60_000);
  assert.is(forced.code, 0, forced.stderr);
  const after = await snapshotTables(env.pool, [table]);
  assert.ok(rowCount(after) < rowCount(before), "asked for, the smaller table is swapped in");
});

S.run();
