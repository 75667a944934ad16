/**
 * `ichnos drain --processes 2`: the projectors run in a worker process of their own, the drain
 * waits for every group (upstream and downstream) and stops the worker at the end.
 */
import type { RowDataPacket } from "mysql2/promise";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import type { GroupStreamStatus } from "../../src/stream/group-status.ts";
import { runCli } from "../support/run-cli.ts";
import { submitSynthetic } from "../support/submit-synthetic.ts";
import { createWebTestEnv, type WebTestEnv } from "../support/web-setup.ts";

const S = suite<{ env: WebTestEnv; cli: Record<string, string> }>("drain --processes");

S.before(async (ctx) => {
  ctx.env = await createWebTestEnv("drain-processes");
  ctx.cli = {
    DATABASE_URL: ctx.env.databaseUrl, REDIS_URL: ctx.env.redisUrl, REDIS_PREFIX: ctx.env.prefix, STREAM_PARTITIONS: "2", CONSUMER_BLOCK: "100ms",
  };
});
S.after(async (ctx) => ctx.env.close());

S("a drain over two processes applies everything and leaves no worker behind", async ({ env, cli }) => {
  await submitSynthetic(env.app, { reports: 150, seed: 3 });
  const drain = await runCli(["drain", "--processes", "2", "--timeout", "60s"], cli, 90_000);
  assert.is(drain.code, 0, drain.stderr);
  assert.match(drain.stdout, /drained: every group has lag 0 and nothing pending/);
  const groups = await runCli(["groups", "--json"], { ...cli, LOG_LEVEL: "error" });
  const rows = JSON.parse(groups.stdout) as GroupStreamStatus[];
  assert.ok(rows.some((r) => r.group.startsWith("station:wifi:") && r.applied > 0), "the station groups applied entries");
  assert.equal(rows.filter((r) => r.lag !== 0 || r.pending !== 0), []);
  const [areas] = await env.pool.query<RowDataPacket[]>("SELECT COUNT(*) AS n FROM cell_area");
  assert.ok(Number(areas[0]!.n) > 0, "areas were computed downstream of the cell projectors");
  const workers = String(await env.redis.call("CLIENT", ["LIST"])).split("\n").filter((l) => l.includes(` name=${env.prefix}:station:`));
  assert.equal(workers, [], "the worker process closed its connections");
});

S("--processes must be a whole number", async ({ cli }) => {
  const bad = await runCli(["drain", "--processes", "0"], cli);
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /--processes must be a whole number from 1 to 64/);
});

S.run();
