/**
 * The captured client requests (test/fixtures, sent exactly as the client sends them), a
 * submission drained through the pipeline and then located, and SPEC §6.2 TestError: with
 * MySQL unreachable the key lookup and every station read fail and GeoIP still answers.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { createWebApp } from "../../src/api/app.ts";
import { createHeartbeatChecks } from "../../src/api/heartbeat.ts";
import { createWebDeps } from "../../src/cli/web-deps.ts";
import type { Pool } from "../../src/db/pool.ts";
import type { GeoIpEstimate } from "../../src/domain/locate/geoip-result.ts";
import { assertError, call, createLocateTestEnv, GB, insertArea, insertCell, insertMacs, LONDON_IP, londonEstimate, testGeoIp } from "../support/locate-setup.ts";
import { drainPipeline } from "../support/pipeline-setup.ts";
import { daysAgo } from "../support/station-cases.ts";
import { fixtureRequest, loadFixture, storedCount, type WebTestEnv } from "../support/web-setup.ts";

const S = suite<{ env: WebTestEnv; london: GeoIpEstimate }>("locate API: client fixtures, pipeline, outages");

S.before(async (ctx) => {
  ctx.env = await createLocateTestEnv("locate-fixtures");
  ctx.london = await londonEstimate();
});
S.after(async (ctx) => ctx.env.close());

/** A fixture as its client sends it, optionally through a proxy that adds X-Forwarded-For. */
function send(env: WebTestEnv, name: string, ip?: string): Promise<Response> {
  const { path, init } = fixtureRequest(loadFixture(name), "?key=test");
  const headers = { ...(init.headers as Record<string, string>), ...(ip ? { "x-forwarded-for": ip } : {}) };
  return Promise.resolve(env.app.request(path, { ...init, headers }));
}
type Answer = { location: { lat: number; lng: number }; accuracy: number; fallback?: string };
async function answer(res: Response): Promise<Answer> {
  assert.is(res.status, 200);
  return (await res.json()) as Answer;
}

// The fixtures share MACs, so the "nothing known" cases run before any station exists.
S("nothing known: GC-L1 gets the GeoIP answer tagged ipf; MG-L2 and NS-L1 (considerIp false) are 404", async ({ env, london }) => {
  assert.equal(await answer(await send(env, "GC-L1", LONDON_IP)), {
    location: { lat: london.lat, lng: london.lon }, accuracy: london.radius, fallback: "ipf",
  });
  await assertError(await send(env, "MG-L2", LONDON_IP), 404, "notFound");
  await assertError(await send(env, "NS-L1", LONDON_IP), 404, "notFound");
});

S("GC-L2 (empty query): the GeoIP answer, untagged as the query is geoip_only (SPEC §3.10); 404 without an address", async ({ env, london }) => {
  assert.equal(await answer(await send(env, "GC-L2", LONDON_IP)), { location: { lat: london.lat, lng: london.lon }, accuracy: london.radius });
  await assertError(await send(env, "GC-L2"), 404, "notFound");
});

S("FF-L1, GC-L1 and NS-L1 get the Wi-Fi answer, lat/lng as JSON numbers", async ({ env }) => {
  const macs = ["2c968296ca3f", "54ecb0012851", "a697330ddffe", "7829eddc4141"];
  // Established stations: factory ones (score 0.05 each) would lose to London's GeoIP (SPEC §9.14).
  const over = { samples: 100, created: daysAgo(30) };
  await insertMacs(env, "wifi", macs.map((mac, i) => ({ mac, over: { ...over, lat: GB.lat + i * 0.00002 } })));
  for (const name of ["FF-L1", "GC-L1", "NS-L1"]) {
    const res = await answer(await send(env, name, LONDON_IP));
    assert.type(res.location.lat, "number");
    assert.type(res.location.lng, "number");
    assert.ok(Math.abs(res.location.lat - GB.lat) < 0.0001 && Math.abs(res.location.lng - GB.lon) < 0.0001, `${name}: ${JSON.stringify(res)}`);
    assert.ok(res.accuracy <= 500, `${name}: Wi-Fi accuracy`);
    assert.is(res.fallback, undefined, name);
  }
});

S("MG-L2: the area answer tagged lacf when only the area is known, then the cell answer", async ({ env }) => {
  const cell = { radio: "lte", mcc: 262, mnc: 2, lac: 34567, cid: 26318593 } as const;
  await insertArea(env, cell, { lat: 52.5, lon: 13.4, region: "DE" });
  assert.equal(await answer(await send(env, "MG-L2")), { location: { lat: 52.5, lng: 13.4 }, accuracy: 50_000, fallback: "lacf" });
  await insertCell(env, cell, { lat: 52.51, lon: 13.41, region: "DE" });
  assert.equal(await answer(await send(env, "MG-L2")), { location: { lat: 52.51, lng: 13.41 }, accuracy: 1000 });
});

S("stations learnt from a drained submission are found by a geolocate request", async ({ env }) => {
  const macs = ["a82066123401", "a82066123402", "a82066123403"];
  const items = [0, 1, 2].map((i) => ({
    position: { latitude: 48.85 + i * 0.00001, longitude: 2.35, accuracy: 10 },
    wifiAccessPoints: macs.map((macAddress) => ({ macAddress, signalStrength: -60 })),
  }));
  const submitted = await env.app.request("/v2/geosubmit", { method: "POST", body: JSON.stringify({ items }), headers: { "content-type": "application/json" } });
  assert.is(submitted.status, 200);
  await drainPipeline(env.services);
  const res = await answer(await call(env, "/v1/geolocate", { wifiAccessPoints: macs.map((macAddress) => ({ macAddress })), considerIp: false }));
  assert.ok(Math.abs(res.location.lat - 48.85001) < 0.0001 && Math.abs(res.location.lng - 2.35) < 0.0001, JSON.stringify(res));
});

S("MySQL down (key lookup and station reads fail): GeoIP answers with ipf, nothing queued", async ({ env, london }) => {
  const down = () => Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:3306"));
  const pool = { query: down, execute: down, getConnection: down } as unknown as Pool;
  const geoip = await testGeoIp();
  const checks = createHeartbeatChecks({ pool, redis: env.redis, geoip, readLatestMigration: down });
  const app = createWebApp(createWebDeps({ ...env.services, pool }, checks, geoip));
  const before = await storedCount(env);
  const body = { cellTowers: [{ radioType: "gsm", mobileCountryCode: 234, mobileNetworkCode: 30, locationAreaCode: 1, cellId: 1 }],
    wifiAccessPoints: [{ macAddress: "a82066123401" }, { macAddress: "a82066123402" }] };
  for (const path of ["/v1/geolocate?key=test", "/v1/geolocate?key=unknownkey"]) {
    const res = await app.request(path, { method: "POST", body: JSON.stringify(body), headers: { "x-forwarded-for": LONDON_IP } });
    assert.equal(await answer(res), { location: { lat: london.lat, lng: london.lon }, accuracy: london.radius, fallback: "ipf" });
  }
  assert.is(await storedCount(env), before);
});

S.run();
