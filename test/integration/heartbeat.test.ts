import { Redis } from "ioredis";
import mysql from "mysql2/promise";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { createWebApp } from "../../src/api/app.ts";
import {
  createHeartbeatChecks,
  type HeartbeatBody,
  type HeartbeatChecks,
  runHeartbeat,
} from "../../src/api/heartbeat.ts";
import { type HttpServer, startHttpServer } from "../../src/api/serve.ts";
import { createGeoIp, type GeoIp } from "../../src/geoip/geoip-reader.ts";
import { applyMigrations, readLatestMigration } from "../../src/db/migrate.ts";
import { createLogger } from "../../src/logger.ts";
import { createTestDatabase, redisUrl } from "../support/infra.ts";
import { captureLog } from "../support/capture-log.ts";
import { LATEST_MIGRATION } from "../support/migrations.ts";

const MIGRATION = LATEST_MIGRATION;
const DOWN_BODY = {
  database: { up: false, time: 0, alembic_version: "unknown" },
  geoip: { up: false, time: 0, age_in_days: -1, version: "2020-02-26T12:17:00Z" },
  redis: { up: false, time: 0 },
};
const MONITOR_PATHS = ["/__heartbeat__", "/__lbheartbeat__"];
const NOT_FOUND_PATHS = ["/nobody-is-home", "/v1/search", "/v1/transfer"];


async function createMigratedDatabase(url: string): Promise<void> {
  await applyMigrations({ databaseUrl: url, log: createLogger("silent") });
}

function assertSecurityHeaders(res: Response, html: boolean): void {
  assert.match(res.headers.get("strict-transport-security") ?? "", /max-age=\d+; includeSubDomains/);
  assert.is(res.headers.get("x-content-type-options"), "nosniff");
  if (html) {
    assert.match(res.headers.get("content-security-policy") ?? "", "'self'");
    assert.is(res.headers.get("x-frame-options"), "DENY");
    assert.is(res.headers.get("x-xss-protection"), "1; mode=block");
  }
}

function assertNoCors(res: Response): void {
  for (const name of res.headers.keys()) assert.not.ok(name.startsWith("access-control-"), name);
}

async function assertHealthy(res: Response): Promise<void> {
  assert.is(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
  const body = (await res.json()) as HeartbeatBody;
  assert.equal(Object.keys(body), ["database", "geoip", "redis"]);
  assert.equal(Object.keys(body.geoip), ["up", "time", "age_in_days", "version"]);
  for (const check of [body.database, body.geoip, body.redis]) {
    assert.is(check.up, true);
    assert.ok(Number.isInteger(check.time) && check.time >= 0, String(check.time));
  }
  assert.is(body.database.alembic_version, MIGRATION);
  assert.ok(body.geoip.age_in_days >= 1 && body.geoip.age_in_days <= 1000, String(body.geoip.age_in_days));
  assert.match(body.geoip.version, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assertSecurityHeaders(res, false);
  assertNoCors(res);
}

// ---------------------------------------------------------------------------------------------

interface HealthyCtx {
  pool?: mysql.Pool;
  redis?: Redis;
  geoip?: GeoIp;
  drop?: () => Promise<void>;
  app?: ReturnType<typeof createWebApp>;
  server?: HttpServer;
  lines?: Array<Record<string, unknown>>;
}

const Healthy = suite<HealthyCtx>("heartbeat with real backends");

Healthy.before(async (ctx) => {
  const { url, drop } = await createTestDatabase("heartbeat");
  ctx.drop = drop;
  await createMigratedDatabase(url);
  const { log, lines } = captureLog();
  ctx.lines = lines;
  ctx.pool = mysql.createPool({ uri: url, connectionLimit: 2 });
  ctx.redis = new Redis(await redisUrl(), { lazyConnect: true });
  ctx.geoip = await createGeoIp({ log });
  const checks = createHeartbeatChecks({ pool: ctx.pool, redis: ctx.redis, geoip: ctx.geoip, readLatestMigration });
  ctx.app = createWebApp({ log, checks });
});

Healthy.after(async (ctx) => {
  await ctx.server?.close();
  await ctx.pool?.end();
  await ctx.redis?.quit();
  await ctx.drop?.();
});

Healthy("in process: 200 with all three checks up", async ({ app }) => {
  await assertHealthy(await app!.request("/__heartbeat__"));
});

Healthy("HEAD and POST answer too; HEAD without a body", async ({ app }) => {
  const head = await app!.request("/__heartbeat__", { method: "HEAD" });
  assert.is(head.status, 200);
  assert.is(await head.text(), "");
  await assertHealthy(await app!.request("/__heartbeat__", { method: "POST" }));
});

Healthy("through a real listener: 200 with all three checks up", async (ctx) => {
  ctx.server = await startHttpServer(ctx.app!, { host: "127.0.0.1", port: 0, log: createLogger("silent") });
  assert.match(ctx.server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  await assertHealthy(await fetch(new URL("__heartbeat__", ctx.server.url)));
  const lb = await fetch(new URL("__lbheartbeat__", ctx.server.url));
  assert.equal(await lb.json(), { status: "OK" });
});

Healthy("closing the listener is idempotent and frees keep-alive sockets", async (ctx) => {
  const server = ctx.server!;
  const started = performance.now();
  await Promise.all([server.close(), server.close()]);
  await server.close();
  // Without closing idle keep-alive sockets this waits for the 5 s keep-alive timeout.
  assert.ok(performance.now() - started < 1000);
  await fetch(new URL("__lbheartbeat__", server.url)).then(
    () => assert.unreachable("still accepting"),
    () => {},
  );
});

Healthy("monitor routes reject other methods with 405", async ({ app }) => {
  for (const path of MONITOR_PATHS) {
    for (const method of ["DELETE", "PUT", "PATCH", "OPTIONS"]) {
      const res = await app!.request(path, { method });
      assert.is(res.status, 405, `${method} ${path}`);
      assert.is(res.headers.get("allow"), "GET, HEAD, POST");
      assertNoCors(res);
    }
  }
});

Healthy("unknown and removed endpoints are the HTML 404", async ({ app }) => {
  for (const path of NOT_FOUND_PATHS) {
    for (const method of ["GET", "POST"]) {
      const res = await app!.request(path, { method });
      assert.is(res.status, 404, `${method} ${path}`);
      assert.match(res.headers.get("content-type") ?? "", /^text\/html/);
      assert.is(await res.text(), "<h1>404 Not Found</h1>");
      assertSecurityHeaders(res, true);
      assertNoCors(res);
    }
  }
});

Healthy("an unhandled error is logged and its message never leaves the server", async ({ lines }) => {
  const { log, lines: own } = captureLog();
  const app = createWebApp({ log, checks: brokenChecksStub() });
  app.get("/explode", () => {
    throw new Error("secret detail");
  });
  const res = await app.request("/explode");
  assert.is(res.status, 500);
  assert.not.match(await res.text(), "secret");
  assertSecurityHeaders(res, false);
  const logged = own.find((l) => l.msg === "unhandled error");
  assert.ok(logged);
  assert.is((logged.err as { message: string }).message, "secret detail");
  assert.not.ok(lines!.some((l) => l.level === 50), "the healthy app logged no errors");
});

Healthy.run();

function brokenChecksStub(): HeartbeatChecks {
  return {
    database: () => Promise.reject(new Error("down")),
    redis: () => Promise.reject(new Error("down")),
    geoip: () => ({ up: false, buildTime: null }),
  };
}

// ---------------------------------------------------------------------------------------------

const Broken = suite<{ pool?: mysql.Pool; redis?: Redis; app?: ReturnType<typeof createWebApp> }>(
  "heartbeat with broken backends",
);

Broken.before(async (ctx) => {
  const log = createLogger("silent");
  ctx.pool = mysql.createPool({ host: "127.0.0.1", port: 1, user: "root", connectTimeout: 1000 });
  ctx.redis = new Redis({
    host: "127.0.0.1",
    port: 1,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    // disconnect() waits this long for a socket that already failed to emit "close" again.
    disconnectTimeout: 10,
  });
  ctx.redis.on("error", () => {});
  const geoip = await createGeoIp({ path: "/nonexistent/GeoLite2-City.mmdb", log });
  const checks = createHeartbeatChecks({ pool: ctx.pool, redis: ctx.redis, geoip, readLatestMigration });
  ctx.app = createWebApp({ log, checks });
});

Broken.after(async (ctx) => {
  await ctx.pool?.end();
  ctx.redis?.disconnect();
});

Broken("503 with SPEC §6.5's down values, as JSON, without CORS", async ({ app }) => {
  for (const method of ["GET", "POST"]) {
    const res = await app!.request("/__heartbeat__", { method });
    assert.is(res.status, 503);
    assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
    assert.equal(await res.json(), DOWN_BODY);
    assertSecurityHeaders(res, false);
    assertNoCors(res);
  }
});

Broken("lbheartbeat never touches the backends", async ({ app }) => {
  for (const method of ["GET", "POST"]) {
    const res = await app!.request("/__lbheartbeat__", { method });
    assert.is(res.status, 200);
    assert.equal(await res.json(), { status: "OK" });
    assertSecurityHeaders(res, false);
    assertNoCors(res);
  }
  const head = await app!.request("/__lbheartbeat__", { method: "HEAD" });
  assert.is(head.status, 200);
  assert.match(head.headers.get("content-type") ?? "", /^application\/json/);
  assert.is(await head.text(), "");
});

Broken.run();

// ---------------------------------------------------------------------------------------------

const Hung = suite("heartbeat with a hung backend");

Hung("a check that never answers is down after its timeout; the others still report", async () => {
  const checks: HeartbeatChecks = {
    database: () => new Promise(() => {}),
    redis: () => Promise.resolve(),
    geoip: () => ({ up: true, buildTime: new Date("2026-06-17T19:52:21Z") }),
  };
  const started = performance.now();
  const report = await runHeartbeat(checks, {
    log: createLogger("silent"),
    timeoutMs: 50,
    now: () => new Date("2026-11-23T19:52:21Z"),
  });
  assert.ok(performance.now() - started < 1000);
  assert.is(report.status, 503);
  assert.equal(report.body.database, DOWN_BODY.database);
  assert.is(report.body.redis.up, true);
  assert.equal(report.body.geoip, { up: true, time: report.body.geoip.time, age_in_days: 159, version: "2026-06-17T19:52:21Z" });
});

Hung("a check that throws synchronously is down, not a 500", async () => {
  const checks: HeartbeatChecks = {
    database: () => Promise.resolve({ latestMigration: null }),
    redis: () => Promise.resolve(),
    geoip: () => {
      throw new Error("reader gone");
    },
  };
  const report = await runHeartbeat(checks, { log: createLogger("silent") });
  assert.is(report.status, 503);
  assert.equal(report.body.geoip, DOWN_BODY.geoip);
  assert.equal(report.body.database, { up: true, time: report.body.database.time, alembic_version: "unknown" });
});

Hung.run();

// ---------------------------------------------------------------------------------------------

const Listener = suite<{ server?: HttpServer }>("http server");

Listener.after(async (ctx) => {
  await ctx.server?.close();
});

Listener("leaves SIGTERM alone and closes promptly with a request in flight", async (ctx) => {
  const app = createWebApp({ log: createLogger("silent"), checks: brokenChecksStub() });
  app.get("/slow", async () => {
    await new Promise((resolve) => setTimeout(resolve, 200));
    return { ok: true };
  });
  const sigterm = process.listenerCount("SIGTERM");
  const server = await startHttpServer(app, { host: "127.0.0.1", port: 0, log: createLogger("silent") });
  ctx.server = server;
  assert.is(process.listenerCount("SIGTERM"), sigterm, "srvx's graceful-shutdown handler is off");

  await (await fetch(new URL("__lbheartbeat__", server.url))).text(); // leaves an idle keep-alive socket
  const inFlight = fetch(new URL("slow", server.url)).then(async (res) => ({ status: res.status, body: await res.json() }));
  await new Promise((resolve) => setTimeout(resolve, 50));
  const started = performance.now();
  await server.close();
  const elapsed = performance.now() - started;
  assert.equal(await inFlight, { status: 200, body: { ok: true } });
  // The in-flight request finishes (~150 ms left); nothing waits for a keep-alive timeout.
  assert.ok(elapsed < 1000, `${Math.round(elapsed)} ms`);
});

Listener.run();
