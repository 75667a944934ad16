/**
 * SPEC §6.4, the upstream submit test catalogue (`api/submit/tests/base.py`, `test_submit_v2.py`,
 * `test_submit_v1.py`, `test_submit_v0.py`), case by case through the real HTTP app against real
 * Redis: each test sends upstream's request and checks the answer and the reports-stream entries.
 * Cases already covered by submit-api.test.ts (gzip, broken bodies, GET/empty/`{}`/`[1]`,
 * store_sample, key none/invalid/unknown, OPTIONS, Redis failure) are not repeated here.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import type { ReportEntry } from "../../src/domain/report.ts";
import {
  assertAccepted, assertNow, assertValidationError, CELL, ENDPOINTS, endpoint, type Json, macs, onlyEntry, postItems, postRaw,
  type SubmitEndpoint, utcDay,
} from "../support/submit-cases.ts";
import { createWebTestEnv, storedCount, storedEntries, type WebTestEnv } from "../support/web-setup.ts";

const S = suite<{ env: WebTestEnv }>("submit SPEC §6.4 catalogue");

S.before(async (ctx) => {
  ctx.env = await createWebTestEnv("submit-spec");
  // SPEC §6's fixture key: every allow flag but fallback, maxreq 0, both sample rates 100.
  await ctx.env.pool.query(
    `INSERT INTO api_key (valid_key, maxreq, allow_fallback, allow_locate, allow_region, fallback_name, fallback_url,
       fallback_ratelimit, fallback_ratelimit_interval, fallback_cache_expire, store_sample_locate, store_sample_submit)
     VALUES ('test', 0, 0, 1, 1, 'fall', 'http://127.0.0.1:9/?api', 10, 60, 60, 100, 100)`,
  );
});
S.after(async (ctx) => {
  await ctx.env.close();
});
S.before.each(async ({ env }) => {
  // Counts an earlier test left buffered must not land in this one's keys.
  await env.flushUsage();
  const usage = [...(await env.redis.keys(`${env.prefix}:apiuser:*`)), ...(await env.redis.keys(`${env.prefix}:apilimit:*`))];
  await env.redis.del(...env.keys.reportStreams(), ...usage);
});

/** A position as key-sorted JSON text (`null` for none), so positions compare regardless of key order. */
const canon = (position: object | null): string => JSON.stringify(position && Object.fromEntries(Object.entries(position).sort()));
const positionsOf = (entries: ReportEntry[]): string[] => entries.map((e) => canon(e.report.position)).sort();
const byMac = (entries: ReportEntry[]): Map<string | undefined, ReportEntry> =>
  new Map(entries.map((e) => [e.report.wifiAccessPoints[0]?.macAddress, e]));

// ---------------------------------------------------------------------------------------------
// Common (base.py), for each endpoint: v0 answers 204, v1 and v2 answer 200 `{}`.
// ---------------------------------------------------------------------------------------------

/** One report in the endpoint's schema with what DESIGN §7 adds: radio NR, a 36-bit cell id, 6 GHz Wi-Fi, source gps. */
function design7Query(ep: SubmitEndpoint): Json {
  if (ep.name === "v0") {
    return {
      lat: CELL.lat, lon: CELL.lon, source: "gps", radio: "NR",
      cell: [{ mcc: 244, mnc: 5, lac: 4210, cid: 68719476735 }],
      wifi: [{ key: "a6:97:33:0d:df:fe", channel: 37, frequency: 6135 }],
    };
  }
  const networks = {
    radioType: "NR",
    cellTowers: [{ mobileCountryCode: 244, mobileNetworkCode: 5, locationAreaCode: 4210, cellId: 68719476735 }],
    wifiAccessPoints: [{ macAddress: "a6:97:33:0d:df:fe", channel: 37, frequency: 6135 }],
  };
  const position = { latitude: CELL.lat, longitude: CELL.lon, source: "gps" };
  return ep.name === "v1" ? { ...position, ...networks } : { position, ...networks };
}

for (const ep of ENDPOINTS) {
  const label = `${ep.name} ${ep.path}`;

  S(`${label} test_log_stats: key test is accepted, its entry carries api_key test, and apiuser:submit:test:<today> is the only apiuser key`, async ({ env }) => {
    const before = Date.now();
    await assertAccepted(await postItems(env, ep.path, [ep.oneCellQuery().query], "test"), ep);
    await env.flushUsage();
    const day = utcDay(before);
    assert.equal(await env.redis.keys(`${env.prefix}:apiuser:*`), [`${env.prefix}:apiuser:submit:test:${day}`]);
    assert.is(await env.redis.pfcount(`${env.prefix}:apiuser:submit:test:${day}`), 1);
    assert.is(await env.redis.get(`${env.prefix}:apilimit:test:${ep.counter}:${day.replaceAll("-", "")}`), "1");
    const entry = await onlyEntry(env);
    assert.is(entry.api_key, "test");
    assert.is(entry.source, "gnss");
  });

  S(`${label} test_radio_duplicated: report radio gsm and cell radio lte store the cell as lte, no report-level radio`, async ({ env }) => {
    const { query, cell } = ep.oneCellQuery(false);
    query[ep.radioId] = "gsm";
    cell[ep.radioId] = "lte";
    await assertAccepted(await postItems(env, ep.path, [query]), ep);
    const { report } = await onlyEntry(env);
    assert.equal(report.cellTowers, [
      { radioType: "lte", mobileCountryCode: CELL.mcc, mobileNetworkCode: CELL.mnc, locationAreaCode: CELL.lac, cellId: CELL.cid },
    ]);
    assert.not.ok("radioType" in report || "radio" in report, "report-level radio removed");
  });

  S(`${label} test_radio_invalid: cell radio "18" is removed from the cell, which is kept`, async ({ env }) => {
    const { query, cell } = ep.oneCellQuery(false);
    cell[ep.radioId] = "18";
    await assertAccepted(await postItems(env, ep.path, [query]), ep);
    const { report } = await onlyEntry(env);
    assert.equal(report.cellTowers, [
      { mobileCountryCode: CELL.mcc, mobileNetworkCode: CELL.mnc, locationAreaCode: CELL.lac, cellId: CELL.cid },
    ]);
  });

  S(`${label} test_radio_missing: no radio anywhere stores a cell without radioType`, async ({ env }) => {
    await assertAccepted(await postItems(env, ep.path, [ep.oneCellQuery(false).query]), ep);
    const { report } = await onlyEntry(env);
    assert.is(report.cellTowers.length, 1);
    assert.not.ok("radioType" in report.cellTowers[0]!);
    assert.not.ok("radioType" in report || "radio" in report);
  });

  S(`${label} test_radio_missing_in_observation: the report-level radio gsm is copied into the cell and not kept itself`, async ({ env }) => {
    const { query } = ep.oneCellQuery(false);
    query[ep.radioId] = CELL.radio;
    await assertAccepted(await postItems(env, ep.path, [query]), ep);
    const { report } = await onlyEntry(env);
    assert.is(report.cellTowers[0]?.radioType, "gsm");
    assert.not.ok("radioType" in report || "radio" in report);
  });

  S(`${label} test_radio_missing_top_level: the cell's own radio gsm is kept`, async ({ env }) => {
    await assertAccepted(await postItems(env, ep.path, [ep.oneCellQuery().query]), ep);
    const { report } = await onlyEntry(env);
    assert.equal(report.cellTowers, [
      { radioType: "gsm", mobileCountryCode: CELL.mcc, mobileNetworkCode: CELL.mnc, locationAreaCode: CELL.lac, cellId: CELL.cid },
    ]);
  });

  S(`${label} Ichnos differs from Ichnaea (DESIGN §7): report radio NR fills the cell as nr, a 36-bit cell id and 6 GHz Wi-Fi are kept, source gps is stored as gnss`, async ({ env }) => {
    await assertAccepted(await postItems(env, ep.path, [design7Query(ep)]), ep);
    const entry = await onlyEntry(env);
    assert.is(entry.source, "gnss");
    assert.equal(entry.report.position, { latitude: CELL.lat, longitude: CELL.lon, source: "gnss" });
    assert.equal(entry.report.cellTowers, [
      { radioType: "nr", mobileCountryCode: 244, mobileNetworkCode: 5, locationAreaCode: 4210, cellId: 68719476735 },
    ]);
    assert.equal(entry.report.wifiAccessPoints, [{ macAddress: "a6:97:33:0d:df:fe", channel: 37, frequency: 6135 }]);
  });
}

// ---------------------------------------------------------------------------------------------
// v2 (/v2/geosubmit, test_submit_v2.py)
// ---------------------------------------------------------------------------------------------
{
  const ep = endpoint("v2");
  const [mac1, mac2] = macs(2);

  S("v2 TestSubmitSchema.test_timestamp: a timestamp of 1.46e12 ms is kept, one of 1.46e11 is replaced by now", async ({ env }) => {
    const before = Date.now();
    await assertAccepted(await postItems(env, ep.path, [
      { timestamp: 146e10, wifiAccessPoints: [{ macAddress: mac1 }] },
      { timestamp: 146e9, wifiAccessPoints: [{ macAddress: mac2 }] },
    ]), ep);
    const after = Date.now();
    const stored = byMac(await storedEntries(env));
    assert.is(stored.size, 2);
    assert.is(stored.get(mac1)?.report.timestamp, 146e10);
    assertNow(stored.get(mac2)!, before, after);
  });

  S("v2 test_bluetooth: a beacon and a wifi without MAC are dropped, extra fields stripped, a timestamp added", async ({ env }) => {
    const before = Date.now();
    await assertAccepted(await postItems(env, ep.path, [{
      position: { latitude: CELL.lat, longitude: CELL.lon },
      bluetoothBeacons: [
        { macAddress: mac1, name: "my-beacon", age: 3, signalStrength: -90, xtra_field: 4 },
        { name: "beacon-2", signalStrength: -92 },
      ],
      wifiAccessPoints: [{ signalStrength: -52 }],
    }]), ep);
    const entry = await onlyEntry(env);
    assertNow(entry, before, Date.now());
    assert.equal(entry.report, {
      timestamp: entry.report.timestamp,
      position: { latitude: CELL.lat, longitude: CELL.lon },
      bluetoothBeacons: [{ macAddress: mac1, name: "my-beacon", age: 3, signalStrength: -90 }],
      cellTowers: [],
      wifiAccessPoints: [],
    });
    assert.is(entry.api_key, null);
    assert.is(entry.source, "gnss");
  });

  S("v2 test_cell: every cell and position field round-trips, umts becomes wcdma, source fused kept, extras stripped, key test stored", async ({ env }) => {
    const nowMs = Date.now();
    await assertAccepted(await postItems(env, ep.path, [{
      carrier: "Some Carrier", homeMobileCountryCode: 234, homeMobileNetworkCode: 30, timestamp: nowMs, xtra_field: 1,
      position: {
        latitude: CELL.lat, longitude: CELL.lon, accuracy: 12.4, altitude: 100.1, altitudeAccuracy: 23.7, age: 1,
        heading: 45.0, pressure: 1013.25, source: "fused", speed: 3.6, xtra_field: 2,
      },
      cellTowers: [{
        radioType: "umts", mobileCountryCode: 234, mobileNetworkCode: 30, locationAreaCode: 123, cellId: 2345,
        primaryScramblingCode: 5, age: 3, asu: 31, serving: 1, signalStrength: -51, timingAdvance: 1, xtra_field: 3,
      }],
    }], "test"), ep);
    const entry = await onlyEntry(env);
    assert.is(entry.api_key, "test");
    assert.is(entry.source, "fused");
    assert.equal(entry.report, {
      timestamp: nowMs, carrier: "Some Carrier", homeMobileCountryCode: 234, homeMobileNetworkCode: 30,
      position: {
        latitude: CELL.lat, longitude: CELL.lon, accuracy: 12.4, altitude: 100.1, altitudeAccuracy: 23.7, age: 1,
        heading: 45.0, pressure: 1013.25, source: "fused", speed: 3.6,
      },
      bluetoothBeacons: [],
      cellTowers: [{
        radioType: "wcdma", mobileCountryCode: 234, mobileNetworkCode: 30, locationAreaCode: 123, cellId: 2345,
        primaryScramblingCode: 5, age: 3, asu: 31, serving: 1, signalStrength: -51, timingAdvance: 1,
      }],
      wifiAccessPoints: [],
    });
  });

  S("v2 test_wifi: every wifi field incl. radioType 802.11n round-trips, extras stripped, api_key null without a key", async ({ env }) => {
    const before = Date.now();
    await assertAccepted(await postItems(env, ep.path, [{
      position: { latitude: CELL.lat, longitude: CELL.lon },
      wifiAccessPoints: [{
        macAddress: mac1, ssid: "my-wifi", age: 3, channel: 5, frequency: 2437, radioType: "802.11n",
        signalStrength: -90, signalToNoiseRatio: 5, xtra_field: 3,
      }],
    }]), ep);
    const entry = await onlyEntry(env);
    assert.is(entry.api_key, null);
    assertNow(entry, before, Date.now());
    assert.equal(entry.report.position, { latitude: CELL.lat, longitude: CELL.lon });
    assert.equal(entry.report.wifiAccessPoints, [{
      macAddress: mac1, ssid: "my-wifi", age: 3, channel: 5, frequency: 2437, radioType: "802.11n",
      signalStrength: -90, signalToNoiseRatio: 5,
    }]);
  });

  S("v2 test_batches: 110 good reports and one without networks store 110 entries", async ({ env }) => {
    const all = macs(110);
    const items: unknown[] = all.map((mac) => ({ position: { latitude: CELL.lat, longitude: CELL.lon }, wifiAccessPoints: [{ macAddress: mac }] }));
    items.push({ latitude: 10.0, longitude: 10.0, whatever: "xx" });
    await assertAccepted(await postItems(env, ep.path, items), ep);
    assert.is(await storedCount(env), 110);
    assert.equal([...byMac(await storedEntries(env)).keys()].sort(), all);
  });

  S("v2 test_error: macAddress 10 is a 400 with details.validation at items.0.wifiAccessPoints.0.macAddress, nothing stored", async ({ env }) => {
    const res = await postItems(env, ep.path, [{ position: { latitude: CELL.lat, longitude: CELL.lon }, wifiAccessPoints: [{ macAddress: 10 }] }]);
    assert.equal(Object.keys(await assertValidationError(res)), ["items.0.wifiAccessPoints.0.macAddress"]);
    assert.is(await storedCount(env), 0);
  });

  S("v2 test_error_missing_latlon: reports with a partial or no position are still stored: 3", async ({ env }) => {
    await assertAccepted(await postItems(env, ep.path, [
      { position: { latitude: CELL.lat, longitude: CELL.lon, accuracy: 17.0 }, wifiAccessPoints: [{ macAddress: mac1 }] },
      { position: { accuracy: 16.0 }, wifiAccessPoints: [{ macAddress: mac1 }] },
      { wifiAccessPoints: [{ macAddress: mac1 }] },
    ]), ep);
    const stored = await storedEntries(env);
    assert.is(stored.length, 3);
    assert.equal(positionsOf(stored), [
      canon({ latitude: CELL.lat, longitude: CELL.lon, accuracy: 17.0 }), canon({ accuracy: 16.0 }), canon(null),
    ].sort());
  });
}

// ---------------------------------------------------------------------------------------------
// v1 (/v1/geosubmit, test_submit_v1.py): position fields at the report's top level, `psc`.
// ---------------------------------------------------------------------------------------------
{
  const ep = endpoint("v1");
  const [mac1, mac2] = macs(2, 16);

  S("v1 timestamp (as v2's TestSubmitSchema.test_timestamp): 1.46e12 ms is kept, 1.46e11 is replaced by now", async ({ env }) => {
    const before = Date.now();
    await assertAccepted(await postItems(env, ep.path, [
      { timestamp: 146e10, wifiAccessPoints: [{ macAddress: mac1 }] },
      { timestamp: 146e9, wifiAccessPoints: [{ macAddress: mac2 }] },
    ]), ep);
    const after = Date.now();
    const stored = byMac(await storedEntries(env));
    assert.is(stored.size, 2);
    assert.is(stored.get(mac1)?.report.timestamp, 146e10);
    assertNow(stored.get(mac2)!, before, after);
  });

  S("v1 test_blue: top-level latitude/longitude move into position, beacon fields round-trip, extras stripped, api_key null", async ({ env }) => {
    const before = Date.now();
    await assertAccepted(await postItems(env, ep.path, [{
      latitude: CELL.lat, longitude: CELL.lon,
      bluetoothBeacons: [{ macAddress: mac1, age: 3, signalStrength: -90, name: "my-beacon", xtra_field: 3 }],
    }]), ep);
    const entry = await onlyEntry(env);
    assert.is(entry.api_key, null);
    assert.is(entry.source, "gnss");
    assertNow(entry, before, Date.now());
    assert.equal(entry.report, {
      timestamp: entry.report.timestamp,
      position: { latitude: CELL.lat, longitude: CELL.lon },
      bluetoothBeacons: [{ macAddress: mac1, age: 3, signalStrength: -90, name: "my-beacon" }],
      cellTowers: [],
      wifiAccessPoints: [],
    });
  });

  S("v1 test_cell: top-level position fields move into position, psc becomes primaryScramblingCode, umts becomes wcdma, source fused kept, response {}", async ({ env }) => {
    const nowMs = Date.now();
    const res = await postItems(env, ep.path, [{
      latitude: CELL.lat, longitude: CELL.lon, accuracy: 12.4, age: 1, altitude: 100.1, altitudeAccuracy: 23.7,
      carrier: "Some Carrier", heading: 45.0, homeMobileCountryCode: 234, homeMobileNetworkCode: 30, pressure: 1013.25,
      source: "fused", speed: 3.6, timestamp: nowMs, xtra_field: 1,
      cellTowers: [{
        radioType: "umts", mobileCountryCode: 234, mobileNetworkCode: 30, locationAreaCode: 123, cellId: 2345,
        psc: 5, age: 3, asu: 31, serving: 1, signalStrength: -51, timingAdvance: 1, xtra_field: 2,
      }],
    }], "test");
    await assertAccepted(res, ep);
    const entry = await onlyEntry(env);
    assert.is(entry.api_key, "test");
    assert.is(entry.source, "fused");
    assert.equal(entry.report, {
      timestamp: nowMs, carrier: "Some Carrier", homeMobileCountryCode: 234, homeMobileNetworkCode: 30,
      position: {
        latitude: CELL.lat, longitude: CELL.lon, accuracy: 12.4, age: 1, altitude: 100.1, altitudeAccuracy: 23.7,
        heading: 45.0, pressure: 1013.25, source: "fused", speed: 3.6,
      },
      bluetoothBeacons: [],
      cellTowers: [{
        radioType: "wcdma", mobileCountryCode: 234, mobileNetworkCode: 30, locationAreaCode: 123, cellId: 2345,
        primaryScramblingCode: 5, age: 3, asu: 31, serving: 1, signalStrength: -51, timingAdvance: 1,
      }],
      wifiAccessPoints: [],
    });
  });

  S("v1 test_wifi: every wifi field incl. radioType 802.11n round-trips, extras stripped, position moved, api_key null", async ({ env }) => {
    const before = Date.now();
    await assertAccepted(await postItems(env, ep.path, [{
      latitude: CELL.lat, longitude: CELL.lon,
      wifiAccessPoints: [{
        macAddress: mac1, age: 3, channel: 5, frequency: 2437, radioType: "802.11n", signalStrength: -90,
        signalToNoiseRatio: 5, ssid: "my-wifi", xtra_field: 3,
      }],
    }]), ep);
    const entry = await onlyEntry(env);
    assert.is(entry.api_key, null);
    assertNow(entry, before, Date.now());
    assert.equal(entry.report.position, { latitude: CELL.lat, longitude: CELL.lon });
    assert.equal(entry.report.wifiAccessPoints, [{
      macAddress: mac1, age: 3, channel: 5, frequency: 2437, radioType: "802.11n", signalStrength: -90,
      signalToNoiseRatio: 5, ssid: "my-wifi",
    }]);
  });

  S("v1 test_batches: 110 good reports and one without networks store 110 entries", async ({ env }) => {
    const all = macs(110, 256);
    const items: unknown[] = all.map((mac) => ({ latitude: CELL.lat, longitude: CELL.lon, wifiAccessPoints: [{ macAddress: mac }] }));
    items.push({ latitude: 10.0, longitude: 10.0, whatever: "xx" });
    await assertAccepted(await postItems(env, ep.path, items), ep);
    assert.is(await storedCount(env), 110);
    assert.equal([...byMac(await storedEntries(env)).keys()].sort(), all);
  });

  S("v1 test_error: macAddress 10 is a 400 with details.validation at items.0.wifiAccessPoints.0.macAddress, nothing stored", async ({ env }) => {
    const res = await postItems(env, ep.path, [{ latitude: CELL.lat, longitude: CELL.lon, wifiAccessPoints: [{ macAddress: 10 }] }]);
    assert.equal(Object.keys(await assertValidationError(res)), ["items.0.wifiAccessPoints.0.macAddress"]);
    assert.is(await storedCount(env), 0);
  });

  S("v1 test_error_missing_latlon: 3 stored; position is created only from the fields present (accuracy alone, or none → null)", async ({ env }) => {
    await assertAccepted(await postItems(env, ep.path, [
      { latitude: CELL.lat, longitude: CELL.lon, accuracy: 17.0, wifiAccessPoints: [{ macAddress: mac1 }] },
      { wifiAccessPoints: [{ macAddress: mac1 }], accuracy: 16.0 },
      { wifiAccessPoints: [{ macAddress: mac1 }] },
    ]), ep);
    const stored = await storedEntries(env);
    assert.is(stored.length, 3);
    assert.equal(positionsOf(stored), [
      canon({ latitude: CELL.lat, longitude: CELL.lon, accuracy: 17.0 }), canon({ accuracy: 16.0 }), canon(null),
    ].sort());
  });

  S("v1 test_error_invalid_float: raw JSON tokens accuracy NaN and altitude -Infinity are accepted and removed from position", async ({ env }) => {
    const body = `{"items": [{"latitude": ${CELL.lat}, "longitude": ${CELL.lon}, "accuracy": NaN, "altitude": -Infinity, `
      + `"wifiAccessPoints": [{"macAddress": "${mac1}"}]}]}`;
    await assertAccepted(await postRaw(env, ep.path, body), ep);
    const entry = await onlyEntry(env);
    assert.equal(entry.report.position, { latitude: CELL.lat, longitude: CELL.lon });
    assert.equal(entry.report.wifiAccessPoints, [{ macAddress: mac1 }]);
  });
}

// ---------------------------------------------------------------------------------------------
// v0 (/v1/submit, test_submit_v0.py): short names, `time` as an ISO string, 204 answers.
// ---------------------------------------------------------------------------------------------
{
  const ep = endpoint("v0");
  const [mac1, mac2] = macs(2, 32);

  S("v0 TestSubmitSchema.test_empty_blue_entry / test_empty_wifi_entry: blue:[{}] and wifi:[{}] leave no report: 204, nothing stored", async ({ env }) => {
    await assertAccepted(await postItems(env, ep.path, [{ lat: CELL.lat, lon: CELL.lon, blue: [{}] }]), ep);
    await assertAccepted(await postItems(env, ep.path, [{ lat: CELL.lat, lon: CELL.lon, wifi: [{}] }]), ep);
    assert.is(await storedCount(env), 0);
  });

  // Upstream's case sends key "ab"; Ichnos drops a key that is no MAC at submit (field bounds).
  S("v0 TestSubmitSchema.test_minimal: one wifi with a key stores one report with that key as macAddress; key ab stores nothing", async ({ env }) => {
    await assertAccepted(await postItems(env, ep.path, [{ lat: CELL.lat, lon: CELL.lon, wifi: [{ key: "ab" }] }]), ep);
    assert.is(await storedCount(env), 0);
    await assertAccepted(await postItems(env, ep.path, [{ lat: CELL.lat, lon: CELL.lon, wifi: [{ key: "A8:20:66:00:00:01" }] }]), ep);
    const { report } = await onlyEntry(env);
    assert.equal(report.wifiAccessPoints, [{ macAddress: "A8:20:66:00:00:01" }]);
    assert.equal(report.position, { latitude: CELL.lat, longitude: CELL.lon });
  });

  S("v0 TestSubmitSchema.test_cell_radio: cell radio UMTS is stored as wcdma, radio foo is removed from the cell", async ({ env }) => {
    const cell = { mcc: CELL.mcc, mnc: CELL.mnc, lac: CELL.lac };
    await assertAccepted(await postItems(env, ep.path, [
      { lat: CELL.lat, lon: CELL.lon, cell: [{ ...cell, cid: 11, radio: "UMTS" }] },
      { lat: CELL.lat, lon: CELL.lon, cell: [{ ...cell, cid: 12, radio: "foo" }] },
    ]), ep);
    const stored = new Map((await storedEntries(env)).map((e) => [e.report.cellTowers[0]?.cellId, e.report.cellTowers]));
    assert.is(stored.size, 2);
    const base = { mobileCountryCode: CELL.mcc, mobileNetworkCode: CELL.mnc, locationAreaCode: CELL.lac };
    assert.equal(stored.get(11), [{ radioType: "wcdma", ...base, cellId: 11 }]);
    assert.equal(stored.get(12), [{ ...base, cellId: 12 }]);
  });

  S("v0 TestSubmitSchema.test_timestamp: time 2016-04-07T03:33:20 is 1460000000000; time 1710-02-28 is replaced by now", async ({ env }) => {
    const before = Date.now();
    await assertAccepted(await postItems(env, ep.path, [
      { time: "2016-04-07T03:33:20", wifi: [{ key: mac1 }] },
      { time: "1710-02-28", wifi: [{ key: mac2 }] },
    ]), ep);
    const after = Date.now();
    const stored = byMac(await storedEntries(env));
    assert.is(stored.size, 2);
    assert.is(stored.get(mac1)?.report.timestamp, 1460000000000);
    assertNow(stored.get(mac2)!, before, after);
  });

  S("v0 test_blue: key/signal renamed, source \"\" dropped (no source in position, entry source gnss), empty 204 body, api_key null", async ({ env }) => {
    await assertAccepted(await postItems(env, ep.path, [{
      lat: CELL.lat, lon: CELL.lon, source: "",
      blue: [{ key: mac1, age: 3000, name: "beacon", signal: -101 }],
    }]), ep);
    const entry = await onlyEntry(env);
    assert.is(entry.api_key, null);
    assert.is(entry.source, "gnss");
    assert.equal(entry.report.position, { latitude: CELL.lat, longitude: CELL.lon });
    assert.equal(entry.report.bluetoothBeacons, [{ macAddress: mac1, age: 3000, name: "beacon", signalStrength: -101 }]);
  });

  S("v0 test_cell: time = today's date is midnight UTC; every short name is renamed; cell radio umts → wcdma; key test stored", async ({ env }) => {
    const today = utcDay(Date.now());
    await assertAccepted(await postItems(env, ep.path, [{
      lat: CELL.lat, lon: CELL.lon, time: today, accuracy: 10.6, altitude: 123.1, altitude_accuracy: 7.0, heading: 45.2,
      pressure: 1020.23, speed: 3.6, source: "gnss", radio: "wcdma",
      cell: [{ radio: "umts", mcc: 234, mnc: 30, lac: 123, cid: 2345, age: 1000, asu: 3, psc: 7, serving: 1, signal: -85, ta: 2 }],
    }], "test"), ep);
    const entry = await onlyEntry(env);
    assert.is(entry.api_key, "test");
    assert.is(entry.source, "gnss");
    assert.equal(entry.report, {
      timestamp: Date.parse(`${today}T00:00:00Z`),
      position: {
        latitude: CELL.lat, longitude: CELL.lon, accuracy: 10.6, altitude: 123.1, altitudeAccuracy: 7.0, heading: 45.2,
        pressure: 1020.23, speed: 3.6, source: "gnss",
      },
      bluetoothBeacons: [],
      cellTowers: [{
        radioType: "wcdma", mobileCountryCode: 234, mobileNetworkCode: 30, locationAreaCode: 123, cellId: 2345, age: 1000,
        asu: 3, primaryScramblingCode: 7, serving: 1, signalStrength: -85, timingAdvance: 2,
      }],
      wifiAccessPoints: [],
    });
  });

  S("v0 test_wifi: the MAC is kept upper-case as sent, fields renamed, source \"2\" dropped, no altitude fields", async ({ env }) => {
    const upper = mac1!.toUpperCase();
    await assertAccepted(await postItems(env, ep.path, [{
      lat: CELL.lat, lon: CELL.lon, accuracy: 17.1, source: "2",
      wifi: [{ key: upper, age: 2500, channel: 1, frequency: 2437, signal: -70, signalToNoiseRatio: 5, ssid: "my-wifi" }],
    }]), ep);
    const entry = await onlyEntry(env);
    assert.is(entry.api_key, null);
    assert.is(entry.source, "gnss");
    assert.equal(entry.report.position, { latitude: CELL.lat, longitude: CELL.lon, accuracy: 17.1 });
    assert.equal(entry.report.wifiAccessPoints, [
      { macAddress: upper, age: 2500, channel: 1, frequency: 2437, signalStrength: -70, signalToNoiseRatio: 5, ssid: "my-wifi" },
    ]);
  });

  S("v0 test_batches: 110 good reports and one without networks store 110 entries", async ({ env }) => {
    const all = macs(110, 512);
    const items: unknown[] = all.map((mac) => ({ lat: CELL.lat, lon: CELL.lon, wifi: [{ key: mac }] }));
    items.push({ lat: 10.0, lon: 10.0, whatever: "xx" });
    await assertAccepted(await postItems(env, ep.path, items), ep);
    assert.is(await storedCount(env), 110);
    assert.equal([...byMac(await storedEntries(env)).keys()].sort(), all);
  });

  S("v0 test_error_not_dict: a top-level array of reports is a 400 with details.validation at the root path \"\", nothing stored", async ({ env }) => {
    const res = await postRaw(env, ep.path, JSON.stringify([{ lat: CELL.lat, lon: CELL.lon, cell: [] }]));
    assert.equal(Object.keys(await assertValidationError(res)), [""]);
    assert.is(await storedCount(env), 0);
  });

  S("v0 test_error_missing_latlon: 3 stored; lat/lon absent gives a position of accuracy alone, or null", async ({ env }) => {
    await assertAccepted(await postItems(env, ep.path, [
      { lat: CELL.lat, lon: CELL.lon, accuracy: 17.0, wifi: [{ key: mac1 }] },
      { wifi: [{ key: mac1 }], accuracy: 16.0 },
      { wifi: [{ key: mac1 }] },
    ]), ep);
    const stored = await storedEntries(env);
    assert.is(stored.length, 3);
    assert.equal(positionsOf(stored), [
      canon({ latitude: CELL.lat, longitude: CELL.lon, accuracy: 17.0 }), canon({ accuracy: 16.0 }), canon(null),
    ].sort());
  });
}

S.run();
