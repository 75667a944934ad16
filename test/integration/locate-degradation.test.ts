/**
 * Degraded backends through the HTTP API (DESIGN §5, SPEC §6.2 TestError): with Redis down the
 * locate API answers without rate limiting and drops (and counts) its query reports; without a
 * GeoIP database the heartbeat reports geoip down while station answers still work; with MySQL
 * down `/v1/country` answers from GeoIP. Each app is built by createWebDeps, like `ichnos web`.
 */
import { Redis } from "ioredis";
import { Writable } from "node:stream";
import { suite } from "uvu";
import { createLogger } from "../../src/logger.ts";
import * as assert from "uvu/assert";
import { createWebApp } from "../../src/api/app.ts";
import { createHeartbeatChecks } from "../../src/api/heartbeat.ts";
import { createWebDeps } from "../../src/cli/web-deps.ts";
import { readLatestMigration } from "../../src/db/migrate.ts";
import type { Pool } from "../../src/db/pool.ts";
import type { GeoIpEstimate } from "../../src/domain/locate/geoip-result.ts";
import { createGeoIp } from "../../src/geoip/geoip-reader.ts";
import { createProcessMetrics } from "../../src/metrics/process-metrics.ts";
import { parseExposition, sampleSum } from "../support/metrics.ts";
import { assertError, call, clearRedis, createLocateTestEnv, GB, insertCell, insertMacs, LONDON_IP, londonEstimate, testGeoIp } from "../support/locate-setup.ts";
import { daysAgo } from "../support/station-cases.ts";
import { storedCount, type WebTestEnv } from "../support/web-setup.ts";

interface Ctx { env: WebTestEnv; london: GeoIpEstimate; broken: Redis }
const S = suite<Ctx>("locate API: degraded backends");

const MACS = ["a82066c00001", "a82066c00002", "a82066c00003"];
const CELL = { radio: "lte", mcc: 234, mnc: 30, lac: 700, cid: 7001 } as const;
const wifiBody = { wifiAccessPoints: MACS.map((macAddress) => ({ macAddress, signalStrength: -60 })), considerIp: false };
const cellBody = { cellTowers: [{ radioType: "lte", mobileCountryCode: 234, mobileNetworkCode: 30, locationAreaCode: 700, cellId: 7001 }], considerIp: false };

S.before(async (ctx) => {
  ctx.env = await createLocateTestEnv("locate-degradation");
  ctx.london = await londonEstimate();
  await ctx.env.pool.query(
    `INSERT INTO api_key (valid_key, maxreq, allow_fallback, allow_locate, allow_region, store_sample_locate, store_sample_submit)
     VALUES ('once', 1, 0, 1, 1, 100, 100)`,
  );
  // Established stations, so the Wi-Fi answer beats any GeoIP guess (SPEC §9.14); last seen
  // before today, so every answer that uses them becomes a query report (SPEC §3.9).
  const over = { samples: 100, created: daysAgo(30), lastSeen: daysAgo(3).toISOString().slice(0, 10) };
  await insertMacs(ctx.env, "wifi", MACS.map((mac, i) => ({ mac, over: { ...over, lat: GB.lat + i * 0.00002 } })));
  await insertCell(ctx.env, CELL, { lastSeen: over.lastSeen });
  // Nothing listens on port 1, and without an offline queue every command fails at once.
  ctx.broken = new Redis({ host: "127.0.0.1", port: 1, lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
  ctx.broken.on("error", () => {});
});
S.after(async (ctx) => {
  ctx.broken?.disconnect();
  if (ctx.env) {
    await clearRedis(ctx.env);
    await ctx.env.close();
  }
});
S.before.each(async ({ env }) => clearRedis(env));

type Answer = { location: { lat: number; lng: number }; accuracy: number; fallback?: string };
async function answer(res: Response): Promise<Answer> {
  assert.is(res.status, 200, `status ${res.status}`);
  return (await res.json()) as Answer;
}
function assertNearGB(res: Answer, what: string): void {
  assert.ok(Math.abs(res.location.lat - GB.lat) < 0.0001 && Math.abs(res.location.lng - GB.lon) < 0.0001, `${what}: ${JSON.stringify(res)}`);
  assert.is(res.fallback, undefined, what);
}
type HeartbeatBody = Record<"database" | "geoip" | "redis", { up: boolean }>;

S("with working Redis the key with maxreq 1 is refused the second time (the baseline)", async ({ env }) => {
  assertNearGB(await answer(await call(env, "/v1/geolocate", wifiBody, { key: "once" })), "first");
  await assertError(await call(env, "/v1/geolocate", wifiBody, { key: "once" }), 403, "dailyLimitExceeded");
});

S("Redis down: station answers, no daily limit, query reports dropped and counted", async ({ env, broken }) => {
  const geoip = await testGeoIp();
  const checks = createHeartbeatChecks({ pool: env.pool, redis: broken, geoip, readLatestMigration });
  const lines: string[] = [];
  const log = createLogger("info", new Writable({ write: (chunk, _enc, done) => { lines.push(String(chunk)); done(); } }));
  const deps = createWebDeps({ ...env.services, redis: broken, log, metrics: createProcessMetrics() }, checks, geoip);
  const app = createWebApp(deps);
  const before = await storedCount(env);
  const started = performance.now();
  for (const attempt of ["first", "second"]) {
    const res = await app.request("/v1/geolocate?key=once", { method: "POST", body: JSON.stringify(wifiBody) });
    assertNearGB(await answer(res), `${attempt} Wi-Fi request`);
  }
  const cell = await answer(await app.request("/v1/geolocate?key=once", { method: "POST", body: JSON.stringify(cellBody) }));
  assert.equal(cell, { location: { lat: GB.lat, lng: GB.lon }, accuracy: 1000 });
  assert.ok(performance.now() - started < 5000, `three requests took ${Math.round(performance.now() - started)} ms`);
  assert.is(await storedCount(env), before, "nothing reached the real streams");
  // /v1/country is never limited anyway; it still answers from the stations' region.
  const region = await app.request("/v1/country?key=once", { method: "POST", body: JSON.stringify(wifiBody) });
  assert.is(region.status, 200);
  assert.is(((await region.json()) as { country_code: string }).country_code, "GB");

  const heartbeat = await app.request("/__heartbeat__");
  assert.is(heartbeat.status, 503);
  const body = (await heartbeat.json()) as HeartbeatBody;
  assert.equal([body.database.up, body.geoip.up, body.redis.up], [true, true, false]);

  // Operators see the count: /metrics says how many query reports were lost, and why.
  const metrics = parseExposition(await (await app.request("/metrics")).text());
  assert.is(sampleSum(metrics, "ichnos_locate_query_reports_dropped_total", { reason: "append_failed" }), 3, "each answer's query report was dropped and counted");
  assert.is(sampleSum(metrics, "ichnos_stream_append_failures_total", { caller: "locate" }), 3);
  await deps.close();
  assert.ok(lines.some((l) => l.includes("could not append the query report; dropped")), lines.join(""));
});

S("no GeoIP database: heartbeat geoip down; Wi-Fi and cell answers work; IP-only requests are 404", async ({ env }) => {
  const geoip = await createGeoIp({ path: "/nonexistent", log: env.log });
  assert.is(geoip.available, false);
  const checks = createHeartbeatChecks({ pool: env.pool, redis: env.redis, geoip, readLatestMigration });
  const app = createWebApp(createWebDeps(env.services, checks, geoip));
  const post = (path: string, body: unknown) =>
    app.request(`${path}?key=test`, { method: "POST", body: JSON.stringify(body), headers: { "x-forwarded-for": LONDON_IP } });

  const heartbeat = await app.request("/__heartbeat__");
  assert.is(heartbeat.status, 503);
  const hb = (await heartbeat.json()) as HeartbeatBody & { geoip: { age_in_days: number } };
  assert.equal([hb.database.up, hb.geoip.up, hb.redis.up], [true, false, true]);
  assert.is(hb.geoip.age_in_days, -1);

  assertNearGB(await answer(await post("/v1/geolocate", { ...wifiBody, considerIp: true })), "Wi-Fi with an IP");
  assert.equal(await answer(await post("/v1/geolocate", cellBody)), { location: { lat: GB.lat, lng: GB.lon }, accuracy: 1000 });
  await assertError(await post("/v1/geolocate", {}), 404, "notFound");
  await assertError(await post("/v1/country", {}), 404, "notFound");
  // The same IP-only request with the database present is answered (so the 404 is GeoIP's absence).
  assert.is((await call(env, "/v1/geolocate", {}, { ip: LONDON_IP })).status, 200);
});

S("MySQL down: /v1/country and /v1/geolocate answer from GeoIP; heartbeat database down", async ({ env, london }) => {
  const down = () => Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:3306"));
  const pool = { query: down, execute: down, getConnection: down } as unknown as Pool;
  const geoip = await testGeoIp();
  const checks = createHeartbeatChecks({ pool, redis: env.redis, geoip, readLatestMigration: down });
  const app = createWebApp(createWebDeps({ ...env.services, pool }, checks, geoip));
  const post = (path: string, body: unknown) =>
    app.request(path, { method: "POST", body: JSON.stringify(body), headers: { "x-forwarded-for": LONDON_IP } });

  // The stations' GB region cannot be read; GeoIP's is the answer (ipf defaults to true).
  const { considerIp: _, ...withIp } = wifiBody;
  // A key that would be refused (noregion) or is unknown cannot be checked, so it passes (SPEC §1.4.4).
  for (const path of ["/v1/country?key=test", "/v1/country?key=noregion", "/v1/country?key=unknownkey"]) {
    const res = await post(path, withIp);
    assert.is(res.status, 200, path);
    assert.equal(await res.json(), { country_code: "GB", country_name: "United Kingdom", fallback: "ipf" }, path);
  }
  // The unreadable key cannot enforce its limit: 'once' (maxreq 1) answers twice.
  for (const attempt of ["first", "second"]) {
    const res = await answer(await post("/v1/geolocate?key=once", withIp));
    assert.equal(res, { location: { lat: london.lat, lng: london.lon }, accuracy: london.radius, fallback: "ipf" }, attempt);
  }
  await assertError(await post("/v1/geolocate?key=test", wifiBody), 404, "notFound");

  const heartbeat = await app.request("/__heartbeat__");
  assert.is(heartbeat.status, 503);
  const body = (await heartbeat.json()) as HeartbeatBody;
  assert.equal([body.database.up, body.geoip.up, body.redis.up], [false, true, true]);
});

S.run();
