/**
 * Read replicas (DATABASE_READ_URL) against a real private MariaDB primary and a replica of it
 * (test/support/mariadb-replica.ts): stations learned through submit + drain on the primary reach
 * the replica by replication only; geolocate's station reads go to the replica (counted with each
 * server's own Com_select); a killed, a lagging and a stopped replica are taken out of rotation
 * and locate keeps answering from the primary; a replica that recovers is used again.
 */
import mysql from "mysql2/promise";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { createWebApp } from "../../src/api/app.ts";
import { createHeartbeatChecks } from "../../src/api/heartbeat.ts";
import { createServices, type Services } from "../../src/cli/services.ts";
import { createWebDeps, type WebProcessDeps } from "../../src/cli/web-deps.ts";
import { loadConfig } from "../../src/config.ts";
import { applyMigrations, readLatestMigration } from "../../src/db/migrate.ts";
import { createLogger } from "../../src/logger.ts";
import { captureLog } from "../support/capture-log.ts";
import { redisUrl, uniquePrefix } from "../support/infra.ts";
import { type ReplicatedMariaDb, startReplicatedMariaDb } from "../support/mariadb-replica.ts";
import type { PrivateMariaDb } from "../support/private-mariadb.ts";
import { drainPipeline } from "../support/pipeline-setup.ts";
import { testGeoIp } from "../support/locate-setup.ts";

const READ_PASSWORD = "read-pw-never-logged";
const PLACES = 12;

interface Ctx {
  db: ReplicatedMariaDb;
  env: Record<string, string>;
  services: Services;
  deps: WebProcessDeps;
  app: ReturnType<typeof createWebApp>;
  lines: Array<Record<string, unknown>>;
}
const S = suite<Ctx>("read replicas");

const place = (i: number) => ({ lat: 52.4 + i * 0.02, lon: 13.3 + (i % 4) * 0.03 });
const macsOf = (i: number) => [0, 1, 2].map((j) => `a8:3f:00:00:${i.toString(16).padStart(2, "0")}:${(j + 1).toString(16).padStart(2, "0")}`);

S.before(async (ctx) => {
  // uvu reports a failed before hook only as "(0 / N)": say why.
  ctx.db = await startReplicatedMariaDb().catch((err: unknown) => {
    console.error("could not start the primary and its replica:", err);
    throw err;
  });
  const { db } = ctx;
  await db.query(db.primary, `CREATE DATABASE ichnos;
    CREATE USER 'ichnos_read'@'%' IDENTIFIED BY '${READ_PASSWORD}';
    GRANT SELECT ON ichnos.* TO 'ichnos_read'@'%'; GRANT SLAVE MONITOR ON *.* TO 'ichnos_read'@'%'`);
  const databaseUrl = db.primary.databaseUrl("ichnos");
  await applyMigrations({ databaseUrl, log: createLogger("silent") });
  await db.query(db.primary, `INSERT INTO ichnos.api_key (valid_key, maxreq, allow_fallback, allow_locate, allow_region, store_sample_locate, store_sample_submit)
    VALUES ('test', 0, 0, 1, 1, 0, 100)`);
  await db.waitCaughtUp();
  ctx.env = {
    DATABASE_URL: databaseUrl, REDIS_URL: await redisUrl(), REDIS_PREFIX: uniquePrefix("read-replicas"), STREAM_PARTITIONS: "2",
    DATABASE_READ_URL: `mysql://ichnos_read:${READ_PASSWORD}@127.0.0.1:${db.replica.port}/ichnos`,
    DATABASE_READ_MAX_LAG: "2s", DATABASE_READ_CHECK_INTERVAL: "200ms",
    CONSUMER_BLOCK: "100ms", SHUTDOWN_TIMEOUT: "2s",
  };
  const { log, lines } = captureLog();
  ctx.lines = lines;
  ctx.services = createServices(loadConfig(ctx.env), log);
  const geoip = await testGeoIp();
  const checks = createHeartbeatChecks({ pool: ctx.services.pool, redis: ctx.services.redis, geoip, readLatestMigration });
  ctx.deps = createWebDeps(ctx.services, checks, geoip);
  ctx.app = createWebApp(ctx.deps);
  await waitFor(ctx, true);
});

S.after(async (ctx) => {
  await ctx.deps?.close();
  if (ctx.services) {
    const found = await ctx.services.redis.keys(`${ctx.env.REDIS_PREFIX}:*`);
    if (found.length) await ctx.services.redis.del(...found);
    await ctx.services.close();
  }
  await ctx.db?.close();
});

/** Waits until the web process's background check has the replica in (or out of) rotation, for `why`. */
async function waitFor(ctx: Ctx, inRotation: boolean, why?: RegExp, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [state] = ctx.deps.reads.status();
    if (state?.inRotation === inRotation && (!why || why.test(state.reason ?? ""))) return;
    if (Date.now() > deadline) throw new Error(`replica not ${inRotation ? "in" : "out of"} rotation ${why ?? ""}: ${JSON.stringify(state)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function counter(db: ReplicatedMariaDb, server: PrivateMariaDb, names: string[]): Promise<number> {
  const rows = await db.query(server, `SHOW GLOBAL STATUS WHERE Variable_name IN (${names.map((n) => mysql.escape(n)).join(", ")})`);
  return rows.reduce((sum, r) => sum + Number(r.Value), 0);
}
/** What the read user did on the replica (--userstat): replication's own writes are not counted here. */
async function readUserStats(db: ReplicatedMariaDb): Promise<{ connections: number; selects: number; updates: number; rowsUpdated: number }> {
  const [row] = await db.query(db.replica,
    "SELECT TOTAL_CONNECTIONS, SELECT_COMMANDS, UPDATE_COMMANDS, ROWS_UPDATED FROM information_schema.USER_STATISTICS WHERE USER = 'ichnos_read'");
  return {
    connections: Number(row?.TOTAL_CONNECTIONS ?? 0), selects: Number(row?.SELECT_COMMANDS ?? 0),
    updates: Number(row?.UPDATE_COMMANDS ?? 0), rowsUpdated: Number(row?.ROWS_UPDATED ?? 0),
  };
}

/** Geolocates every learned place once; each answer is within 100 m of where it was learned. */
async function locateAll(ctx: Ctx): Promise<void> {
  for (let i = 0; i < PLACES; i++) {
    const res = await ctx.app.request("/v1/geolocate?key=test", {
      method: "POST", headers: { "content-type": "application/json" },
      body: JSON.stringify({ considerIp: false, wifiAccessPoints: macsOf(i).map((macAddress) => ({ macAddress, signalStrength: -60 })) }),
    });
    assert.is(res.status, 200, `place ${i}: ${JSON.stringify(ctx.lines.filter((l) => (l.level as number) >= 40).slice(-3))}`);
    const body = (await res.json()) as { location: { lat: number; lng: number } };
    const p = place(i);
    assert.ok(Math.abs(body.location.lat - p.lat) < 0.001 && Math.abs(body.location.lng - p.lon) < 0.0015, `place ${i}: ${JSON.stringify(body)} vs ${JSON.stringify(p)}`);
  }
}

/** Com_select on each server over one `locateAll`. */
async function selectsDuring(ctx: Ctx): Promise<{ primary: number; replica: number }> {
  const { db } = ctx;
  const before = { primary: await counter(db, db.primary, ["Com_select"]), replica: await counter(db, db.replica, ["Com_select"]).catch(() => 0) };
  await locateAll(ctx);
  return {
    primary: (await counter(db, db.primary, ["Com_select"])) - before.primary,
    replica: await counter(db, db.replica, ["Com_select"]).then((n) => n - before.replica).catch(() => 0),
  };
}

S("a submit and a drain with the replica configured write only to the primary; the replica gets the stations by replication", async (ctx) => {
  const { db } = ctx;
  const items = Array.from({ length: PLACES }, (_, i) => [0, 1].map((k) => ({
    timestamp: Date.now() - 60_000 * (k + 1),
    position: { latitude: place(i).lat, longitude: place(i).lon, accuracy: 10 },
    wifiAccessPoints: macsOf(i).map((macAddress) => ({ macAddress, signalStrength: -55 })),
  }))).flat();
  const res = await ctx.app.request("/v2/geosubmit?key=test", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ items }) });
  assert.is(res.status, 200);
  // The consumers run on services built from the same config, DATABASE_READ_URL included.
  await drainPipeline(ctx.services);
  await db.waitCaughtUp();
  const count = async (server: PrivateMariaDb) => {
    const tables = await db.query(server, "SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'ichnos' AND table_name LIKE 'wifi\\_shard\\_%'");
    const counts = await db.query(server, tables.map((t) => `SELECT COUNT(*) AS n FROM ichnos.${t.t as string}`).join(" UNION ALL "));
    return counts.reduce((sum, r) => sum + Number(r.n), 0);
  };
  assert.is(await count(db.primary), PLACES * 3, "the primary learned every network");
  assert.is(await count(db.replica), PLACES * 3, "the replica holds them too");
  const used = await readUserStats(db);
  assert.ok(used.connections > 0, "the web process is connected to the replica (its health checks)");
  assert.is(used.updates, 0, "the read user sent no write statement");
  assert.is(used.rowsUpdated, 0);
});

S("geolocate's station reads go to the replica, not the primary", async (ctx) => {
  await waitFor(ctx, true);
  const before = await readUserStats(ctx.db);
  const selects = await selectsDuring(ctx);
  assert.ok(selects.replica >= PLACES, `replica: ${selects.replica} SELECTs for ${PLACES} requests`);
  assert.ok(selects.primary <= 1, `primary: ${selects.primary} SELECTs (the key lookup at most)`);
  const after = await readUserStats(ctx.db);
  assert.ok(after.selects - before.selects >= PLACES, "the SELECTs came from the read user");
  assert.is(after.updates, 0);
  const heartbeat = await ctx.app.request("/__heartbeat__");
  const body = (await heartbeat.json()) as Record<string, unknown>;
  assert.is(heartbeat.status, 200);
  assert.equal(Object.keys(body), ["database", "geoip", "redis", "database_replicas"]);
  assert.equal(body.database_replicas, [{ up: true, lag_seconds: 0 }]);
});

S("the coverage map and the statistics read the replica; the regions page stays on the primary", async (ctx) => {
  const { db } = ctx;
  const cached = await ctx.services.redis.keys(`${ctx.env.REDIS_PREFIX}:cache:*`);
  if (cached.length) await ctx.services.redis.del(...cached);
  const selects = async () => ({ primary: await counter(db, db.primary, ["Com_select"]), replica: await counter(db, db.replica, ["Com_select"]) });
  const before = await selects();
  const tile = await ctx.app.request("/map/data/0/0/0.json");
  assert.is(tile.status, 200);
  assert.ok(((await tile.json()) as { cells: unknown[] }).cells.length > 0, "the datamap learned from the submit is drawn");
  assert.is((await ctx.app.request("/stats_wifi.json")).status, 200);
  assert.is((await ctx.app.request("/stats")).status, 200);
  const content = await selects();
  assert.ok(content.replica - before.replica >= 3, `replica: ${content.replica - before.replica}`);
  assert.is(content.primary - before.primary, 0);
  assert.is((await ctx.app.request("/stats/regions")).status, 200);
  const regions = await selects();
  assert.is(regions.primary - content.primary, 1, "the regions page: one read on the primary");
});

S("a killed replica: locate keeps answering from the primary, and uses the replica again once it is back", async (ctx) => {
  const { db } = ctx;
  const from = ctx.lines.length;
  await db.replica.kill();
  // No wait for the background check: the first read that fails on the replica goes to the primary.
  const down = await selectsDuring(ctx);
  assert.ok(down.primary >= PLACES, `primary: ${down.primary} SELECTs`);
  const out = ctx.lines.slice(from).filter((l) => l.msg === "read replica out of rotation; its reads go to the primary");
  assert.ok(out.length >= 1, "the replica leaving the rotation is logged");
  assert.is(out[0]!.replica, `127.0.0.1:${db.replica.port}/ichnos`);
  const heartbeat = await ctx.app.request("/__heartbeat__");
  assert.is(heartbeat.status, 200, "a replica out of rotation does not fail the heartbeat");
  assert.equal(((await heartbeat.json()) as { database_replicas: unknown }).database_replicas, [{ up: false, lag_seconds: null }]);

  await db.replica.start();
  await db.waitReplicating();
  await waitFor(ctx, true);
  assert.ok(ctx.lines.slice(from).some((l) => l.msg === "read replica in rotation" && l.level === 30), "its return is logged");
  const back = await selectsDuring(ctx);
  assert.ok(back.replica >= PLACES && back.primary <= 1, JSON.stringify(back));
  assert.not.match(JSON.stringify(ctx.lines), READ_PASSWORD);
});

S("a replica lagging more than DATABASE_READ_MAX_LAG is out of rotation until it catches up", async (ctx) => {
  const { db } = ctx;
  const from = ctx.lines.length;
  await db.query(db.replica, "STOP SLAVE; CHANGE MASTER TO MASTER_DELAY = 60; START SLAVE");
  await db.query(db.primary, "CREATE DATABASE lagprobe; CREATE TABLE lagprobe.t (n INT PRIMARY KEY); INSERT INTO lagprobe.t VALUES (1)");
  try {
    await waitFor(ctx, false, /lagging/);
    const [state] = ctx.deps.reads.status();
    assert.ok((state?.lagSeconds ?? 0) > 2, JSON.stringify(state));
    assert.match(state?.reason ?? "", /lagging \d+ s behind its primary \(more than 2 s\)/);
    const line = ctx.lines.slice(from).find((l) => l.msg === "read replica out of rotation; its reads go to the primary" && /lagging/.test(String(l.reason)));
    assert.ok(line && (line.lagSeconds as number) > 2 && line.maxLagSeconds === 2, JSON.stringify(line));
    const lagging = await selectsDuring(ctx);
    assert.ok(lagging.primary >= PLACES && lagging.replica === 0, JSON.stringify(lagging));
  } finally {
    await db.query(db.replica, "STOP SLAVE; CHANGE MASTER TO MASTER_DELAY = 0; START SLAVE");
  }
  await db.waitCaughtUp();
  await waitFor(ctx, true);
  const back = await selectsDuring(ctx);
  assert.ok(back.replica >= PLACES && back.primary <= 1, JSON.stringify(back));
});

S("a replica whose SQL thread is stopped (Seconds_Behind_Master NULL) gets no reads", async (ctx) => {
  const { db } = ctx;
  await db.query(db.replica, "STOP SLAVE SQL_THREAD");
  try {
    await waitFor(ctx, false, /not replicating \(Seconds_Behind_Master is NULL\)/);
    const stopped = await selectsDuring(ctx);
    assert.ok(stopped.primary >= PLACES && stopped.replica === 0, JSON.stringify(stopped));
  } finally {
    await db.query(db.replica, "START SLAVE SQL_THREAD");
  }
  await waitFor(ctx, true);
});

S("without DATABASE_READ_URL every read is on the primary and the heartbeat keeps SPEC's three keys", async (ctx) => {
  const env = { ...ctx.env, DATABASE_READ_URL: "" };
  const services = createServices(loadConfig(env), createLogger("silent"));
  const geoip = await testGeoIp();
  const deps = createWebDeps(services, createHeartbeatChecks({ pool: services.pool, redis: services.redis, geoip, readLatestMigration }), geoip);
  try {
    const selects = await selectsDuring({ ...ctx, app: createWebApp(deps) });
    assert.ok(selects.primary >= PLACES && selects.replica === 0, JSON.stringify(selects));
    const heartbeat = await createWebApp(deps).request("/__heartbeat__");
    assert.equal(Object.keys((await heartbeat.json()) as object), ["database", "geoip", "redis"]);
  } finally {
    await deps.close();
    await services.close();
  }
});

S.run();
