import { gzipSync } from "node:zlib";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { corsHeaders, PREFLIGHT_CORS } from "../support/cors.ts";
import { createWebTestEnv, fixtureRequest, loadFixture, storedCount, storedEntries, type WebTestEnv } from "../support/web-setup.ts";

const S = suite<{ env: WebTestEnv }>("submit API");

const ENDPOINTS = [
  { path: "/v2/geosubmit", ok: 200, counter: "v2.geosubmit" },
  { path: "/v1/geosubmit", ok: 200, counter: "v1.geosubmit" },
  { path: "/v1/submit", ok: 204, counter: "v1.submit" },
] as const;

/** One report with one Wi-Fi network, in each endpoint's own schema. */
function oneReport(path: string): unknown {
  if (path === "/v1/submit") return { items: [{ lat: 51.5, lon: -0.1, wifi: [{ key: "a82066000001" }] }] };
  if (path === "/v1/geosubmit") return { items: [{ latitude: 51.5, longitude: -0.1, wifiAccessPoints: [{ macAddress: "a82066000001" }] }] };
  return { items: [{ position: { latitude: 51.5, longitude: -0.1 }, wifiAccessPoints: [{ macAddress: "a82066000001" }] }] };
}

S.before(async (ctx) => {
  ctx.env = await createWebTestEnv("submit");
  await ctx.env.pool.query(
    `INSERT INTO api_key (valid_key, maxreq, allow_fallback, allow_locate, allow_region, store_sample_locate, store_sample_submit)
     VALUES ('test', 0, 0, 1, 1, 100, 100), ('limited', 5, 0, 1, 1, 100, 100), ('nosample', 0, 0, 1, 1, 100, 0)`,
  );
});
S.after(async (ctx) => {
  await ctx.env.close();
});
S.before.each(async ({ env }) => {
  // Usage counts an earlier test left buffered must not land after the clearing.
  await env.flushUsage();
  const keys = await env.redis.keys(`${env.prefix}:*`);
  if (keys.length) await env.redis.del(...keys);
});

const post = (env: WebTestEnv, path: string, body: string | Uint8Array | null, headers: Record<string, string> = {}) =>
  env.app.request(path, { method: "POST", body, headers: { "content-type": "application/json", ...headers } });

async function assertParseError(res: Response, details?: "decode" | "validation" | null): Promise<Record<string, unknown>> {
  assert.is(res.status, 400);
  assert.match(res.headers.get("content-type") ?? "", /application\/json/);
  assert.is(res.headers.get("access-control-allow-origin"), "*");
  const body = (await res.json()) as { error: { code: number; errors: { reason: string }[] }; details?: Record<string, unknown> };
  assert.is(body.error.code, 400);
  assert.is(body.error.errors[0]!.reason, "parseError");
  if (details === null) assert.not.ok("details" in body, "no details");
  else if (details) assert.ok(body.details && details in body.details, `details.${details}`);
  return body.details ?? {};
}

for (const { path, ok } of ENDPOINTS) {
  S(`${path}: a gzipped body is accepted, stored once, with CORS headers`, async ({ env }) => {
    const res = await post(env, path, gzipSync(JSON.stringify(oneReport(path))), { "content-encoding": "gzip" });
    assert.is(res.status, ok);
    assert.is(res.headers.get("access-control-allow-origin"), "*");
    assert.is(res.headers.get("access-control-max-age"), "2592000");
    assert.match(res.headers.get("strict-transport-security") ?? "", /max-age=31536000; includeSubDomains/);
    assert.is(res.headers.get("x-content-type-options"), "nosniff");
    if (ok === 204) {
      assert.is(await res.text(), "");
      assert.is(res.headers.get("content-type"), null);
    } else assert.equal(await res.json(), {});
    const [entry] = await storedEntries(env);
    assert.is(await storedCount(env), 1);
    assert.equal(entry!.report.wifiAccessPoints, [{ macAddress: "a82066000001" }]);
    assert.equal(entry!.report.position, { latitude: 51.5, longitude: -0.1 });
    assert.is(entry!.api_key, null);
    assert.is(entry!.source, "gnss");
  });

  S(`${path}: malformed, truncated and wrongly encoded bodies are 400 and store nothing`, async ({ env }) => {
    const gz = gzipSync(JSON.stringify(oneReport(path)));
    await assertParseError(await post(env, path, Buffer.from("not gzip at all"), { "content-encoding": "gzip" }), "decode");
    await assertParseError(await post(env, path, gz.subarray(0, gz.length - 10), { "content-encoding": "gzip" }), "decode");
    await assertParseError(await post(env, path, Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])), "decode");
    await assertParseError(await post(env, path, "no json here"), "decode");
    assert.is(await storedCount(env), 0);
  });

  S(`${path}: GET, an empty body, {} and a non-mapping are parse errors as the SPEC says`, async ({ env }) => {
    await assertParseError(await env.app.request(path), null);
    await assertParseError(await post(env, path, ""), null);
    assert.equal(await assertParseError(await post(env, path, "{}"), "validation"), { validation: { items: "Required" } });
    const details = await assertParseError(await post(env, path, "[1]"), "validation");
    assert.ok("" in (details.validation as Record<string, string>), "root path");
  });

  S(`${path}: a key with store_sample_submit 0 gets success and nothing is stored`, async ({ env }) => {
    const res = await post(env, `${path}?key=nosample`, JSON.stringify(oneReport(path)));
    assert.is(res.status, ok);
    assert.is(await storedCount(env), 0);
  });

  S(`${path}: no, malformed and unknown keys are accepted without usage counting; a known key is counted`, async ({ env }) => {
    for (const query of ["", "?key=", "?key=a", "?key=no%20such%20key", "?key=unknown-key"]) {
      assert.is((await post(env, `${path}${query}`, JSON.stringify(oneReport(path)))).status, ok);
    }
    await env.flushUsage();
    assert.equal(await env.redis.keys(`${env.prefix}:api*`), []);
    assert.ok((await storedEntries(env)).every((e) => e.api_key === null));
    assert.is((await post(env, `${path}?key=test`, JSON.stringify(oneReport(path)))).status, ok);
    await env.flushUsage();
    const today = new Date().toISOString().slice(0, 10);
    assert.is(await env.redis.pfcount(`${env.prefix}:apiuser:submit:test:${today}`), 1);
    const stored = await storedEntries(env);
    assert.is(stored.filter((e) => e.api_key === "test").length, 1, "the known key is stored with its report");
  });

  S(`${path}: OPTIONS answers 200 with exactly the preflight's CORS headers; other methods are 405 with CORS too`, async ({ env }) => {
    const res = await env.app.request(path, { method: "OPTIONS" });
    assert.is(res.status, 200);
    assert.equal(corsHeaders(res), PREFLIGHT_CORS);
    assert.is(await res.text(), "");
    for (const method of ["PUT", "DELETE", "PATCH"]) {
      const bad = await env.app.request(path, { method });
      assert.is(bad.status, 405, method);
      assert.is(bad.headers.get("access-control-allow-origin"), "*", method);
      assert.is(bad.headers.get("access-control-max-age"), "2592000", method);
    }
  });

  S(`${path}: Redis failing while appending answers 503 serviceUnavailable`, async ({ env }) => {
    const { createWebApp } = await import("../../src/api/app.ts");
    const { createWebDeps } = await import("../../src/cli/web-deps.ts");
    const { Redis } = await import("ioredis");
    const broken = new Redis({ port: 1, lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
    try {
      const app = createWebApp(createWebDeps({ ...env.services, redis: broken }, { database: async () => ({ latestMigration: null }), redis: async () => undefined, geoip: () => ({ up: true, buildTime: null }) }, { lookup: () => null }));
      const res = await app.request(path, { method: "POST", body: JSON.stringify(oneReport(path)) });
      assert.is(res.status, 503);
      const body = (await res.json()) as { error: { errors: { reason: string }[] } };
      assert.is(body.error.errors[0]!.reason, "serviceUnavailable");
      assert.is(res.headers.get("access-control-allow-origin"), "*");
    } finally {
      broken.disconnect();
    }
  });
}

S("a key with maxreq 5 gets 403 dailyLimitExceeded on the 6th request of the day on one path", async ({ env }) => {
  const body = JSON.stringify(oneReport("/v2/geosubmit"));
  for (let i = 1; i <= 5; i++) assert.is((await post(env, "/v2/geosubmit?key=limited", body)).status, 200, `request ${i}`);
  const refused = await post(env, "/v2/geosubmit?key=limited", body);
  assert.is(refused.status, 403);
  const envelope = (await refused.json()) as { error: { code: number; message: string; errors: { domain: string; reason: string; message: string }[] } };
  assert.equal(envelope, {
    error: { errors: [{ domain: "usageLimits", reason: "dailyLimitExceeded", message: "You have exceeded your daily limit." }], code: 403, message: "You have exceeded your daily limit." },
  });
  assert.is(refused.headers.get("access-control-allow-origin"), "*");
  assert.is(await storedCount(env), 5, "the refused request stored nothing");
  // The limit is per path: the same key may still use another endpoint today.
  assert.is((await post(env, "/v1/geosubmit?key=limited", JSON.stringify(oneReport("/v1/geosubmit")))).status, 200);

  const now = new Date();
  const day = now.toISOString().slice(0, 10);
  const limitKey = `${env.prefix}:apilimit:limited:v2.geosubmit:${day.replaceAll("-", "")}`;
  assert.is(await env.redis.get(limitKey), "6", "the refused request was counted too");
  const limitTtl = await env.redis.ttl(limitKey);
  assert.ok(limitTtl > 89_990 && limitTtl <= 90_000, `apilimit TTL ${limitTtl}`);
  const usersTtl = await env.redis.ttl(`${env.prefix}:apiuser:submit:limited:${day}`);
  assert.ok(usersTtl > 691_190 && usersTtl <= 691_200, `apiuser TTL ${usersTtl}`);
});

S("the rate limit comes before the body: an over-limit key with a broken body gets 403", async ({ env }) => {
  await env.redis.set(`${env.prefix}:apilimit:limited:v2.geosubmit:${new Date().toISOString().slice(0, 10).replaceAll("-", "")}`, "5");
  const res = await post(env, "/v2/geosubmit?key=limited", "{broken");
  assert.is(res.status, 403);
});

for (const name of ["GC-S1", "NS-S1", "TC-S1"]) {
  S(`fixture ${name} is sent as its client sends it and stored field by field`, async ({ env }) => {
    const fixture = loadFixture(name);
    const { path, init } = fixtureRequest(fixture);
    const res = await env.app.request(path, init);
    assert.is(res.status, 200, fixture.expect);
    assert.equal(await res.json(), {});
    const stored = await storedEntries(env);
    const items = (fixture.body as { items: Record<string, unknown>[] }).items;
    assert.is(stored.length, items.length);
    const ua = (init.headers as Record<string, string>)["user-agent"] ?? null;
    for (const entry of stored) {
      assert.is(entry.user_agent, ua);
      assert.is(entry.api_key, null);
      assert.ok(Math.abs(entry.received - Date.now()) < 60_000);
    }
    const byTime = new Map(stored.map((e) => [e.report.timestamp, e]));
    for (const item of items) {
      const entry = byTime.get(item.timestamp as number)!;
      assert.ok(entry, `report ${item.timestamp} stored`);
      const position = item.position as Record<string, unknown> | undefined;
      if (position) {
        assert.is(entry.report.position?.latitude, position.latitude);
        assert.is(entry.report.position?.longitude, position.longitude);
        assert.is(entry.report.position?.accuracy, position.accuracy);
      }
      // `gps` is read as `gnss` (DESIGN §7).
      assert.is(entry.source, position?.source === "gps" || !position?.source ? "gnss" : position.source);
      const wifi = (item.wifiAccessPoints as Record<string, unknown>[] | undefined) ?? [];
      assert.equal(entry.report.wifiAccessPoints.map((w) => [w.macAddress, w.frequency, w.signalStrength]),
        wifi.map((w) => [w.macAddress, w.frequency, w.signalStrength]));
      const cells = (item.cellTowers as Record<string, unknown>[] | undefined) ?? [];
      assert.equal(entry.report.cellTowers.map((c) => [c.radioType, c.mobileCountryCode, c.mobileNetworkCode, c.locationAreaCode, c.cellId]),
        cells.map((c) => [c.radioType, c.mobileCountryCode, c.mobileNetworkCode, c.locationAreaCode, c.cellId]));
    }
  });
}

S("NeoStumbler's nr cell with a 36-bit id and its 6 GHz Wi-Fi are kept exactly", async ({ env }) => {
  const { path, init } = fixtureRequest(loadFixture("NS-S1"));
  assert.is((await env.app.request(path, init)).status, 200);
  const reports = (await storedEntries(env)).map((e) => e.report);
  assert.ok(reports.some((r) => r.cellTowers.some((c) => c.radioType === "nr" && (c.cellId ?? 0) > 2 ** 32)), "nr cell with a 36-bit id");
  assert.ok(reports.some((r) => r.wifiAccessPoints.some((w) => w.frequency === 6135)), "6 GHz Wi-Fi");
});

S.run();
