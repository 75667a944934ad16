/**
 * The external fallback (SPEC §3.12) end to end through `/v1/geolocate`: the web app built by
 * createWebDeps, API keys read from MySQL, and a real provider on loopback speaking each schema.
 * Cache hits, the rate limit, a provider that never answers and a 5xx are seen by the client as
 * answers from the other sources (GeoIP, or 404).
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import type { GeoIpEstimate } from "../../src/domain/locate/geoip-result.ts";
import { assertError, call, clearRedis, createLocateTestEnv, GB, insertMacs, LONDON_IP, londonEstimate } from "../support/locate-setup.ts";
import { insertFallbackKey, type LoopbackProvider, startLoopbackProvider } from "../support/loopback-provider.ts";
import { daysAgo } from "../support/station-cases.ts";
import type { WebTestEnv } from "../support/web-setup.ts";

interface Ctx { env: WebTestEnv; provider: LoopbackProvider; london: GeoIpEstimate }
const S = suite<Ctx>("locate API: external fallback provider");

S.before(async (ctx) => {
  ctx.env = await createLocateTestEnv("locate-fallback");
  ctx.provider = await startLoopbackProvider();
  ctx.london = await londonEstimate();
});
S.after(async (ctx) => {
  await ctx.provider?.close();
  if (ctx.env) {
    await clearRedis(ctx.env);
    await ctx.env.close();
  }
});
S.before.each((ctx) => {
  ctx.provider.seen.length = 0;
  ctx.provider.replies.clear();
});

let macNo = 0x100;
/** Two fresh Wi-Fi MACs, so no test shares a cache entry or a station with another. */
function freshMacs(): string[] {
  return [macNo++, macNo++].map((n) => `a82066b0${n.toString(16).padStart(4, "0")}`);
}
const wifiBody = (macs: string[], extra: Record<string, unknown> = {}) => ({
  wifiAccessPoints: macs.map((macAddress) => ({ macAddress, signalStrength: -60 })), ...extra,
});
const FOUND = { location: { lat: 48.8566, lng: 2.3522 }, accuracy: 250 };
type Answer = { location: { lat: number; lng: number }; accuracy: number; fallback?: string };
async function answer(res: Response): Promise<Answer> {
  assert.is(res.status, 200, `status ${res.status}`);
  return (await res.json()) as Answer;
}

S("ichnaea/v1: the provider gets the ichnaea body with ipf false; its answer and lacf pass through", async ({ env, provider }) => {
  provider.replies.set("/ichnaea", { status: 200, body: { ...FOUND, fallback: "lacf" } });
  await insertFallbackKey(env, "fb-ichnaea", { name: "ichnaea-fb", url: provider.url("/ichnaea"), schema: "ichnaea/v1" });
  const macs = freshMacs();
  const cell = { radioType: "lte", mobileCountryCode: 208, mobileNetworkCode: 1, locationAreaCode: 7, cellId: 12345 };
  const res = await answer(await call(env, "/v1/geolocate", wifiBody(macs, { cellTowers: [cell], considerIp: false }), { key: "fb-ichnaea" }));
  assert.equal(res, { ...FOUND, fallback: "lacf" });
  assert.is(provider.seen.length, 1);
  const seen = provider.seen[0]!;
  assert.is(seen.method, "POST");
  assert.is(seen.headers["user-agent"], "ichnaea");
  assert.match(seen.headers["content-type"] ?? "", /application\/json/);
  assert.equal(seen.body, {
    fallbacks: { lacf: true, ipf: false },
    cellTowers: [cell],
    wifiAccessPoints: macs.map((macAddress) => ({ macAddress, signalStrength: -60 })),
  });
});

S("googlemaps/v1: considerIp false, no fallbacks field; an untagged answer stays untagged", async ({ env, provider }) => {
  provider.replies.set("/google", { status: 200, body: FOUND });
  await insertFallbackKey(env, "fb-google", { name: "google-fb", url: provider.url("/google"), schema: "googlemaps/v1" });
  const macs = freshMacs();
  const res = await answer(await call(env, "/v1/geolocate", wifiBody(macs, { considerIp: false }), { key: "fb-google" }));
  assert.equal(res, FOUND);
  assert.equal(provider.seen.map((s) => s.body), [{
    considerIp: false, wifiAccessPoints: macs.map((macAddress) => ({ macAddress, signalStrength: -60 })),
  }]);
});

S("unwiredlabs/v1: token from the URL fragment, renamed fields; status ok with lacf passes through", async ({ env, provider }) => {
  provider.replies.set("/unwired", { status: 200, body: { status: "ok", lat: 40.4, lon: -3.7, accuracy: 800, fallback: "lacf" } });
  await insertFallbackKey(env, "fb-unwired", { name: "unwired-fb", url: `${provider.url("/unwired")}#secret-token`, schema: "unwiredlabs/v1" });
  const macs = freshMacs();
  const res = await answer(await call(env, "/v1/geolocate", wifiBody(macs, { considerIp: false }), { key: "fb-unwired" }));
  assert.equal(res, { location: { lat: 40.4, lng: -3.7 }, accuracy: 800, fallback: "lacf" });
  assert.is(provider.seen.length, 1, "the fragment is not part of the request path");
  assert.equal(provider.seen[0]!.body, {
    token: "secret-token", fallbacks: { lacf: true, ipf: false }, wifi: macs.map((bssid) => ({ bssid, signal: -60 })),
  });
});

S("unwiredlabs/v1 'No matches found' is a 404 for the client", async ({ env, provider }) => {
  provider.replies.set("/unwired-none", { status: 200, body: { status: "error", message: "No matches found" } });
  await insertFallbackKey(env, "fb-unwired-none", { name: "unwired-none", url: `${provider.url("/unwired-none")}#t`, schema: "unwiredlabs/v1" });
  await assertError(await call(env, "/v1/geolocate", wifiBody(freshMacs(), { considerIp: false }), { key: "fb-unwired-none" }), 404, "notFound");
  assert.is(provider.seen.length, 1);
});

S("combain/v1: the ichnaea body; lacf passes through, other tags do not", async ({ env, provider }) => {
  provider.replies.set("/combain", { status: 200, body: { ...FOUND, fallback: "lacf" } });
  provider.replies.set("/combain-ipf", { status: 200, body: { ...FOUND, fallback: "ipf" } });
  await insertFallbackKey(env, "fb-combain", { name: "combain-fb", url: provider.url("/combain"), schema: "combain/v1" });
  await insertFallbackKey(env, "fb-combain-ipf", { name: "combain-ipf", url: provider.url("/combain-ipf"), schema: "combain/v1" });
  const macs = freshMacs();
  const res = await answer(await call(env, "/v1/geolocate", wifiBody(macs, { considerIp: false }), { key: "fb-combain" }));
  assert.equal(res, { ...FOUND, fallback: "lacf" });
  assert.equal(provider.seen[0]!.body, {
    fallbacks: { lacf: true, ipf: false }, wifiAccessPoints: macs.map((macAddress) => ({ macAddress, signalStrength: -60 })),
  });
  const untagged = await answer(await call(env, "/v1/geolocate", wifiBody(freshMacs(), { considerIp: false }), { key: "fb-combain-ipf" }));
  assert.equal(untagged, FOUND, "only lacf is passed through");
});

S("the client's fallbacks.lacf false is forwarded", async ({ env, provider }) => {
  provider.replies.set("/ichnaea-nolacf", { status: 200, body: FOUND });
  await insertFallbackKey(env, "fb-nolacf", { name: "nolacf-fb", url: provider.url("/ichnaea-nolacf") });
  const body = wifiBody(freshMacs(), { considerIp: false, fallbacks: { lacf: false } });
  assert.equal(await answer(await call(env, "/v1/geolocate", body, { key: "fb-nolacf" })), FOUND);
  assert.equal(provider.seen[0]!.body.fallbacks, { lacf: false, ipf: false });
});

S("cache hit: a second identical request is answered from Redis without a provider call", async ({ env, provider }) => {
  provider.replies.set("/cached", { status: 200, body: FOUND });
  await insertFallbackKey(env, "fb-cached", { name: "cached-fb", url: provider.url("/cached"), cacheExpire: 60 });
  const body = wifiBody(freshMacs(), { considerIp: false });
  const first = await answer(await call(env, "/v1/geolocate", body, { key: "fb-cached" }));
  assert.equal(first, FOUND);
  const cacheKeys = await env.redis.keys(`${env.prefix}:cache:fallback:ichnaea:v1:1:wifi:*`);
  assert.ok(cacheKeys.length >= 2, `cache entries ${cacheKeys.join(",")}`);
  const second = await answer(await call(env, "/v1/geolocate", body, { key: "fb-cached" }));
  assert.equal(second, first);
  assert.is(provider.calls("/cached").length, 1, "no second provider call");
});

S("rate limit 1: the second distinct request makes no call and answers from GeoIP, or 404", async ({ env, provider, london }) => {
  provider.replies.set("/limited", { status: 200, body: FOUND });
  // A day-long interval: the two requests cannot straddle a counter boundary in practice.
  await insertFallbackKey(env, "fb-limited", { name: "limited-fb", url: provider.url("/limited"), ratelimit: 1, intervalSeconds: 86_400 });
  const opts = { key: "fb-limited", ip: LONDON_IP };
  assert.equal(await answer(await call(env, "/v1/geolocate", wifiBody(freshMacs()), opts)), FOUND);
  const limited = await answer(await call(env, "/v1/geolocate", wifiBody(freshMacs()), opts));
  assert.equal(limited, { location: { lat: london.lat, lng: london.lon }, accuracy: london.radius, fallback: "ipf" });
  await assertError(await call(env, "/v1/geolocate", wifiBody(freshMacs(), { considerIp: false }), opts), 404, "notFound");
  assert.is(provider.calls("/limited").length, 1, "only the first request reached the provider");
  const counters = await env.redis.keys(`${env.prefix}:fallback_ratelimit:limited-fb:*`);
  assert.is(counters.length, 1);
  assert.is(await env.redis.get(counters[0]!), "3", "every attempt is counted");
});

S("a provider that never answers: the request still answers after the 5 s timeout, from GeoIP", async ({ env, provider, london }) => {
  provider.replies.set("/hang", { hang: true });
  await insertFallbackKey(env, "fb-hang", { name: "hang-fb", url: provider.url("/hang") });
  const macs = freshMacs();
  const started = performance.now();
  const res = await answer(await call(env, "/v1/geolocate", wifiBody(macs), { key: "fb-hang", ip: LONDON_IP }));
  const ms = performance.now() - started;
  assert.equal(res, { location: { lat: london.lat, lng: london.lon }, accuracy: london.radius, fallback: "ipf" });
  assert.ok(ms >= 4900 && ms < 6500, `answered after ${Math.round(ms)} ms`);
  assert.is(provider.calls("/hang").length, 1, "no retry once a connection was made");
  assert.is(await env.redis.get(`${env.prefix}:cache:fallback:ichnaea:v1:1:wifi:${macs[0]}`), null, "a timeout is not cached");
});

S("provider 500: GeoIP answers; without an IP 404; nothing is cached", async ({ env, provider, london }) => {
  provider.replies.set("/broken", { status: 500, body: { error: "boom" } });
  await insertFallbackKey(env, "fb-broken", { name: "broken-fb", url: provider.url("/broken") });
  const macs = freshMacs();
  const res = await answer(await call(env, "/v1/geolocate", wifiBody(macs), { key: "fb-broken", ip: LONDON_IP }));
  assert.equal(res, { location: { lat: london.lat, lng: london.lon }, accuracy: london.radius, fallback: "ipf" });
  await assertError(await call(env, "/v1/geolocate", wifiBody(macs, { considerIp: false }), { key: "fb-broken" }), 404, "notFound");
  assert.is(provider.calls("/broken").length, 2, "an error is not cached: the provider is asked again");
  assert.is(await env.redis.get(`${env.prefix}:cache:fallback:ichnaea:v1:1:wifi:${macs[0]}`), null);
});

S("an internal result that satisfies the query: the provider is not called", async ({ env, provider }) => {
  provider.replies.set("/unused", { status: 200, body: FOUND });
  await insertFallbackKey(env, "fb-unused", { name: "unused-fb", url: provider.url("/unused") });
  const macs = freshMacs();
  // Established stations (score ≥ 1 together, accuracy in the "high" class).
  await insertMacs(env, "wifi", macs.map((mac, i) => ({ mac, over: { samples: 100, created: daysAgo(30), lat: GB.lat + i * 0.00002 } })));
  const res = await answer(await call(env, "/v1/geolocate", wifiBody(macs, { considerIp: false }), { key: "fb-unused" }));
  assert.ok(Math.abs(res.location.lat - GB.lat) < 0.0001 && Math.abs(res.location.lng - GB.lon) < 0.0001, JSON.stringify(res));
  assert.is(res.fallback, undefined);
  assert.is(provider.seen.length, 0);
});

S("a key without allow_fallback never calls the provider", async ({ env, provider }) => {
  provider.replies.set("/never", { status: 200, body: FOUND });
  await env.pool.query(
    `INSERT INTO api_key (valid_key, maxreq, allow_fallback, allow_locate, allow_region, fallback_name, fallback_url, fallback_ratelimit, fallback_ratelimit_interval)
     VALUES ('fb-disallowed', 0, 0, 1, 1, 'never-fb', ?, 0, 60)`, [provider.url("/never")],
  );
  await assertError(await call(env, "/v1/geolocate", wifiBody(freshMacs(), { considerIp: false }), { key: "fb-disallowed" }), 404, "notFound");
  assert.is(provider.seen.length, 0);
});

S.run();
