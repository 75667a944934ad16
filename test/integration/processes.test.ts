import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import mysql, { type RowDataPacket } from "mysql2/promise";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { createTestDatabase, redisUrl, uniquePrefix } from "../support/infra.ts";
import { runCli } from "../support/run-cli.ts";
import { waitFor } from "../support/stream-setup.ts";
import { fixtureRequest, loadFixture } from "../support/web-setup.ts";
import { LATEST_MIGRATION } from "../support/migrations.ts";

const bin = fileURLToPath(new URL("../../bin/ichnos.js", import.meta.url));
const S = suite<{ db: { url: string; drop: () => Promise<void> }; env: Record<string, string>; children: ChildProcess[] }>("processes");

S.before(async (ctx) => {
  ctx.db = await createTestDatabase("processes");
  ctx.env = { DATABASE_URL: ctx.db.url, REDIS_URL: await redisUrl(), REDIS_PREFIX: uniquePrefix("processes"), PORT: "0", HOST: "127.0.0.1" };
  ctx.children = [];
});
S.after(async (ctx) => {
  for (const c of ctx.children) if (c.exitCode === null) c.kill("SIGKILL");
  await ctx.db.drop();
  const redis = new Redis(ctx.env.REDIS_URL!);
  const left = await redis.keys(`${ctx.env.REDIS_PREFIX}:*`);
  if (left.length) await redis.del(...left);
  await redis.quit();
});

function startProcess(ctx: { env: Record<string, string>; children: ChildProcess[] }, args: string[]) {
  const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, ...ctx.env, LOG_LEVEL: "info" }, stdio: ["ignore", "pipe", "pipe"] });
  ctx.children.push(child);
  let out = "";
  child.stdout!.on("data", (d) => { out += d; });
  child.stderr!.on("data", (d) => { out += d; });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const waitForLog = async (pattern: RegExp) => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const match = pattern.exec(out);
      if (match) return match;
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`no ${pattern} in output:\n${out}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  return { child, exited, waitForLog, output: () => out };
}

S("ichnos start migrates a fresh database, answers the heartbeat with all checks up, and stops on SIGTERM", async (ctx) => {
  const proc = startProcess(ctx, ["start"]);
  const [, url] = (await proc.waitForLog(/"url":"(http:\/\/[^"]+)","msg":"http server listening"/))!;
  const res = await fetch(new URL("/__heartbeat__", url));
  assert.is(res.status, 200);
  const body = (await res.json()) as Record<string, { up: boolean; alembic_version?: string }>;
  assert.equal([body.database?.up, body.redis?.up, body.geoip?.up], [true, true, true]);
  assert.is(body.database?.alembic_version, LATEST_MIGRATION);
  assert.match(proc.output(), /"msg":"consumers started"/);

  // A real client's upload over the network lands on the reports streams.
  const fixture = loadFixture("NS-S1");
  const { path, init } = fixtureRequest(fixture);
  const submitted = await fetch(new URL(path, url), init);
  assert.is(submitted.status, 200);
  const redis = new Redis(ctx.env.REDIS_URL!);
  try {
    const lengths = await Promise.all([0, 1, 2, 3].map((p) => redis.xlen(`${ctx.env.REDIS_PREFIX}:{reports:${p}}`)));
    assert.is(lengths.reduce((a, b) => a + b, 0), (fixture.body as { items: unknown[] }).items.length);
  } finally {
    await redis.quit();
  }

  // …and the workers of the same process turn it into stations, without any drain.
  const db = await mysql.createConnection({ uri: ctx.db.url });
  try {
    await waitFor("the NeoStumbler networks as stations", async () => {
      const [rows] = await db.query<RowDataPacket[]>("SELECT HEX(mac) AS mac, region FROM wifi_shard_8");
      return rows.length === 1 && rows[0]!.region === "FI";
    }, 20_000);
  } finally {
    await db.end();
  }

  const stopAt = Date.now();
  proc.child.kill("SIGTERM");
  assert.is(await proc.exited, 0, proc.output());
  assert.ok(Date.now() - stopAt < 5000, "stopped promptly");
  assert.match(proc.output(), /"msg":"stopped"/);
});

S("ichnos work stops gracefully on SIGINT", async (ctx) => {
  const proc = startProcess(ctx, ["work"]);
  await proc.waitForLog(/"msg":"consumers started"/);
  proc.child.kill("SIGINT");
  assert.is(await proc.exited, 0, proc.output());
});

S("bad configuration fails at start with one clear message naming the variable", async (ctx) => {
  const badUrl = await runCli(["web"], { ...ctx.env, REDIS_URL: "not a url" });
  assert.is(badUrl.code, 2);
  assert.match(badUrl.stderr, /^ichnos: Invalid configuration:\n {2}- REDIS_URL="not a url": not a URL; expected e\.g\. redis:\/\/host:port\n$/);
  assert.is(badUrl.stdout, "");
  const badLevel = await runCli(["start"], { ...ctx.env, LOG_LEVEL: "loud" });
  assert.is(badLevel.code, 2);
  assert.match(badLevel.stderr, /LOG_LEVEL="loud": unknown level/);
  assert.not.match(badLevel.stderr, /\n\s+at /, "no stack trace");
});

S("unknown commands and options print usage and exit 2", async (ctx) => {
  const unknown = await runCli(["frobnicate"], ctx.env);
  assert.is(unknown.code, 2);
  assert.match(unknown.stderr, /unknown command "frobnicate"/);
  const badFlag = await runCli(["groups", "--colour"], ctx.env);
  assert.is(badFlag.code, 2);
  assert.match(badFlag.stderr, /ichnos groups: Unknown option '--colour'/);
  const help = await runCli(["help"], ctx.env);
  assert.is(help.code, 0);
  assert.match(help.stdout, /replay G --from <start\|ID\|ISO-time>/);
});

S("ichnos drain with nothing to run exits at once; groups, trim and dead answer on an empty system", async (ctx) => {
  const drain = await runCli(["drain", "--timeout", "5s"], ctx.env);
  assert.is(drain.code, 0, drain.stderr);
  assert.match(drain.stdout, /drained: every group has lag 0 and nothing pending/);
  const trim = await runCli(["trim"], { ...ctx.env, STREAM_PARTITIONS: "2" });
  assert.is(trim.code, 0, trim.stderr);
  assert.match(trim.stdout, /^reports:0: trimmed 0 /m);
  const dead = await runCli(["dead", "list", "export:internal"], ctx.env);
  assert.is(dead.code, 0, dead.stderr);
  assert.match(dead.stdout, /no dead letters for export:internal/);
  const replayUnknown = await runCli(["replay", "nobody", "--from", "start"], ctx.env);
  assert.is(replayUnknown.code, 2);
  assert.match(replayUnknown.stderr, /unknown group nobody; registered groups:/);
});

S("a Redis that may evict keys is reported loudly at start", async (ctx) => {
  const redis = new Redis(ctx.env.REDIS_URL!);
  const [, previous] = (await redis.config("GET", "maxmemory-policy")) as [string, string];
  await redis.config("SET", "maxmemory-policy", "allkeys-lru");
  try {
    const proc = startProcess(ctx, ["work"]);
    await proc.waitForLog(/REDIS IS NOT SAFE FOR ICHNOS: maxmemory-policy is \\"allkeys-lru\\"/);
    proc.child.kill("SIGTERM");
    assert.is(await proc.exited, 0);
  } finally {
    await redis.config("SET", "maxmemory-policy", previous);
    await redis.quit();
  }
});

S("a web process sends the usage counts it buffered when it stops", async (ctx) => {
  const migrated = await runCli(["migrate"], ctx.env);
  assert.is(migrated.code, 0, migrated.stderr);
  const db = await mysql.createConnection({ uri: ctx.db.url });
  try {
    await db.query("INSERT IGNORE INTO api_key (valid_key, allow_locate) VALUES ('counted', 1)");
  } finally {
    await db.end();
  }
  // An interval far longer than the test: only the shutdown can deliver the counts.
  const proc = startProcess({ ...ctx, env: { ...ctx.env, USAGE_FLUSH: "60s" } }, ["web"]);
  const [, url] = (await proc.waitForLog(/"url":"(http:\/\/[^"]+)","msg":"http server listening"/))!;
  for (let i = 0; i < 3; i++) {
    const res = await fetch(new URL("/v1/geolocate?key=counted", url), { method: "POST", body: "{}" });
    assert.is(res.status, 404, "no networks and a loopback address: not found, but counted");
  }
  const day = new Date().toISOString().slice(0, 10);
  const redis = new Redis(ctx.env.REDIS_URL!);
  try {
    const limitKey = `${ctx.env.REDIS_PREFIX}:apilimit:counted:v1.geolocate:${day.replaceAll("-", "")}`;
    assert.is(await redis.get(limitKey), null, "buffered while the process runs");
    proc.child.kill("SIGTERM");
    assert.is(await proc.exited, 0, proc.output());
    assert.is(await redis.get(limitKey), "3");
    assert.is(await redis.pfcount(`${ctx.env.REDIS_PREFIX}:apiuser:locate:counted:${day}`), 1);
  } finally {
    await redis.quit();
  }
});

S("ichnos migrate is a no-op on an up-to-date database", async (ctx) => {
  const again = await runCli(["migrate"], ctx.env);
  assert.is(again.code, 0, again.stderr);
  assert.match(again.stdout, `0 migration(s) applied; latest: ${LATEST_MIGRATION}`);
});

S.run();
