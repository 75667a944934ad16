/**
 * SPEC §6.2 `/v1/geolocate` cases that need no external provider: stations written through the
 * projectors' upserts, answers and the `query` reports they queue (SPEC §3.9).
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { assertError, call, clearRedis, createLocateTestEnv, GB, insertArea, insertCell, insertMacs } from "../support/locate-setup.ts";
import { today } from "../support/pipeline-setup.ts";
import { storedCount, storedEntries, type WebTestEnv } from "../support/web-setup.ts";

const S = suite<{ env: WebTestEnv }>("locate API: /v1/geolocate");

S.before(async (ctx) => {
  ctx.env = await createLocateTestEnv("locate-geolocate");
});
S.after(async (ctx) => ctx.env.close());
S.before.each(async ({ env }) => clearRedis(env));

const geolocate = (env: WebTestEnv, body: unknown, key?: string) => call(env, "/v1/geolocate", body, key === undefined ? {} : { key });
type Answer = { location: { lat: number; lng: number }; accuracy: number; fallback?: string };
async function answer(res: Response): Promise<Answer> {
  assert.is(res.status, 200);
  return (await res.json()) as Answer;
}

const tower = (c: { radio: string; mcc: number; mnc: number; lac: number; cid: number }) => ({
  radioType: c.radio, mobileCountryCode: c.mcc, mobileNetworkCode: c.mnc, locationAreaCode: c.lac, cellId: c.cid,
});

S("unknown beacons, Wi-Fi and cells, and a cell with an invalid LAC, are 404", async ({ env }) => {
  await assertError(await geolocate(env, { bluetoothBeacons: [{ macAddress: "a82066a00001" }, { macAddress: "a82066a00002" }] }), 404, "notFound");
  await assertError(await geolocate(env, { wifiAccessPoints: [{ macAddress: "a82066a00003" }, { macAddress: "a82066a00004" }] }), 404, "notFound");
  await assertError(await geolocate(env, { cellTowers: [tower({ radio: "gsm", mcc: 234, mnc: 30, lac: 1, cid: 1 })] }), 404, "notFound");
  await assertError(await geolocate(env, { cellTowers: [tower({ radio: "wcdma", mcc: 234, mnc: 30, lac: 0, cid: 1 })] }), 404, "notFound");
  assert.is(await storedCount(env), 0);
});

S("a known LTE cell answers at the cell (accuracy 1000) and queues the SPEC §3.9 report", async ({ env }) => {
  const cell = { radio: "lte", mcc: 234, mnc: 30, lac: 100, cid: 1001 } as const;
  await insertCell(env, cell);
  const { radioType: _, ...rest } = tower(cell);
  const body = { radioType: "lte", cellTowers: [{ ...rest, primaryScramblingCode: 5, signalStrength: -70, timingAdvance: 1 }] };
  assert.equal(await answer(await geolocate(env, body)), { location: { lat: GB.lat, lng: GB.lon }, accuracy: 1000 });
  const [entry, ...more] = await storedEntries(env);
  assert.is(more.length, 0);
  assert.is(entry!.api_key, "test");
  assert.is(entry!.source, "query");
  assert.equal(entry!.report.cellTowers, [{ ...tower(cell), primaryScramblingCode: 5, signalStrength: -70, timingAdvance: 1 }]);
  assert.equal(entry!.report.position, { latitude: GB.lat, longitude: GB.lon, accuracy: 1000, source: "query" });
});

S("with store_sample_locate 0 the answer is the same and nothing is queued", async ({ env }) => {
  const cell = { radio: "gsm", mcc: 234, mnc: 30, lac: 101, cid: 1002 } as const;
  await insertCell(env, cell);
  assert.equal((await answer(await geolocate(env, { cellTowers: [tower(cell)] }, "nosample"))).accuracy, 1000);
  assert.is(await storedCount(env), 0);
});

S("a known cell plus a psc-only neighbour, string MCC/MNC, and a cdma cell next to a gsm one", async ({ env }) => {
  const cell = { radio: "gsm", mcc: 234, mnc: 1, lac: 102, cid: 1003 } as const;
  await insertCell(env, cell, { lat: 51.6, lon: -0.2 });
  const at = { location: { lat: 51.6, lng: -0.2 }, accuracy: 1000 };
  assert.equal(await answer(await geolocate(env, { cellTowers: [tower(cell), { radioType: "gsm", psc: 7 }] })), at);
  const strings = { ...tower(cell), mobileCountryCode: "234", mobileNetworkCode: "01" };
  assert.equal(await answer(await geolocate(env, { cellTowers: [strings] })), at);
  const cdma = { ...tower(cell), radioType: "cdma", cellId: 5 };
  assert.equal(await answer(await geolocate(env, { cellTowers: [tower(cell), cdma] })), at);
});

S("only the area known: answered at its centre, accuracy 50 000, fallback lacf; 404 without lacf", async ({ env }) => {
  const area = { radio: "lte", mcc: 234, mnc: 30, lac: 103 } as const;
  await insertArea(env, area, { lat: 51.7, lon: -0.3 });
  const cell = { radioType: "lte", mobileCountryCode: 234, mobileNetworkCode: 30, locationAreaCode: 103 };
  const expected = { location: { lat: 51.7, lng: -0.3 }, accuracy: 50_000, fallback: "lacf" };
  for (const fallbacks of [{ lacf: true }, undefined, { ipf: true }]) {
    assert.equal(await answer(await geolocate(env, { cellTowers: [cell], ...(fallbacks ? { fallbacks } : {}) })), expected);
  }
  await assertError(await geolocate(env, { cellTowers: [cell], fallbacks: { lacf: false } }), 404, "notFound");
});

S("three positioned beacons answer; the report lists all four valid beacons", async ({ env }) => {
  const macs = ["a82066b00001", "a82066b00002", "a82066b00003", "a82066b00004"];
  await insertMacs(env, "blue", [
    { mac: macs[0]! }, { mac: macs[1]!, over: { lat: GB.lat + 0.00001 } }, { mac: macs[2]!, over: { lat: GB.lat + 0.00002 } },
    { mac: macs[3]!, over: { lat: null, lon: null } },
  ]);
  // test_locate_v1.py test_blue: −50 on the first, −150 (out of range, dropped) on the second.
  const beacons = macs.map((macAddress, i) => ({
    macAddress, ...(i === 0 ? { signalStrength: -50 } : i === 1 ? { signalStrength: -150, name: "my-beacon" } : {}),
  }));
  const res = await answer(await geolocate(env, { bluetoothBeacons: beacons }));
  // Ichnos's estimate and accuracy (README "Differences from Ichnaea"): the −50 dBm beacon
  // outweighs the two without a signal (−127 dBm) 7,000 to 1, and three beacons observed once,
  // the loudest at −50 dBm, give 140 m · 1/√1 (accuracy-model.ts). Ichnaea (SPEC §6.2): base +
  // 0.0000035, accuracy 10.
  const share = (2 * 10 ** (-127 / 20)) / (10 ** (-50 / 20) + 2 * 10 ** (-127 / 20));
  assert.ok(Math.abs(res.location.lat - (GB.lat + 0.000015 * share)) < 1e-7, `lat ${res.location.lat}`);
  assert.ok(Math.abs(res.accuracy - 140) < 0.01, `accuracy ${res.accuracy}`);
  const [entry] = await storedEntries(env);
  assert.is(await storedCount(env), 1);
  assert.equal(entry!.report.bluetoothBeacons.map((b) => b.macAddress), macs);
  assert.is(entry!.report.bluetoothBeacons[0]!.signalStrength, -50);
  assert.is(entry!.report.bluetoothBeacons[1]!.signalStrength, undefined, "invalid signal removed");
  assert.is(entry!.report.bluetoothBeacons[1]!.name, "my-beacon");
});

S("two beacons both seen today answer at their midpoint and queue nothing", async ({ env }) => {
  await insertMacs(env, "blue", [{ mac: "a82066c00000", over: { lastSeen: today() } }, { mac: "a82066c00001", over: { lat: GB.lat + 0.00002, lastSeen: today() } }]);
  const res = await answer(await geolocate(env, { bluetoothBeacons: [{ macAddress: "a82066c00000" }, { macAddress: "a82066c00001" }] }));
  assert.ok(Math.abs(res.location.lat - (GB.lat + 0.00001)) < 0.000001, `lat ${res.location.lat}`);
  assert.is(await storedCount(env), 0);
});

S("three positioned access points answer; the report completes channel and frequency", async ({ env }) => {
  const macs = ["a82066d00001", "a82066d00002", "a82066d00003", "a82066d00004"];
  await insertMacs(env, "wifi", [
    { mac: macs[0]! }, { mac: macs[1]!, over: { lat: GB.lat + 0.00001 } }, { mac: macs[2]!, over: { lat: GB.lat + 0.00002 } },
    { mac: macs[3]!, over: { lat: null, lon: null } },
  ]);
  const aps = [
    { macAddress: macs[0], channel: 1, signalStrength: -50 }, { macAddress: macs[1], frequency: 2437 },
    { macAddress: macs[2], signalStrength: -130, signalToNoiseRatio: 13 }, { macAddress: macs[3], ssid: "my-wifi" },
  ];
  const res = await answer(await geolocate(env, { wifiAccessPoints: aps }));
  // Ichnos's estimate and accuracy (README "Differences from Ichnaea"): the −50 dBm network
  // outweighs the two without a valid signal (−100 dBm) 316 to 1 each, and three networks side
  // by side observed once give (0.5 + 4.5/3) · 310 m, held to 500. Ichnaea (SPEC §6.2): base +
  // 0.000005, accuracy 10.
  const w = 10 ** (-100 / 20);
  const expected = GB.lat + (w * 0.00001 + w * 0.00002) / (10 ** (-50 / 20) + 2 * w);
  assert.ok(Math.abs(res.location.lat - expected) < 1e-7, `lat ${res.location.lat}`);
  assert.is(res.accuracy, 500);
  const [entry] = await storedEntries(env);
  const sent = entry!.report.wifiAccessPoints;
  assert.equal(sent.map((w) => w.macAddress), macs);
  assert.equal([sent[0]!.channel, sent[0]!.frequency, sent[1]!.channel, sent[1]!.frequency], [1, 2412, 6, 2437]);
  assert.is(sent[2]!.signalStrength, undefined, "invalid signal removed");
});

S("a top-level radioType fills cells without one; an unknown one fills none (DESIGN §7)", async ({ env }) => {
  const cell = { radio: "wcdma", mcc: 234, mnc: 30, lac: 104, cid: 70_000 } as const;
  await insertCell(env, cell, { lat: 51.8 });
  const { radioType: _, ...bare } = tower(cell);
  assert.is((await answer(await geolocate(env, { radioType: "wcdma", cellTowers: [bare] }))).location.lat, 51.8);
  await assertError(await geolocate(env, { radioType: "umts", cellTowers: [bare] }), 404, "notFound");
});

S("cells of two radios disagreeing with the top-level radioType: the more accurate one answers", async ({ env }) => {
  // test_inconsistent_cell_radio: each cell keeps its own radio; wcdma (15 km) beats gsm (35 km).
  const wcdma = { radio: "wcdma", mcc: 234, mnc: 30, lac: 110, cid: 70_000 } as const;
  const gsm = { radio: "gsm", mcc: 234, mnc: 30, lac: 111, cid: 7 } as const;
  await insertCell(env, wcdma, { radius: 15_000, samples: 10, lat: GB.lat + 0.1 });
  await insertCell(env, gsm, { radius: 35_000 });
  const res = await answer(await geolocate(env, { radioType: "lte", cellTowers: [tower(wcdma), tower(gsm)] }));
  assert.equal(res, { location: { lat: GB.lat + 0.1, lng: GB.lon }, accuracy: 15_000 });
});

S.run();
