import { readFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { cellKey } from "../../src/domain/observation/cell-id.ts";
import { observationShard, splitReport } from "../../src/domain/observation/split-report.ts";
import { transformReport } from "../../src/domain/observation/transform-report.ts";
import type { CellTower, Position, Report, ReportEntry, WifiAccessPoint } from "../../src/domain/report.ts";
import { normalizeSubmission } from "../../src/domain/submit/normalize.ts";

/** Stands in for the region shapes: land everywhere except around (0,0) and one Atlantic point. */
const SEA: readonly [number, number][] = [[50, -30]];
const geo = {
  anyRegion: (lat: number, lon: number) =>
    !(Math.abs(lat) < 1 && Math.abs(lon) < 1) && !SEA.some(([a, b]) => Math.abs(lat - a) < 1 && Math.abs(lon - b) < 1),
};

const TS = 1_700_000_000_000;
const BERLIN: Position = { latitude: 52.52, longitude: 13.405 };

function entry(parts: Partial<Report>, source: ReportEntry["source"] = "gnss"): ReportEntry {
  const report: Report = { timestamp: TS, position: BERLIN, bluetoothBeacons: [], cellTowers: [], wifiAccessPoints: [], ...parts };
  return { api_key: null, source, received: TS, user_agent: null, report };
}

const wifi = (i: number, extra: Partial<WifiAccessPoint> = {}): WifiAccessPoint => ({
  macAddress: `a8:20:66:${(i >> 8).toString(16).padStart(2, "0")}:${(i & 255).toString(16).padStart(2, "0")}:01`, ...extra,
});
const LTE: CellTower = { radioType: "lte", mobileCountryCode: 262, mobileNetworkCode: 2, locationAreaCode: 4000, cellId: 123456 };

test("the transform maps v2 names and shifts timestamp and ages by the position's age (SPEC §4.6)", () => {
  const input = {
    timestamp: 1460700010000,
    position: { age: 2000 },
    bluetoothBeacons: [{ age: -3000 }, { macAddress: "ab" }],
    cellTowers: [{ age: 3000 }, { radioType: "gsm" }],
    wifiAccessPoints: [{ age: 1500 }, { age: -2500 }],
  } as unknown as Report;
  assert.equal(transformReport(input), {
    timestamp: 1460700008000,
    blue: [{ age: -5000 }, { mac: "ab", age: -2000 }],
    cell: [{ age: 1000 }, { radio: "gsm", age: -2000 }],
    wifi: [{ age: -500 }, { age: -4500 }],
  });
});

test("the transform merges the position, drops ssid and name, and empties a report without networks", () => {
  const position: Position = { latitude: 1, longitude: 2, altitudeAccuracy: 3, source: "fused", age: 0 };
  const r = transformReport({
    timestamp: TS, position, cellTowers: [{}], wifiAccessPoints: [{ macAddress: "x", ssid: "s", radioType: "802.11ax" }],
    bluetoothBeacons: [{ macAddress: "y", name: "n" }],
  });
  assert.equal(r, {
    lat: 1, lon: 2, altitude_accuracy: 3, source: "fused", timestamp: TS,
    blue: [{ mac: "y" }], wifi: [{ mac: "x", radio: "802.11ax" }],
  });
  assert.equal(transformReport({ timestamp: TS, position, bluetoothBeacons: [], cellTowers: [{}], wifiAccessPoints: [] }), {});
});

test("12 reports with 1 cell and 2 Wi-Fi each give 12 cell and 24 Wi-Fi observations", () => {
  const cells = new Set<string>();
  const macs = new Set<string>();
  for (let i = 0; i < 12; i++) {
    const split = splitReport(entry({ cellTowers: [{ ...LTE, cellId: 1000 + i }], wifiAccessPoints: [wifi(2 * i), wifi(2 * i + 1)] }), geo);
    assert.is(split.cell.length, 1);
    assert.is(split.wifi.length, 2);
    assert.not.ok(split.reportDropped);
    for (const c of split.cell) cells.add(cellKey(c));
    for (const w of split.wifi) macs.add(w.mac);
  }
  assert.is(cells.size, 12);
  assert.is(macs.size, 24);
});

test("a network duplicated inside a report gives one observation, the better one", () => {
  const w = wifi(1, { signalStrength: -90 });
  const split = splitReport(entry({
    wifiAccessPoints: [w, { ...w, signalStrength: -88 }, { ...w, signalStrength: -92 }],
    cellTowers: [{ ...LTE, signalStrength: -110 }, { ...LTE, signalStrength: -108 }, { ...LTE, signalStrength: -112 }],
    bluetoothBeacons: [{ macAddress: "d4:ad:fc:12:34:56", age: 10 }, { macAddress: "D4ADFC123456", age: 5 }],
  }), geo);
  assert.equal(split.wifi.map((o) => o.signal), [-88]);
  assert.equal(split.cell.map((o) => o.signal), [-108]);
  assert.equal(split.blue.map((o) => o.age), [5]);
  assert.equal(split.droppedNetworks, { blue: 0, wifi: 0, cell: 0 });
});

test("the kept duplicate stays when ANY shared field favours it, even after a field favouring the newcomer", () => {
  // Lexicographically the newcomer wins on ta, the first comparator; upstream keeps the first.
  const cells = [{ ...LTE, timingAdvance: 5, signalStrength: -60 }, { ...LTE, timingAdvance: 3, signalStrength: -80 }];
  assert.equal(splitReport(entry({ cellTowers: cells }), geo).cell.map((c) => [c.ta, c.signal]), [[5, -60]]);
  const wifis = [wifi(1, { signalStrength: -80, age: 10 }), wifi(1, { signalStrength: -70, age: 20 })];
  assert.equal(splitReport(entry({ wifiAccessPoints: wifis }), geo).wifi.map((w) => w.signal), [-80]);
});

test("a later duplicate replaces the kept one when no shared field favours the kept one, in its place", () => {
  const wifis = [wifi(1, { signalStrength: -80 }), wifi(2), wifi(1, { signalToNoiseRatio: 30 })];
  const split = splitReport(entry({ wifiAccessPoints: wifis }), geo);
  assert.equal(split.wifi.map((w) => [w.mac, w.signal, w.snr]), [["a82066000101", undefined, 30], ["a82066000201", undefined, undefined]]);
});

test("an invalid MAC (abcd) drops the Wi-Fi and, with nothing else, the report", () => {
  const split = splitReport(entry({ wifiAccessPoints: [{ macAddress: "abcd" }] }), geo);
  assert.ok(split.reportDropped);
  assert.equal(split.droppedNetworks, { blue: 0, wifi: 1, cell: 0 });
  assert.is(split.position, null);
  const blue = splitReport(entry({ bluetoothBeacons: [{ macAddress: "abcd" }] }), geo);
  assert.equal([blue.reportDropped, blue.droppedNetworks.blue], [true, 1]);
});

test("mcc −2 drops the cell and the report", () => {
  const split = splitReport(entry({ cellTowers: [{ ...LTE, mobileCountryCode: -2 }] }), geo);
  assert.ok(split.reportDropped);
  assert.equal(split.droppedNetworks, { blue: 0, wifi: 0, cell: 1 });
});

test("lat −90.1, a missing position, 0/0 and a point at sea drop the whole report", () => {
  const positions: (Position | null)[] = [
    { latitude: -90.1, longitude: 13 }, { latitude: 85.052, longitude: 13 }, { latitude: 52, longitude: 180.1 }, { longitude: 13 },
    null, { latitude: 0, longitude: 0 }, { latitude: 50, longitude: -30 },
  ];
  for (const position of positions) {
    const split = splitReport(entry({ position, cellTowers: [LTE] }), geo);
    assert.equal(split, { blue: [], wifi: [], cell: [], reportDropped: true, droppedNetworks: { blue: 0, wifi: 0, cell: 0 }, position: null });
  }
  assert.is(splitReport(entry({ position: { latitude: 85.051, longitude: -180 }, cellTowers: [LTE] }), geo).cell.length, 1);
});

test("each report field out of range is dropped while the report is kept", () => {
  const bad: Position[] = [
    { accuracy: -1, altitude: -10_912, altitudeAccuracy: -1, heading: -1, pressure: 99, speed: -1 },
    { accuracy: 1_000_001, altitude: 100_001, altitudeAccuracy: 110_912, heading: 361, pressure: 1201, speed: 301 },
  ];
  for (const p of bad) {
    const split = splitReport(entry({ position: { ...BERLIN, ...p }, cellTowers: [LTE] }), geo);
    assert.equal(split.cell, [{ radio: "lte", mcc: 262, mnc: 2, lac: 4000, cid: 123456, lat: 52.52, lon: 13.405, source: "gnss", timestamp: TS }]);
  }
  const edges: Position = { accuracy: 0, altitude: -10_911, altitudeAccuracy: 110_911, heading: 360, pressure: 100, speed: 300 };
  const kept = splitReport(entry({ position: { ...BERLIN, ...edges }, cellTowers: [LTE] }), geo).cell[0];
  assert.equal(kept, { ...LTE_OBS, ...edges, source: "gnss", timestamp: TS });
  for (const timestamp of [999_999_999_999, 10_000_000_000_001]) {
    assert.is(splitReport(entry({ timestamp, cellTowers: [LTE] }), geo).cell[0]?.timestamp, undefined);
  }
});

const LTE_OBS = { radio: "lte", mcc: 262, mnc: 2, lac: 4000, cid: 123456, lat: 52.52, lon: 13.405 };

test("the source is the position's, else the entry's; the timestamp and ages shift by the fix's age", () => {
  const fused = splitReport(entry({ position: { ...BERLIN, source: "fused" }, cellTowers: [LTE] }, "query"), geo);
  assert.is(fused.cell[0]?.source, "fused");
  const query = splitReport(entry({ cellTowers: [LTE] }, "query"), geo);
  assert.is(query.cell[0]?.source, "query");
  const aged = splitReport(entry({ position: { ...BERLIN, age: 1500 }, cellTowers: [{ ...LTE, age: 500 }], wifiAccessPoints: [wifi(1)] }), geo);
  assert.equal([aged.cell[0]?.timestamp, aged.cell[0]?.age, aged.wifi[0]?.age], [TS - 1500, -1000, -1500]);
});

test("Wi-Fi whose SSID ends in _nomap is never stored and counts as dropped (DESIGN §7)", () => {
  const split = splitReport(entry({
    wifiAccessPoints: [wifi(1, { ssid: "Home_nomap" }), wifi(2, { ssid: "Cafe_NoMap" }), wifi(3, { ssid: "_nomap_not_at_end" }), wifi(4)],
  }), geo);
  assert.equal(split.wifi.map((w) => w.mac), ["a82066000301", "a82066000401"]);
  assert.is(split.droppedNetworks.wifi, 2);
  const only = splitReport(entry({ wifiAccessPoints: [wifi(1, { ssid: "x_nomap" })] }), geo);
  assert.equal([only.reportDropped, only.droppedNetworks.wifi], [true, 1]);
});

test("6 GHz Wi-Fi is kept with its channel derived from the frequency (DESIGN §7)", () => {
  const split = splitReport(entry({ wifiAccessPoints: [wifi(1, { frequency: 6135 }), wifi(2, { frequency: 7050, channel: 220 })] }), geo);
  assert.equal(split.wifi.map((w) => [w.channel, w.frequency]), [[37, 6135], [220, 7050]]);
});

test("nr cells are kept with NR ranges and shard to nr; cdma cells are dropped", () => {
  const nr: CellTower = {
    radioType: "nr", mobileCountryCode: 244, mobileNetworkCode: 5, locationAreaCode: 16_000_000, cellId: 2 ** 35, primaryScramblingCode: 1000, asu: 47,
  };
  const cdma: CellTower = { ...LTE, radioType: "cdma" };
  const split = splitReport(entry({ cellTowers: [nr, cdma] }), geo);
  assert.equal(split.cell.map((c) => [c.radio, c.lac, c.cid, c.psc, c.signal]), [["nr", 16_000_000, 2 ** 35, 1000, -93]]);
  assert.is(split.droppedNetworks.cell, 1);
  assert.is(observationShard("cell", split.cell[0]!), "nr");
});

test("observations shard by the MAC's 5th hex digit or the cell radio", () => {
  const split = splitReport(entry({ wifiAccessPoints: [{ macAddress: "36:80:87:3e:9b:83" }], bluetoothBeacons: [{ macAddress: "0000f0123456" }], cellTowers: [LTE] }), geo);
  assert.is(observationShard("wifi", split.wifi[0]!), "8");
  assert.is(observationShard("blue", split.blue[0]!), "f");
  assert.is(observationShard("cell", split.cell[0]!), "lte");
  assert.equal(split.position, { lat: 52.52, lon: 13.405 });
});

/** A real client's submission (test/fixtures/*-S1.json) through the submit normaliser, then split. */
function splitFixture(name: string) {
  const fixture = JSON.parse(readFileSync(new URL(`../fixtures/${name}.json`, import.meta.url), "utf8")) as { body: unknown };
  const result = normalizeSubmission("v2", fixture.body, TS);
  if (!result.ok) throw new Error(`${name} rejected`);
  assert.is(result.reports.length, 1);
  const split = splitReport(entry(result.reports[0]!), geo);
  assert.equal(JSON.parse(JSON.stringify(split)), split, `${name}: JSON-clean observations`);
  return split;
}

test("NeoStumbler (NS-S1): 3 Wi-Fi incl. 6 GHz, an LTE and a 36-bit NR cell, 1 beacon", () => {
  const split = splitFixture("NS-S1");
  assert.equal(split.wifi.map((w) => [w.mac, w.channel, w.frequency, w.age, w.signal]), [
    ["2c968296ca3f", 42, 5210, -1840, -67], ["54ecb0012851", 6, 2437, 2210, -81], ["a697330ddffe", 37, 6135, 950, -74],
  ]);
  assert.equal(split.cell.map((c) => [cellKey(c), c.psc, c.asu, c.signal, c.ta]), [
    ["0300f40005107201a02101", 301, 62, -51, 3], ["0400f400050000107200000002a2fdc001", 402, 47, -93, undefined],
  ]);
  assert.equal(split.blue, [{
    mac: "d4adfc123456", age: 1500, signal: -78, lat: 60.17012, lon: 24.93847, accuracy: 4.8, altitude: 18.2,
    altitudeAccuracy: 3.1, heading: 271.5, pressure: 1009.82, speed: 1.36, source: "gnss", timestamp: 1722950400123,
  }]);
  assert.equal(split.droppedNetworks, { blue: 0, wifi: 0, cell: 0 });
});

test("GeoClue (GC-S1): 2 Wi-Fi with channels derived from their frequencies and 1 LTE cell", () => {
  const split = splitFixture("GC-S1");
  assert.equal(split.wifi.map((w) => [w.mac, w.channel, w.frequency]), [["2c968296ca3f", 6, 2437], ["54ecb0012851", 36, 5180]]);
  assert.equal(split.cell, [{
    radio: "lte", mcc: 244, mnc: 91, lac: 4210, cid: 27271425, lat: 60.169855, lon: 24.938379, accuracy: 5, altitude: 21.3, speed: 1.2,
    source: "gnss", timestamp: 1718010896000,
  }]);
  assert.equal(split.blue, []);
});

test("Tower Collector (TC-S1): two LTE cells and an NR cell with PCI 512, sharded lte, lte, nr", () => {
  const split = splitFixture("TC-S1");
  assert.equal(split.cell.map((c) => [c.radio, c.cid, c.psc, c.signal, c.ta, observationShard("cell", c)]), [
    ["lte", 31246082, 146, -108, 7, "lte"], ["lte", 31246083, 147, -115, undefined, "lte"], ["nr", 12817826817, 512, -96, undefined, "nr"],
  ]);
  assert.equal([split.wifi, split.blue, split.position], [[], [], { lat: 52.229675895881, lon: 21.01222705841 }]);
});

test.run();
