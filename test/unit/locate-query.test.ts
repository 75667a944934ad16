import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  accuracyClass,
  accuracyMetres,
  bestAccuracy,
  compareAccuracy,
  DATA_ACCURACIES,
  meetsAccuracy,
} from "../../src/domain/locate/accuracy.ts";
import { type LocateRequest, parseLocateRequest } from "../../src/domain/locate/parse-locate-request.ts";
import { type ApiType, createQuery, parseClientIp } from "../../src/domain/locate/query.ts";

const LONDON_IP = "81.2.69.192";
const macs = (n: number, offset = 0) => Array.from({ length: n }, (_, i) => `a82066${String(100001 + offset + i)}`);
const blues = (n: number) => macs(n).map((macAddress) => ({ macAddress, age: 10, signalStrength: -85 }));
const wifis = (n: number) => macs(n, 50).map((macAddress) => ({ macAddress, age: 30, channel: 11, signalStrength: -85, signalToNoiseRatio: 13, ssid: "wifi" }));
const CELL = { radioType: "lte", mobileCountryCode: 234, mobileNetworkCode: 30, locationAreaCode: 123, cellId: 4567, age: 20, signalStrength: -90, timingAdvance: 1 };
const AREA_ONLY = { ...CELL, cellId: undefined };

function parse(body: unknown): LocateRequest {
  const result = parseLocateRequest(body);
  if (!result.ok) throw new Error(`rejected: ${JSON.stringify(result.validation)}`);
  return result.request;
}

const query = (body: object, opts: { ip?: string | null; apiType?: ApiType; hasGeoip?: boolean } = {}) =>
  createQuery({ request: parse(body), clientIp: opts.ip ?? null, apiType: opts.apiType ?? "locate", hasGeoip: opts.hasGeoip ?? false });

const validation = (body: unknown) => {
  const result = parseLocateRequest(body);
  return result.ok ? null : Object.keys(result.validation);
};

// test_constants.py and test_result.py

test("accuracy classes order high < medium < low < none and compare with metres", () => {
  assert.equal([...DATA_ACCURACIES].sort(compareAccuracy), ["high", "medium", "low", "none"]);
  assert.ok(compareAccuracy("high", "medium") < 0 && compareAccuracy("medium", "low") < 0 && compareAccuracy("low", "none") < 0);
  assert.is(compareAccuracy("low", "low"), 0);
  assert.is(accuracyMetres("none"), Number.POSITIVE_INFINITY);
  assert.ok(accuracyMetres("low") > 50_000);
  assert.is(accuracyMetres("medium"), 50_000);
  assert.ok(500.0 <= accuracyMetres("high"));
  assert.not.ok(500.1 <= accuracyMetres("high"));
});

test("a number maps to the first class it does not exceed (from_number, test_result)", () => {
  const table: [number | null, string][] = [
    [1, "high"], [-0.1, "high"], [0, "high"], [100, "high"], [500, "high"], [500.1, "medium"], [20_000, "medium"],
    [50_000, "medium"], [50_000.1, "low"], [10 ** 5, "low"], [10 ** 6, "low"], [40_000_000, "low"], [10 ** 9, "none"], [null, "none"],
  ];
  for (const [metres, expected] of table) assert.is(accuracyClass(metres), expected, String(metres));
  assert.is(accuracyClass(Number.NaN), "none");
  assert.is(bestAccuracy([]), "none");
  assert.is(bestAccuracy(["low", "high", "medium"]), "high");
});

test("a result is a hit when its class is at least the expected one: 50,000.0 hits medium, 50,000.1 misses", () => {
  assert.ok(meetsAccuracy(accuracyClass(50_000), "medium"));
  assert.not.ok(meetsAccuracy(accuracyClass(50_000.1), "medium"));
  assert.ok(meetsAccuracy("high", "low"));
  assert.not.ok(meetsAccuracy("none", "low"));
});

// Request schema (SPEC §3.1, test_locate_v1 TestSchema)

test("an empty request has empty lists and both fallbacks on", () => {
  assert.equal(parse({}), { bluetoothBeacons: [], cellTowers: [], wifiAccessPoints: [], fallbacks: { ipf: true, lacf: true } });
  assert.equal(parse({ invalid: 0, carrier: "x", homeMobileCountryCode: "262" }), parse({}));
});

test("considerIp sets ipf only when fallbacks is absent; non-boolean values read as true", () => {
  const ipf = (body: object) => parse(body).fallbacks.ipf;
  assert.equal([ipf({ considerIp: false }), ipf({ considerIp: "false" }), ipf({ considerIp: "true" }), ipf({ considerIp: "FALSE" })], [false, false, true, false]);
  assert.equal([ipf({ considerIp: 0 }), ipf({ considerIp: "0" }), ipf({ considerIp: "no" }), ipf({ considerIp: null })], [false, false, true, true]);
  assert.equal(parse({ considerIp: false, fallbacks: {} }).fallbacks, { ipf: true, lacf: true });
  assert.equal(parse({ fallbacks: { ipf: 0 } }).fallbacks, { ipf: false, lacf: true });
  assert.equal(parse({ fallbacks: { lacf: "False", ipf: "yes" } }).fallbacks, { ipf: true, lacf: false });
  assert.equal(parse({ fallbacks: { lacf: [], ipf: {} } }).fallbacks, { ipf: true, lacf: true });
});

test("type errors reject with their dotted paths, as colander does", () => {
  assert.equal(validation([1]), [""]);
  assert.equal(validation({ wifiAccessPoints: "abc" }), ["wifiAccessPoints"]);
  assert.equal(validation({ wifiAccessPoints: [{ macAddress: 10 }] }), ["wifiAccessPoints.0.macAddress"]);
  assert.equal(validation({ cellTowers: [{ radioType: "lte" }, { mobileCountryCode: "ab" }] }), ["cellTowers.1.mobileCountryCode"]);
  assert.equal(validation({ bluetoothBeacons: [5], fallbacks: 3 }), ["bluetoothBeacons.0", "fallbacks"]);
  assert.equal(validation({ carrier: 5, homeMobileNetworkCode: "x", radioType: 7 }), ["carrier", "homeMobileNetworkCode", "radioType"]);
  assert.is(validation({ wifiAccessPoints: [null, { macAddress: "abc", channel: "01" }] }), null);
});

test("numeric strings are integers: mcc as a string and mnc '01' (test_cell_mcc_mnc_strings)", () => {
  assert.equal(parse({ cellTowers: [{ ...CELL, mobileCountryCode: "234", mobileNetworkCode: "01" }] }).cellTowers[0]?.mobileNetworkCode, 1);
});

test("cells: psc is an alias of primaryScramblingCode, asu and radio are not read", () => {
  const [a, b, c] = parse({ cellTowers: [{ psc: 5 }, { psc: 5, primaryScramblingCode: 6 }, { radio: "gsm", radioType: "wcdma", asu: 15 }] }).cellTowers;
  assert.equal([a, b, c], [{ primaryScramblingCode: 5 }, { primaryScramblingCode: 6 }, { radioType: "wcdma" }]);
  assert.equal(query({ cellTowers: [{ ...CELL, signalStrength: undefined, asu: 15 }] }).cell[0]?.signal, undefined);
});

test("a top-level radioType fills cells lacking one; an unknown one is ignored, never a 400 (DESIGN §7)", () => {
  const { radioType: _, ...noRadio } = CELL;
  const towers = parse({ radioType: "wcdma", cellTowers: [noRadio, { ...noRadio, radioType: "" }, CELL] }).cellTowers;
  assert.equal(towers.map((t) => t.radioType), ["wcdma", "wcdma", "lte"]);
  for (const radioType of ["umts", "GSM", "5g"]) {
    const q = query({ radioType, cellTowers: [noRadio, { ...CELL, cellId: 99 }] });
    assert.equal(q.cell.map((c) => c.cid), [99], radioType);
  }
});

test("an unknown or cdma cell radio drops that cell only (DESIGN §7, test_cdma_cell, test_invalid_radio_field)", () => {
  const q = query({ cellTowers: [{ ...CELL, radioType: "umts" }, { ...CELL, radioType: "cdma", cellId: 1 }, { ...CELL, radioType: "gsm", cellId: 2 }] });
  assert.equal(q.cell.map((c) => [c.radio, c.cid]), [["gsm", 2]]);
  assert.equal(query({ radioType: "lte", cellTowers: [{ ...CELL, radioType: "umts" }] }).cell, []);
});

// Query object (test_query.py)

test("an empty query: fallbacks on, lists empty, expects none, geoip_only null", () => {
  const q = query({});
  assert.equal([q.fallbacks, q.ip, q.blue, q.wifi, q.cell, q.area], [{ ipf: true, lacf: true }, null, [], [], [], []]);
  assert.equal([q.expectedAccuracy, q.geoipOnly], ["none", null]);
  assert.equal(q.toJson(), { fallbacks: { ipf: true, lacf: true } });
});

test("a GeoIP-located IP: geoip_only, expects low, none without ipf; a malformed IP is ignored", () => {
  const q = query({}, { ip: LONDON_IP, hasGeoip: true });
  assert.equal([q.ip, q.geoipOnly, q.expectedAccuracy], [LONDON_IP, true, "low"]);
  assert.is(query({ fallbacks: { ipf: false } }, { ip: LONDON_IP, hasGeoip: true }).expectedAccuracy, "none");
  assert.equal([query({}, { ip: LONDON_IP }).geoipOnly, query({}, { ip: LONDON_IP }).expectedAccuracy], [null, "low"]);
  const bad = query({}, { ip: "127.0.0.0.0.1", hasGeoip: true });
  assert.equal([bad.ip, bad.geoipOnly, bad.expectedAccuracy], [null, null, "none"]);
  assert.equal([parseClientIp("::1"), parseClientIp(""), parseClientIp(undefined)], ["::1", null, null]);
  assert.is(query({ bluetoothBeacons: blues(2) }, { ip: LONDON_IP, hasGeoip: true }).geoipOnly, false);
});

test("Bluetooth: two beacons expect high (low for the region API); one is not enough", () => {
  const q = query({ bluetoothBeacons: blues(2) });
  assert.equal([q.blue.length, q.expectedAccuracy], [2, "high"]);
  assert.equal(q.blue.map((b) => [b.age, b.signal]), [[10, -85], [10, -85]]);
  assert.is(query({ bluetoothBeacons: blues(2) }, { apiType: "region" }).expectedAccuracy, "low");
  assert.equal([query({ bluetoothBeacons: blues(1) }).blue, query({ bluetoothBeacons: blues(1) }).expectedAccuracy], [[], "none"]);
});

test("Wi-Fi: two access points expect high (low for the region API), their fields kept", () => {
  const q = query({ wifiAccessPoints: wifis(2) });
  assert.equal([q.wifi.length, q.expectedAccuracy], [2, "high"]);
  assert.equal(q.wifi[0], { mac: macs(1, 50)[0], age: 30, channel: 11, frequency: 2462, signal: -85, snr: 13, ssid: "wifi" });
  assert.is(query({ wifiAccessPoints: wifis(2) }, { apiType: "region" }).expectedAccuracy, "low");
  assert.is(query({ wifiAccessPoints: [...wifis(1), { macAddress: "foo" }] }).wifi.length, 0);
});

test("a cell expects medium and gives one area too (low for the region API)", () => {
  const q = query({ cellTowers: [CELL] });
  assert.equal([q.cell.length, q.area.length, q.expectedAccuracy], [1, 1, "medium"]);
  assert.equal(q.cell[0], { radio: "lte", mcc: 234, mnc: 30, lac: 123, cid: 4567, age: 20, signal: -90, ta: 1 });
  assert.is(query({ cellTowers: [CELL] }, { apiType: "region" }).expectedAccuracy, "low");
  assert.is(query({ cellTowers: [CELL], wifiAccessPoints: wifis(2) }).expectedAccuracy, "high");
});

test("an area-only query expects low, none with lacf off, for both APIs", () => {
  const q = query({ cellTowers: [AREA_ONLY] });
  assert.equal([q.cell.length, q.area.length, q.expectedAccuracy, q.geoipOnly], [0, 1, "low", false]);
  assert.is(query({ cellTowers: [AREA_ONLY] }, { apiType: "region" }).expectedAccuracy, "low");
  for (const apiType of ["locate", "region"] as const) {
    const off = query({ cellTowers: [AREA_ONLY], fallbacks: { lacf: false } }, { apiType });
    assert.equal([off.cell.length, off.area.length, off.expectedAccuracy], [0, 0, "none"], apiType);
  }
});

test("an unknown api type is an error", () => {
  assert.throws(() => createQuery({ request: parse({}), clientIp: null, apiType: "something" as ApiType, hasGeoip: false }), /api type/);
});

test("networks() holds the validated ids; the area set only with lacf", () => {
  const q = query({ cellTowers: [CELL], wifiAccessPoints: wifis(2), bluetoothBeacons: blues(2) });
  const n = q.networks();
  assert.equal([...n.blue], macs(2));
  assert.equal([...n.wifi], macs(2, 50));
  assert.equal([...n.cell], ["0300ea001e007b000011d7"]);
  assert.equal([...n.area], ["0300ea001e007b"]);
  assert.is(query({ cellTowers: [CELL], fallbacks: { lacf: false } }).networks().area.size, 0);
  const nr = { radioType: "nr", mobileCountryCode: 244, mobileNetworkCode: 5, locationAreaCode: 16_000_000, cellId: 2 ** 35 };
  const ids = query({ cellTowers: [nr] }).networks();
  assert.equal([[...ids.cell][0]?.length, [...ids.area][0]?.length], [34, 18]);
});

test("toJson: the §3.9 LTE cell exactly, areas never serialised", () => {
  const cell = { ...CELL, mobileCountryCode: 234, primaryScramblingCode: 5, signalStrength: -70, age: undefined };
  assert.equal(query({ radioType: "lte", cellTowers: [{ ...cell, radioType: undefined }, AREA_ONLY] }).toJson(), {
    cellTowers: [{ radioType: "lte", mobileCountryCode: 234, mobileNetworkCode: 30, locationAreaCode: 123, cellId: 4567, primaryScramblingCode: 5, signalStrength: -70, timingAdvance: 1 }],
    fallbacks: { ipf: true, lacf: true },
  });
});

test("toJson: beacons and access points with normalised MACs, invalid values gone, channel/frequency completed", () => {
  const q = query({
    considerIp: false,
    bluetoothBeacons: [{ macAddress: "A8:20:66:10:00:01", signalStrength: -50, name: "b" }, { macAddress: "a82066100002", signalStrength: -150 }],
    wifiAccessPoints: [{ macAddress: "a82066100051", channel: 1, signalStrength: -50 }, { macAddress: "a82066100052", frequency: 2437, signalStrength: -130, signalToNoiseRatio: 13, ssid: "s" }],
  });
  assert.equal(q.toJson(), {
    bluetoothBeacons: [{ macAddress: "a82066100001", signalStrength: -50, name: "b" }, { macAddress: "a82066100002" }],
    wifiAccessPoints: [{ macAddress: "a82066100051", channel: 1, frequency: 2412, signalStrength: -50 }, { macAddress: "a82066100052", channel: 6, frequency: 2437, signalToNoiseRatio: 13, ssid: "s" }],
    fallbacks: { ipf: false, lacf: true },
  });
});

test("metric tags: geoip:false without an IP; Bluetooth and Wi-Fi counted as sent, cells as validated", () => {
  assert.equal(query({}, { ip: LONDON_IP }).metricTags(), ["blue:none", "cell:none", "wifi:none"]);
  assert.equal(query({ bluetoothBeacons: blues(1), cellTowers: [CELL], wifiAccessPoints: wifis(1) }, { ip: LONDON_IP }).metricTags(), ["blue:one", "cell:one", "wifi:one"]);
  const many = { bluetoothBeacons: blues(2), cellTowers: [CELL, { ...CELL, cellId: 9 }, { ...CELL, mobileCountryCode: 101 }], wifiAccessPoints: wifis(3) };
  assert.equal(query(many).metricTags(), ["geoip:false", "blue:many", "cell:many", "wifi:many"]);
});

test.run();
