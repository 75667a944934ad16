/**
 * Field and entry bounds through the HTTP API: megabyte-sized SSIDs, MACs and User-Agents never
 * reach the reports streams, and a report whose stream entry would exceed MAX_ENTRY_BYTES fails
 * its whole request. The suite runs with MAX_ENTRY_BYTES=64KiB, so the limit is the configured one.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { createWebApp } from "../../src/api/app.ts";
import { createHeartbeatChecks } from "../../src/api/heartbeat.ts";
import { createWebDeps } from "../../src/cli/web-deps.ts";
import { readLatestMigration } from "../../src/db/migrate.ts";
import { createProcessMetrics } from "../../src/metrics/process-metrics.ts";
import { captureLog } from "../support/capture-log.ts";
import { parseExposition, sampleSum } from "../support/metrics.ts";
import { clearRedis, GB, insertMacs, testGeoIp } from "../support/locate-setup.ts";
import { daysAgo } from "../support/station-cases.ts";
import { createWebTestEnv, storedCount, storedEntries, type WebTestEnv } from "../support/web-setup.ts";

const S = suite<{ env: WebTestEnv }>("submit field and entry bounds");

const LIMIT = 64 * 1024;
const HUGE = "x".repeat(10_000_000);
/** For requests with several over-long values: four of these still fit MAX_BODY_BYTES (10 MiB). */
const BIG = "x".repeat(2_000_000);
const MAC = "a82066000001";
const MAC2 = "a82066000002";
/** Stations known since last month, so a locate answer from them queues a query report (SPEC §3.9). */
const KNOWN = ["a82066d00001", "a82066d00002"];

S.before(async (ctx) => {
  ctx.env = await createWebTestEnv("submit-bounds", { MAX_ENTRY_BYTES: "64KiB" });
  await ctx.env.pool.query(
    `INSERT INTO api_key (valid_key, maxreq, allow_fallback, allow_locate, allow_region, store_sample_locate, store_sample_submit)
     VALUES ('test', 0, 0, 1, 1, 100, 100), ('nosample', 0, 0, 1, 1, 100, 0)`,
  );
  const over = { samples: 100, created: daysAgo(30), lastSeen: daysAgo(3).toISOString().slice(0, 10) };
  await insertMacs(ctx.env, "wifi", KNOWN.map((mac, i) => ({ mac, over: { ...over, lat: GB.lat + i * 0.00002 } })));
});
S.after(async (ctx) => ctx.env.close());
S.before.each(async ({ env }) => clearRedis(env));

const post = (env: WebTestEnv, path: string, body: unknown, headers: Record<string, string> = {}) =>
  env.app.request(path, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json", ...headers } });

/** The longest string anywhere in the stored entries. */
async function longestStored(env: WebTestEnv): Promise<number> {
  let longest = 0;
  JSON.stringify(await storedEntries(env), (_key, value: unknown) => {
    if (typeof value === "string") longest = Math.max(longest, value.length);
    return value;
  });
  return longest;
}

/** One report with two access points, in each endpoint's schema. */
const ENDPOINTS = [
  {
    path: "/v2/geosubmit",
    ok: 200,
    body: (aps: { mac: string; ssid?: string }[]) => ({
      items: [{ position: { latitude: 51.5, longitude: -0.1 }, wifiAccessPoints: aps.map((a) => ({ macAddress: a.mac, ssid: a.ssid })) }],
    }),
  },
  {
    path: "/v1/geosubmit",
    ok: 200,
    body: (aps: { mac: string; ssid?: string }[]) => ({
      items: [{ latitude: 51.5, longitude: -0.1, wifiAccessPoints: aps.map((a) => ({ macAddress: a.mac, ssid: a.ssid })) }],
    }),
  },
  {
    path: "/v1/submit",
    ok: 204,
    body: (aps: { mac: string; ssid?: string }[]) => ({ items: [{ lat: 51.5, lon: -0.1, wifi: aps.map((a) => ({ key: a.mac, ssid: a.ssid })) }] }),
  },
] as const;

for (const ep of ENDPOINTS) {
  S(`${ep.path}: a 10 MB ssid is accepted and dropped; the access point is stored without it`, async ({ env }) => {
    const res = await post(env, ep.path, ep.body([{ mac: MAC, ssid: HUGE }, { mac: MAC2, ssid: "home" }]));
    assert.is(res.status, ep.ok);
    const [entry, ...more] = await storedEntries(env);
    assert.is(more.length, 0);
    assert.equal(entry!.report.wifiAccessPoints, [{ macAddress: MAC }, { macAddress: MAC2, ssid: "home" }]);
    assert.ok((await longestStored(env)) < 100);
  });

  S(`${ep.path}: a 10 MB macAddress drops its entry; the rest of the report is stored`, async ({ env }) => {
    const res = await post(env, ep.path, ep.body([{ mac: HUGE, ssid: "big" }, { mac: "A8:20:66:00:00:02", ssid: "home" }]));
    assert.is(res.status, ep.ok);
    const [entry, ...more] = await storedEntries(env);
    assert.is(more.length, 0);
    assert.equal(entry!.report.wifiAccessPoints, [{ macAddress: "A8:20:66:00:00:02", ssid: "home" }], "the MAC is stored as sent");
    assert.ok((await longestStored(env)) < 100);
  });
}

S("a 2 MB Bluetooth name, carrier and Wi-Fi radioType are dropped; a 2 MB beacon MAC drops the beacon", async ({ env }) => {
  const res = await post(env, "/v2/geosubmit", {
    items: [{
      carrier: BIG,
      bluetoothBeacons: [{ macAddress: MAC, name: BIG }, { macAddress: BIG, name: "tag" }],
      wifiAccessPoints: [{ macAddress: MAC2, radioType: BIG }],
    }],
  });
  assert.is(res.status, 200);
  const [entry] = await storedEntries(env);
  assert.not.ok("carrier" in entry!.report);
  assert.equal(entry!.report.bluetoothBeacons, [{ macAddress: MAC }]);
  assert.equal(entry!.report.wifiAccessPoints, [{ macAddress: MAC2 }]);
});

S("a 10,000-character User-Agent is stored cut to its first 512 characters", async ({ env }) => {
  const agent = `NeoStumbler/32 ${"u".repeat(10_000)}`;
  assert.is((await post(env, "/v2/geosubmit", ENDPOINTS[0].body([{ mac: MAC }]), { "user-agent": agent })).status, 200);
  const [entry] = await storedEntries(env);
  assert.is(entry!.user_agent, agent.slice(0, 512));
});

/** `count` access points with distinct MACs and SSIDs of `ssidChar` × `ssidLength`. */
function manyAps(count: number, ssidChar = "s", ssidLength = 32): { macAddress: string; ssid: string }[] {
  return Array.from({ length: count }, (_, i) => ({ macAddress: `a8206${i.toString(16).padStart(7, "0")}`, ssid: ssidChar.repeat(ssidLength) }));
}

const ENTRY_MESSAGE = /^this report is (\d+) bytes once stored; at most 65536 \(MAX_ENTRY_BYTES\)$/;

S("a report over MAX_ENTRY_BYTES fails the request with 400 naming its item; nothing is appended", async ({ env }) => {
  const small = { wifiAccessPoints: [{ macAddress: MAC }] };
  // Item 1 has no network and is dropped before storing: the path must still say items.3.
  const items = [small, { position: { latitude: 1, longitude: 2 } }, small, { wifiAccessPoints: manyAps(1500) }, small];
  const res = await post(env, "/v2/geosubmit", { items });
  assert.is(res.status, 400);
  const body = (await res.json()) as { error: { errors: { reason: string }[] }; details: { validation: Record<string, string> } };
  assert.is(body.error.errors[0]!.reason, "parseError");
  assert.equal(Object.keys(body.details.validation), ["items.3"]);
  const bytes = Number(ENTRY_MESSAGE.exec(body.details.validation["items.3"]!)?.[1]);
  assert.ok(bytes > LIMIT, body.details.validation["items.3"]);
  assert.is(await storedCount(env), 0, "not even the small reports before it");

  assert.is((await post(env, "/v2/geosubmit", { items: [small, small] })).status, 200);
  assert.is(await storedCount(env), 2, "a normal request is stored");
});

S("the entry size counts UTF-8 bytes: fewer characters than the limit but more bytes is refused", async ({ env }) => {
  // 1200 SSIDs of 10 × € (30 bytes in 10 characters): about 60,000 characters, 84,000 bytes.
  const items = [{ wifiAccessPoints: manyAps(1200, "€", 10) }];
  assert.ok(JSON.stringify(items).length < LIMIT);
  const res = await post(env, "/v1/geosubmit", { items });
  assert.is(res.status, 400);
  const { details } = (await res.json()) as { details: { validation: Record<string, string> } };
  assert.match(details.validation["items.0"]!, ENTRY_MESSAGE);
  assert.is(await storedCount(env), 0);
  assert.is((await post(env, "/v1/geosubmit", { items: [{ wifiAccessPoints: manyAps(500, "€", 10) }] })).status, 200, "a smaller one fits");
  assert.is(await storedCount(env), 1);
});

S("the v0 endpoint and an unsampled key get the same 400: the check does not depend on the sampling draw", async ({ env }) => {
  const wifi = manyAps(1500).map((a) => ({ key: a.macAddress, ssid: a.ssid }));
  const v0 = await post(env, "/v1/submit", { items: [{ lat: 1, lon: 2, wifi: [{ key: MAC }] }, { lat: 1, lon: 2, wifi }] });
  assert.is(v0.status, 400);
  assert.equal(Object.keys(((await v0.json()) as { details: { validation: object } }).details.validation), ["items.1"]);
  const unsampled = await post(env, "/v2/geosubmit?key=nosample", { items: [{ wifiAccessPoints: manyAps(1500) }] });
  assert.is(unsampled.status, 400);
  assert.is(await storedCount(env), 0);
});

S("locate: a 10 MB ssid or MAC in a /v1/geolocate body never reaches the query report", async ({ env }) => {
  const known = (ssid: string) => [
    { macAddress: KNOWN[0], ssid, signalStrength: -60 },
    { macAddress: KNOWN[1], ssid: "home", signalStrength: -60 },
  ];
  const bigSsid = await post(env, "/v1/geolocate?key=test", { considerIp: false, wifiAccessPoints: known(HUGE) });
  assert.is(bigSsid.status, 200);
  const bigMac = await post(env, "/v1/geolocate?key=test", { considerIp: false, wifiAccessPoints: [...known("cafe"), { macAddress: HUGE, ssid: "big" }] });
  assert.is(bigMac.status, 200);
  const entries = await storedEntries(env);
  assert.equal(entries.map((e) => e.source), ["query", "query"]);
  const aps = entries.map((e) => e.report.wifiAccessPoints.map((w) => [w.macAddress, w.ssid]).sort());
  assert.equal(aps.sort(), [[[KNOWN[0], undefined], [KNOWN[1], "home"]], [[KNOWN[0], "cafe"], [KNOWN[1], "home"]]]);
  assert.ok((await longestStored(env)) < 100);
});

S("locate: a query report over MAX_ENTRY_BYTES is dropped, counted and logged; the answer is unaffected", async ({ env }) => {
  const { log, lines } = captureLog();
  const geoip = await testGeoIp();
  const checks = createHeartbeatChecks({ pool: env.pool, redis: env.redis, geoip, readLatestMigration });
  const deps = createWebDeps({ ...env.services, log, metrics: createProcessMetrics() }, checks, geoip);
  const app = createWebApp(deps);
  try {
    const known = KNOWN.map((macAddress) => ({ macAddress, signalStrength: -60 }));
    const big = { considerIp: false, wifiAccessPoints: [...known, ...manyAps(1500).map((a) => ({ ...a, macAddress: `b${a.macAddress.slice(1)}` }))] };
    const res = await app.request("/v1/geolocate?key=test", { method: "POST", body: JSON.stringify(big) });
    assert.is(res.status, 200);
    const answer = (await res.json()) as { location: { lat: number; lng: number } };
    assert.ok(Math.abs(answer.location.lat - GB.lat) < 0.001, JSON.stringify(answer));
    assert.is(await storedCount(env), 0);
    const metrics = parseExposition(await (await app.request("/metrics")).text());
    assert.is(sampleSum(metrics, "ichnos_locate_query_reports_dropped_total", { reason: "too_large" }), 1);
    const warning = lines.find((l) => l.msg === "query report over MAX_ENTRY_BYTES; dropped");
    assert.ok(warning && (warning.bytes as number) > LIMIT && warning.limit === LIMIT, JSON.stringify(lines));

    const res2 = await app.request("/v1/geolocate?key=test", { method: "POST", body: JSON.stringify({ considerIp: false, wifiAccessPoints: known }) });
    assert.is(res2.status, 200);
    assert.is(await storedCount(env), 1, "a small query report is still stored");
  } finally {
    await deps.close();
  }
});

S.run();
