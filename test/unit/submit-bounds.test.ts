import { test } from "uvu";
import * as assert from "uvu/assert";
import { buildLookups } from "../../src/domain/locate/lookups.ts";
import { parseLocateRequest } from "../../src/domain/locate/parse-locate-request.ts";
import { capUserAgent, fitsUtf8Bytes, isMacShaped } from "../../src/domain/submit/field-bounds.ts";
import { normalizerFor } from "../support/normalize-helpers.ts";

const v2 = normalizerFor("v2");
const v1 = normalizerFor("v1");
const v0 = normalizerFor("v0");

const MAC = "a82066000001";
const MAC2 = "a82066000002";

/** The single Wi-Fi entry a v2 report keeps for `ap`, or undefined when it was dropped. */
function wifiOf(ap: Record<string, unknown>): Record<string, unknown> | undefined {
  const reports = v2.reportsOf({ items: [{ wifiAccessPoints: [ap] }] });
  return reports[0]?.wifiAccessPoints[0] as Record<string, unknown> | undefined;
}

const blueOf = (beacon: Record<string, unknown>) =>
  v2.reportsOf({ items: [{ bluetoothBeacons: [beacon] }] })[0]?.bluetoothBeacons[0] as Record<string, unknown> | undefined;

test("an SSID of 32 bytes is kept, one of 33 bytes is dropped and its access point kept", () => {
  assert.equal(wifiOf({ macAddress: MAC, ssid: "s".repeat(32) }), { macAddress: MAC, ssid: "s".repeat(32) });
  assert.equal(wifiOf({ macAddress: MAC, ssid: "s".repeat(33), signalStrength: -60 }), { macAddress: MAC, signalStrength: -60 });
});

test("SSID bytes are counted in UTF-8: 16 × é (32 bytes) kept, 11 × € (33 bytes in 11 chars) dropped", () => {
  assert.is(wifiOf({ macAddress: MAC, ssid: "é".repeat(16) })?.ssid, "é".repeat(16));
  assert.is(wifiOf({ macAddress: MAC, ssid: `${"é".repeat(16)}a` })?.ssid, undefined);
  assert.is(wifiOf({ macAddress: MAC, ssid: `${"€".repeat(10)}ab` })?.ssid, `${"€".repeat(10)}ab`);
  assert.is(wifiOf({ macAddress: MAC, ssid: "€".repeat(11) })?.ssid, undefined);
  assert.is(wifiOf({ macAddress: MAC, ssid: "😀".repeat(8) })?.ssid, "😀".repeat(8), "8 emoji are 32 bytes in 16 UTF-16 units");
  assert.is(wifiOf({ macAddress: MAC, ssid: `${"😀".repeat(8)}a` })?.ssid, undefined);
});

test("byte counting: a lone surrogate (no valid UTF-8) counts 3 bytes, as U+FFFD would", () => {
  assert.ok(fitsUtf8Bytes(`${"\ud800".repeat(10)}ab`, 32));
  assert.not.ok(fitsUtf8Bytes("\ud800".repeat(11), 32));
  assert.ok(fitsUtf8Bytes("", 0));
  for (const s of ["a".repeat(40), "é".repeat(20), "€x".repeat(9), "😀€a".repeat(4)]) {
    for (let max = 0; max <= 45; max++) assert.is(fitsUtf8Bytes(s, max), Buffer.byteLength(s) <= max, `${s} within ${max}`);
  }
});

test("an over-long SSID ending in _nomap drops its access point, so the opt-out is not lost", () => {
  assert.is(wifiOf({ macAddress: MAC, ssid: `${"x".repeat(30)}_nomap` }), undefined);
  assert.is(wifiOf({ macAddress: MAC, ssid: `${"x".repeat(30)}_NoMap` }), undefined);
  assert.equal(wifiOf({ macAddress: MAC, ssid: `${"x".repeat(20)}_nomap` }), { macAddress: MAC, ssid: `${"x".repeat(20)}_nomap` });
});

test("MACs: 12 hex digits with or without separators are kept as sent, up to 17 characters", () => {
  for (const mac of ["a82066000001", "A82066000001", "a8:20:66:00:00:01", "A8-20-66-00-00-01", "a820.6600.0001", "000000000000"]) {
    assert.equal(wifiOf({ macAddress: mac }), { macAddress: mac }, mac);
    assert.equal(blueOf({ macAddress: mac }), { macAddress: mac }, mac);
  }
});

test("MACs: 13 or 11 hex digits, non-hex digits, 18 characters or a 10 MB string drop the entry", () => {
  const bad = ["a820660000011", "a8206600000", "a8206600000g", "a8:20:66:00:00:0z", "a8:20:66:00:00:01:", "a8::20:66:00:00:01", "a8 20 66 00 00 01",
    "x".repeat(10_000_000)];
  for (const mac of bad) {
    assert.is(wifiOf({ macAddress: mac, ssid: "net" }), undefined, mac.slice(0, 20));
    assert.is(blueOf({ macAddress: mac, name: "tag" }), undefined, mac.slice(0, 20));
    assert.not.ok(isMacShaped(mac));
  }
});

test("a MAC of the wrong type still rejects the request, as before", () => {
  assert.equal(Object.keys(v2.errorsOf({ items: [{ wifiAccessPoints: [{ macAddress: 10 }] }] })), ["items.0.wifiAccessPoints.0.macAddress"]);
  assert.equal(Object.keys(v2.errorsOf({ items: [{ wifiAccessPoints: [{ macAddress: MAC, ssid: 5 }] }] })), ["items.0.wifiAccessPoints.0.ssid"]);
});

test("a Bluetooth name of 248 bytes is kept, 249 bytes dropped (the beacon kept); multi-byte counted in bytes", () => {
  assert.is(blueOf({ macAddress: MAC, name: "n".repeat(248) })?.name, "n".repeat(248));
  assert.equal(blueOf({ macAddress: MAC, name: "n".repeat(249), signalStrength: -70 }), { macAddress: MAC, signalStrength: -70 });
  assert.is(blueOf({ macAddress: MAC, name: "é".repeat(124) })?.name, "é".repeat(124));
  assert.is(blueOf({ macAddress: MAC, name: `${"é".repeat(124)}a` })?.name, undefined);
});

test("a carrier of 128 characters is kept, 129 dropped (the report kept), in v2 and v1", () => {
  for (const { onlyReport } of [v2, v1]) {
    assert.is(onlyReport({ carrier: "c".repeat(128), wifiAccessPoints: [{ macAddress: MAC }] }).carrier, "c".repeat(128));
    const report = onlyReport({ carrier: "c".repeat(129), wifiAccessPoints: [{ macAddress: MAC }] });
    assert.not.ok("carrier" in report);
    assert.equal(report.wifiAccessPoints, [{ macAddress: MAC }]);
  }
});

test("a Wi-Fi radioType of 32 characters is kept, 33 dropped (the access point kept)", () => {
  assert.is(wifiOf({ macAddress: MAC, radioType: "r".repeat(32) })?.radioType, "r".repeat(32));
  assert.equal(wifiOf({ macAddress: MAC, radioType: "r".repeat(33) }), { macAddress: MAC });
});

test("v1 applies the same bounds to its entries", () => {
  const report = v1.onlyReport({
    latitude: 51.5,
    wifiAccessPoints: [{ macAddress: MAC, ssid: "s".repeat(33), radioType: "r".repeat(33) }, { macAddress: "a8206600000g" }],
    bluetoothBeacons: [{ macAddress: MAC2, name: "n".repeat(249) }, { macAddress: "a820660000011" }],
  });
  assert.equal(report.wifiAccessPoints, [{ macAddress: MAC }]);
  assert.equal(report.bluetoothBeacons, [{ macAddress: MAC2 }]);
});

test("v0 applies the same bounds under its own names (key, radio)", () => {
  const report = v0.onlyReport({
    lat: 51.5,
    lon: -0.1,
    wifi: [
      { key: MAC, ssid: "s".repeat(33), radio: "r".repeat(33), signal: -60 },
      { key: MAC2, ssid: "s".repeat(32), radio: "802.11n" },
      { key: "a8206600000g" },
      { key: "x".repeat(100_000) },
    ],
    blue: [{ key: "A8:20:66:00:00:03", name: "n".repeat(249) }, { key: "A8:20:66:00:00:04", name: "n".repeat(248) }, { key: "a820660000011" }],
  });
  assert.equal(report.wifiAccessPoints, [
    { macAddress: MAC, signalStrength: -60 },
    { macAddress: MAC2, ssid: "s".repeat(32), radioType: "802.11n" },
  ]);
  assert.equal(report.bluetoothBeacons, [{ macAddress: "A8:20:66:00:00:03" }, { macAddress: "A8:20:66:00:00:04", name: "n".repeat(248) }]);
});

test("a report whose only networks had bad MACs is dropped like one whose networks had none", () => {
  assert.equal(v2.reportsOf({ items: [{ wifiAccessPoints: [{ macAddress: "nope" }], bluetoothBeacons: [{ macAddress: "x".repeat(18) }] }] }), []);
  assert.equal(v0.reportsOf({ items: [{ lat: 1, lon: 2, wifi: [{ key: "nope" }] }] }), []);
});

test("the User-Agent is cut to 512 characters, never inside a surrogate pair", () => {
  assert.is(capUserAgent(null), null);
  assert.is(capUserAgent("u".repeat(512)), "u".repeat(512));
  assert.is(capUserAgent("u".repeat(513)), "u".repeat(512));
  assert.is(capUserAgent("u".repeat(10_000_000))?.length, 512);
  const pairAtEdge = `${"u".repeat(511)}😀tail`;
  assert.is(capUserAgent(pairAtEdge), "u".repeat(511));
});

test("locate: an over-long SSID or name is dropped, an entry with a bad MAC ignored, before the query is built", () => {
  const parsed = parseLocateRequest({
    wifiAccessPoints: [
      { macAddress: MAC, ssid: "s".repeat(10_000_000) },
      { macAddress: MAC2, ssid: "home" },
      { macAddress: "x".repeat(10_000_000) },
      { macAddress: "a8206600000a", ssid: `${"x".repeat(30)}_nomap` },
    ],
    bluetoothBeacons: [{ macAddress: MAC, name: "n".repeat(249) }, { macAddress: MAC2, name: "tag" }, { macAddress: "a8206600000g" }],
  });
  if (!parsed.ok) throw new Error("rejected");
  assert.equal(parsed.request.wifiAccessPoints, [{ macAddress: MAC }, { macAddress: MAC2, ssid: "home" }]);
  assert.equal(parsed.request.bluetoothBeacons, [{ macAddress: MAC }, { macAddress: MAC2, name: "tag" }]);
});

test("locate lookups keep no over-long SSID or name, whoever built the request", () => {
  const lookups = buildLookups({
    wifiAccessPoints: [{ macAddress: MAC, ssid: "s".repeat(33) }, { macAddress: MAC2, ssid: "s".repeat(32) }, { macAddress: "a82066000003", ssid: `${"x".repeat(30)}_nomap` }],
    bluetoothBeacons: [{ macAddress: MAC, name: "n".repeat(249) }, { macAddress: MAC2, name: "n".repeat(248) }],
    cellTowers: [],
    fallbacks: { ipf: true, lacf: true },
  });
  assert.equal(lookups.wifi.map((w) => w.ssid), [undefined, "s".repeat(32)]);
  assert.equal(lookups.blue.map((b) => b.name), [undefined, "n".repeat(248)]);
});

test.run();
