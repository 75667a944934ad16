/**
 * `ichnos drain` across a MySQL restart, against a private mariadbd: the drain rides out the
 * outage (its loops and its status reads retry) and ends with every report applied. And a drain
 * whose loop is stuck on a named lock another process holds still ends at its --timeout.
 */
import { createHash } from "node:crypto";
import mysql from "mysql2/promise";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { createWebApp } from "../../src/api/app.ts";
import { createHeartbeatChecks } from "../../src/api/heartbeat.ts";
import { createServices } from "../../src/cli/services.ts";
import { createWebDeps } from "../../src/cli/web-deps.ts";
import { loadConfig } from "../../src/config.ts";
import { applyMigrations, readLatestMigration } from "../../src/db/migrate.ts";
import { createGeoIp } from "../../src/geoip/geoip-reader.ts";
import { createLogger } from "../../src/logger.ts";
import type { GroupStreamStatus } from "../../src/stream/group-status.ts";
import { startCli } from "../support/cli-process.ts";
import { redisUrl, uniquePrefix } from "../support/infra.ts";
import { startPrivateMariaDb, type PrivateMariaDb } from "../support/private-mariadb.ts";
import { runCli } from "../support/run-cli.ts";
import { submitSynthetic } from "../support/submit-synthetic.ts";

interface Ctx { db: PrivateMariaDb; cli: Record<string, string>; prefix: string }
const S = suite<Ctx>("drain across a MySQL outage");

S.before(async (ctx) => {
  ctx.db = await startPrivateMariaDb();
  const admin = await mysql.createConnection({ uri: ctx.db.url });
  await admin.query("CREATE DATABASE ichnos");
  await admin.end();
  const databaseUrl = ctx.db.databaseUrl("ichnos");
  await applyMigrations({ databaseUrl, log: createLogger("silent") });
  ctx.prefix = uniquePrefix("drain-mysql-outage");
  ctx.cli = {
    DATABASE_URL: databaseUrl, REDIS_URL: await redisUrl(), REDIS_PREFIX: ctx.prefix, STREAM_PARTITIONS: "2",
    CONSUMER_BLOCK: "100ms", CONSUMER_BATCH: "20", SHUTDOWN_TIMEOUT: "2s",
  };
});
S.after(async (ctx) => {
  if (ctx.cli) {
    const { Redis } = await import("ioredis");
    const redis = new Redis(ctx.cli.REDIS_URL!);
    const found = await redis.keys(`${ctx.prefix}:*`);
    if (found.length) await redis.del(...found);
    redis.disconnect();
  }
  await ctx.db?.close();
});

async function submitReports(cli: Record<string, string>, reports: number): Promise<void> {
  const log = createLogger("silent");
  const services = createServices(loadConfig(cli), log);
  const geoip = await createGeoIp({ log });
  const deps = createWebDeps(services, createHeartbeatChecks({ pool: services.pool, redis: services.redis, geoip, readLatestMigration }), geoip);
  const app = createWebApp(deps);
  try {
    await submitSynthetic(app, { reports, seed: 11 });
  } finally {
    await deps.close();
    await services.close();
  }
}

async function groupRows(cli: Record<string, string>): Promise<GroupStreamStatus[]> {
  const groups = await runCli(["groups", "--json"], { ...cli, LOG_LEVEL: "error" });
  assert.is(groups.code, 0, groups.stderr);
  return JSON.parse(groups.stdout) as GroupStreamStatus[];
}

/** MySQL stays down 3 s while the drain keeps running; once it is back the drain ends with exit 0. */
async function outageThenExit(db: PrivateMariaDb, drain: ReturnType<typeof startCli>): Promise<void> {
  await new Promise((r) => setTimeout(r, 3000));
  assert.is(drain.child.exitCode, null, `the drain is still running during the outage:\n${drain.output()}`);
  await db.start();
  let timer: NodeJS.Timeout | undefined;
  const code = await Promise.race([drain.exited, new Promise<"late">((r) => { timer = setTimeout(() => r("late"), 45_000); })]);
  clearTimeout(timer);
  assert.is(code, 0, drain.output());
}

S("a drain started before MySQL is killed and restarted finishes with exit 0 and everything applied", async ({ db, cli }) => {
  await submitReports(cli, 300);
  const drain = startCli(["drain", "--timeout", "60s"], cli);
  try {
    await drain.waitForLog(/consumers started/);
    await db.kill();
    await outageThenExit(db, drain);
  } finally {
    await drain.stop();
  }
  assert.match(drain.output(), /drained: every group has lag 0 and nothing pending/);
  assert.match(drain.output(), /is MySQL reachable|is Redis or MySQL reachable/, "the outage was noticed and logged");
  const rows = await groupRows(cli);
  assert.ok(rows.some((r) => r.group.startsWith("station:wifi:") && r.applied > 0), "the station groups applied entries");
  assert.equal(rows.filter((r) => r.lag !== 0 || r.pending !== 0), []);
});

S("a drain started while MySQL is down waits for it, then drains, within its timeout", async ({ db, cli }) => {
  await submitReports(cli, 50);
  await db.kill();
  const drain = startCli(["drain", "--timeout", "60s"], cli);
  try {
    await outageThenExit(db, drain);
  } finally {
    await drain.stop();
  }
  assert.match(drain.output(), /cannot read export_config; is MySQL reachable/);
  assert.equal((await groupRows(cli)).filter((r) => r.lag !== 0 || r.pending !== 0), []);
});

S("a drain whose loop waits on a named lock held elsewhere still ends at its timeout, with exit 1", async ({ db, cli, prefix }) => {
  // Entries to go: with none, the drain could see "drained" before its loop reached the lock.
  await submitReports(cli, 20);
  const rows = (await groupRows(cli)).filter((r) => r.group === "datamap");
  assert.ok(rows.length > 0);
  const holder = await mysql.createConnection({ uri: cli.DATABASE_URL! });
  try {
    for (const r of rows) {
      const stream = r.stream.startsWith(`${prefix}:`) ? r.stream : `${prefix}:{${r.stream}}`;
      const name = `ichnos:${createHash("sha1").update(`group:datamap:${stream}`).digest("hex")}`;
      const [got] = await holder.query<mysql.RowDataPacket[]>("SELECT GET_LOCK(?, 1) AS got", [name]);
      assert.is(Number(got[0]!.got), 1);
    }
    const started = Date.now();
    const drain = await runCli(["drain", "--group", "datamap", "--timeout", "3s"], { ...cli, LOG_LEVEL: "info" }, 30_000);
    const took = Date.now() - started;
    assert.is(drain.code, 1, drain.stderr);
    assert.match(drain.stderr, /not drained: a consumer loop did not stop within SHUTDOWN_TIMEOUT/);
    // 3 s timeout + 2 s SHUTDOWN_TIMEOUT + start-up and the forced exit, far below the lock's 30 s.
    assert.ok(took < 15_000, `the drain took ${took} ms`);
  } finally {
    await holder.end();
  }
  void db;
});

S.run();
