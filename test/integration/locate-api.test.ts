/**
 * SPEC §6.1: the HTTP behaviour `/v1/geolocate` and `/v1/country` share — key handling, body
 * decoding, the error envelope, CORS — plus the body limits Ichnos adds (413).
 */
import { gzipSync } from "node:zlib";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import type { GeoIpEstimate } from "../../src/domain/locate/geoip-result.ts";
import { assertError, call, clearRedis, createLocateTestEnv, LONDON_IP, londonEstimate } from "../support/locate-setup.ts";
import { corsHeaders, PREFLIGHT_CORS } from "../support/cors.ts";
import { storedCount, type WebTestEnv } from "../support/web-setup.ts";

const S = suite<{ env: WebTestEnv; london: GeoIpEstimate }>("locate API: common behaviour");

S.before(async (ctx) => {
  ctx.env = await createLocateTestEnv("locate-api");
  ctx.london = await londonEstimate();
});
S.after(async (ctx) => ctx.env.close());
S.before.each(async ({ env }) => clearRedis(env));

const ENDPOINTS = ["/v1/geolocate", "/v1/country"] as const;
const TWO_WIFI = { wifiAccessPoints: [{ macAddress: "a82066990001" }, { macAddress: "a82066990002" }] };

/** SPEC §6.1 test_get: the IP-based body, without a fallback tag (the query is geoip_only). */
function ipAnswer(path: string, london: GeoIpEstimate): unknown {
  return path === "/v1/geolocate"
    ? { location: { lat: london.lat, lng: london.lon }, accuracy: london.radius }
    : { country_code: "GB", country_name: "United Kingdom" };
}

async function assertIpAnswer(res: Response, path: string, london: GeoIpEstimate): Promise<void> {
  assert.is(res.status, 200);
  assert.is(res.headers.get("access-control-allow-origin"), "*");
  assert.is(res.headers.get("access-control-max-age"), "2592000");
  assert.equal(await res.json(), ipAnswer(path, london));
}

for (const path of ENDPOINTS) {
  S(`${path}: GET, an empty body, {} and unknown keys are answered from the IP; nothing is queued`, async ({ env, london }) => {
    await assertIpAnswer(await call(env, path, undefined, { ip: LONDON_IP }), path, london);
    await assertIpAnswer(await call(env, path, "", { ip: LONDON_IP }), path, london);
    await assertIpAnswer(await call(env, path, {}, { ip: LONDON_IP }), path, london);
    await assertIpAnswer(await call(env, path, { invalid: 0 }, { ip: LONDON_IP }), path, london);
    await assertIpAnswer(await call(env, path, { wifiAccessPoints: [] }, { ip: LONDON_IP }), path, london);
    assert.is(await storedCount(env), 0);
  });

  S(`${path}: OPTIONS is 200 with exactly the preflight's CORS headers; DELETE, PATCH, PUT are 405`, async ({ env }) => {
    const res = await env.app.request(path, { method: "OPTIONS" });
    assert.is(res.status, 200);
    assert.equal(corsHeaders(res), PREFLIGHT_CORS);
    assert.is(await res.text(), "");
    for (const method of ["DELETE", "PATCH", "PUT"]) assert.is((await env.app.request(`${path}?key=test`, { method })).status, 405, method);
  });

  S(`${path}: a missing, malformed, unknown or disallowed key is 400 keyInvalid, before the body is read`, async ({ env }) => {
    await assertError(await call(env, path, {}, { key: null, ip: LONDON_IP }), 400, "keyInvalid");
    await assertError(await call(env, path, {}, { key: "invalid_key", ip: LONDON_IP }), 400, "keyInvalid");
    await assertError(await call(env, path, {}, { key: "abcdefg", ip: LONDON_IP }), 400, "keyInvalid");
    await assertError(await call(env, path, "[1", { key: null }), 400, "keyInvalid");
    const disallowed = path === "/v1/geolocate" ? "nolocate" : "noregion";
    await assertError(await call(env, path, {}, { key: disallowed, ip: LONDON_IP }), 400, "keyInvalid");
    await env.flushUsage();
    assert.equal(await env.redis.keys(`${env.prefix}:apiuser:*`), []);
  });

  S(`${path}: undecodable bodies are 400 parseError with details.decode`, async ({ env }) => {
    const gz = gzipSync(JSON.stringify(TWO_WIFI));
    const decode = async (res: Response) => assert.ok("decode" in (await assertError(res, 400, "parseError")));
    await decode(await call(env, path, Buffer.from([0xae])));
    await decode(await call(env, path, "{not json"));
    await decode(await call(env, path, gz.subarray(0, gz.length - 2), { headers: { "content-encoding": "gzip" } }));
    await decode(await call(env, path, Buffer.from('{"carrier": "caf\xe9"}', "latin1"), { headers: { "content-type": "application/json; charset=utf-8" } }));
    assert.is(await storedCount(env), 0);
  });

  S(`${path}: a non-mapping or wrongly typed body is 400 parseError with details.validation`, async ({ env }) => {
    const validation = async (res: Response) => (await assertError(res, 400, "parseError")).validation as Record<string, string>;
    assert.ok("" in (await validation(await call(env, path, [1]))));
    assert.ok("wifiAccessPoints.0.macAddress" in (await validation(await call(env, path, { wifiAccessPoints: [{ macAddress: 10 }] }))));
    assert.ok("cellTowers.0.cellId" in (await validation(await call(env, path, { cellTowers: [{ cellId: "abc" }] }))));
    assert.ok("wifiAccessPoints" in (await validation(await call(env, path, { wifiAccessPoints: 5 }))));
  });

  S(`${path}: a gzipped body is decoded (two unknown Wi-Fi → 404 notFound)`, async ({ env }) => {
    const res = await call(env, path, gzipSync(JSON.stringify(TWO_WIFI)), { headers: { "content-encoding": "gzip" } });
    await assertError(res, 404, "notFound");
    assert.is(await storedCount(env), 0);
  });

  S(`${path}: an oversized body and a gzip bomb are 413, the bomb stopped at the limit`, async ({ env }) => {
    const big = JSON.stringify({ carrier: "x".repeat(2 * 1024 * 1024) });
    await assertError(await call(env, path, big), 413, "payloadTooLarge");
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20));
    assert.ok(bomb.length < 1024 * 1024, "the bomb itself is under the limit");
    await assertError(await call(env, path, bomb, { headers: { "content-encoding": "gzip" } }), 413, "payloadTooLarge");
  });
}

S("/v1/geolocate: an empty body counts the request; the unique-IP key lives 7 to 8 days", async ({ env, london }) => {
  await assertIpAnswer(await call(env, "/v1/geolocate", "", { ip: LONDON_IP }), "/v1/geolocate", london);
  await env.flushUsage();
  const [users] = await env.redis.keys(`${env.prefix}:apiuser:locate:test:*`);
  assert.ok(users, "apiuser key written");
  const ttl = await env.redis.ttl(users);
  assert.ok(ttl > 7 * 86_400 && ttl <= 8 * 86_400, `ttl ${ttl}`);
});

S("/v1/country: never counted or limited (SPEC §9.15), even for a key over its limit", async ({ env }) => {
  for (let i = 0; i < 7; i++) assert.is((await call(env, "/v1/country", {}, { key: "limited", ip: LONDON_IP })).status, 200);
  for (let i = 0; i < 3; i++) assert.is((await call(env, "/v1/country", {}, { ip: LONDON_IP })).status, 200);
  await env.flushUsage();
  assert.equal(await env.redis.keys(`${env.prefix}:api*`), []);
});

S("/v1/geolocate: a key over its daily limit is 403 dailyLimitExceeded", async ({ env }) => {
  const day = new Date().toISOString().slice(0, 10).replaceAll("-", "");
  await env.redis.set(`${env.prefix}:apilimit:limited:v1.geolocate:${day}`, "10");
  await assertError(await call(env, "/v1/geolocate", {}, { key: "limited", ip: LONDON_IP }), 403, "dailyLimitExceeded");
  await clearRedis(env);
  for (let i = 0; i < 5; i++) assert.is((await call(env, "/v1/geolocate", {}, { key: "limited", ip: LONDON_IP })).status, 200);
  await assertError(await call(env, "/v1/geolocate", {}, { key: "limited", ip: LONDON_IP }), 403, "dailyLimitExceeded");
});

S("without a client address and without networks both endpoints answer 404", async ({ env }) => {
  for (const path of ENDPOINTS) await assertError(await call(env, path, {}), 404, "notFound");
  await assertError(await call(env, "/v1/geolocate", { fallbacks: { ipf: 0 } }, { ip: LONDON_IP }), 404, "notFound");
});

S.run();
