import { test } from "uvu";
import * as assert from "uvu/assert";
import { NOW, normalizerFor } from "../support/normalize-helpers.ts";

const { reportsOf, onlyReport, errorsOf } = normalizerFor("v0");

const WIFI = [{ key: "a82066000001" }];

/** SPEC §6.4's `_one_cell_query` for v0: `radio` and `cell`. */
function oneCellQuery(radio = true): Record<string, unknown> & { cell: Record<string, unknown>[] } {
  const cell: Record<string, unknown> = { mcc: 234, mnc: 30, lac: 1, cid: 2 };
  if (radio) cell.radio = "lte";
  return { lat: 51.5, lon: -0.1, cell: [cell] };
}

test("an empty object is rejected: items is required", () => {
  assert.equal(errorsOf({}), { items: "Required" });
});

test("not a dict: a top-level array is rejected at the root path", () => {
  assert.equal(Object.keys(errorsOf([{ lat: 51.5, lon: -0.1, cell: [] }])), [""]);
});

test("an empty blue entry, or an empty wifi entry, leaves no report", () => {
  assert.equal(reportsOf({ items: [{ lat: 51.5, lon: -0.1, blue: [{}] }] }), []);
  assert.equal(reportsOf({ items: [{ lat: 51.5, lon: -0.1, wifi: [{}] }] }), []);
});

test("minimal: one wifi with a key makes one report", () => {
  assert.equal(reportsOf({ items: [{ lat: 51.5, lon: -0.1, wifi: [{ key: "a82066000001" }] }] }), [
    {
      timestamp: NOW,
      position: { latitude: 51.5, longitude: -0.1 },
      bluetoothBeacons: [],
      cellTowers: [],
      wifiAccessPoints: [{ macAddress: "a82066000001" }],
    },
  ]);
});

test("time 2016-04-07T03:33:20 is 1460000000000; 1710-02-28 becomes now", () => {
  assert.is(onlyReport({ time: "2016-04-07T03:33:20", wifi: WIFI }).timestamp, 1460000000000);
  assert.is(onlyReport({ time: "1710-02-28", wifi: WIFI }).timestamp, NOW);
});

test("time: an offset is ignored (wall clock read as UTC), garbage and empty strings become now", () => {
  assert.is(onlyReport({ time: "2016-04-07T03:33:20+02:00", wifi: WIFI }).timestamp, 1460000000000);
  assert.is(onlyReport({ time: "April 7th", wifi: WIFI }).timestamp, NOW);
  assert.is(onlyReport({ time: "", wifi: WIFI }).timestamp, NOW);
  assert.is(onlyReport({ wifi: WIFI }).timestamp, NOW);
});

test("time must be a string: a number rejects the request", () => {
  assert.equal(Object.keys(errorsOf({ items: [{ time: 1460000000000, wifi: WIFI }] })), ["items.0.time"]);
});

test("radio UMTS at the report level fills cells as wcdma; radio foo is removed", () => {
  const umts = oneCellQuery(false);
  umts.radio = "UMTS";
  const report = onlyReport(umts);
  assert.is(report.cellTowers[0]?.radioType, "wcdma");
  assert.not.ok("radio" in report);
  assert.not.ok("radioType" in report);

  const foo = oneCellQuery(false);
  foo.cell[0]!.radio = "foo";
  assert.not.ok("radioType" in onlyReport(foo).cellTowers[0]!);
});

test("blue: key and signal are renamed; an empty source is dropped", () => {
  const report = onlyReport({
    lat: 51.5,
    lon: -0.1,
    source: "",
    blue: [{ key: "a82066000002", age: 3000, name: "beacon", signal: -101 }],
  });
  assert.equal(report, {
    timestamp: NOW,
    position: { latitude: 51.5, longitude: -0.1 },
    bluetoothBeacons: [{ macAddress: "a82066000002", age: 3000, name: "beacon", signalStrength: -101 }],
    cellTowers: [],
    wifiAccessPoints: [],
  });
});

test("cell: a date-only time is midnight UTC and every field is renamed", () => {
  const today = new Date(NOW).toISOString().slice(0, 10);
  const report = onlyReport({
    lat: 51.5,
    lon: -0.1,
    time: today,
    accuracy: 10.6,
    altitude: 123.1,
    altitude_accuracy: 7.0,
    heading: 45.2,
    pressure: 1020.23,
    speed: 3.6,
    radio: "umts",
    cell: [{ radio: "umts", mcc: 234, mnc: 30, lac: 123, cid: 2345, age: 1000, asu: 3, psc: 7, serving: 1, signal: -85, ta: 2 }],
  });
  assert.equal(report, {
    timestamp: Math.floor(NOW / 86_400_000) * 86_400_000,
    position: {
      latitude: 51.5,
      longitude: -0.1,
      accuracy: 10.6,
      altitude: 123.1,
      altitudeAccuracy: 7.0,
      heading: 45.2,
      pressure: 1020.23,
      speed: 3.6,
    },
    bluetoothBeacons: [],
    cellTowers: [
      {
        radioType: "wcdma",
        mobileCountryCode: 234,
        mobileNetworkCode: 30,
        locationAreaCode: 123,
        cellId: 2345,
        age: 1000,
        asu: 3,
        primaryScramblingCode: 7,
        serving: 1,
        signalStrength: -85,
        timingAdvance: 2,
      },
    ],
    wifiAccessPoints: [],
  });
});

test("wifi: the MAC is kept upper-case as sent, fields renamed, source 2 dropped", () => {
  const report = onlyReport({
    lat: 51.5,
    lon: -0.1,
    accuracy: 17.1,
    source: "2",
    wifi: [
      {
        key: "A8:20:66:00:00:03",
        age: 2500,
        frequency: 2437,
        radio: "802.11n",
        signal: -70,
        signalToNoiseRatio: 5,
        ssid: "my-wifi",
      },
    ],
  });
  assert.equal(report.position, { latitude: 51.5, longitude: -0.1, accuracy: 17.1 });
  assert.equal(report.wifiAccessPoints, [
    {
      macAddress: "A8:20:66:00:00:03",
      age: 2500,
      frequency: 2437,
      radioType: "802.11n",
      signalStrength: -70,
      signalToNoiseRatio: 5,
      ssid: "my-wifi",
    },
  ]);
});

test("v0 sources use the same vocabulary: gps reads as gnss, fixed is kept", () => {
  assert.equal(onlyReport({ lat: 1, lon: 2, source: "gps", wifi: WIFI }).position, { latitude: 1, longitude: 2, source: "gnss" });
  assert.equal(onlyReport({ source: "FIXED", wifi: WIFI }).position, { source: "fixed" });
});

test("batches: 110 good reports and one without networks give 110 reports", () => {
  const items: unknown[] = Array.from({ length: 110 }, (_, i) => ({
    lat: 51.5,
    lon: -0.1,
    wifi: [{ key: `a820660${String(i).padStart(5, "0")}` }],
  }));
  items.push({ lat: 10.0, lon: 10.0, whatever: "xx" });
  assert.is(reportsOf({ items }).length, 110);
});

test("reports without lat and lon are still kept", () => {
  const reports = reportsOf({
    items: [{ lat: 51.5, lon: -0.1, accuracy: 17.0, wifi: WIFI }, { wifi: WIFI, accuracy: 16.0 }, { wifi: WIFI }],
  });
  assert.equal(
    reports.map((r) => r.position),
    [{ latitude: 51.5, longitude: -0.1, accuracy: 17.0 }, { accuracy: 16.0 }, null],
  );
});

test("error paths use the v0 field names", () => {
  const errors = errorsOf({
    items: [{ lat: "north", altitude_accuracy: "x", wifi: [{ key: 10 }], cell: [{ cid: "abc" }], blue: [{ signal: {} , key: "ab", name: 5 }] }],
  });
  assert.equal(Object.keys(errors).sort(), ["items.0.altitude_accuracy", "items.0.blue.0.name", "items.0.cell.0.cid", "items.0.lat", "items.0.wifi.0.key"]);
  assert.is(errors["items.0.wifi.0.key"], "10 is not a string: {'key': ''}");
});

test("long names are not v0 fields and are ignored", () => {
  const report = onlyReport({ latitude: 1, wifi: [{ key: "a82066000001", macAddress: "cd", signalStrength: -50 }] });
  assert.is(report.position, null);
  assert.equal(report.wifiAccessPoints, [{ macAddress: "a82066000001" }]);
});

test("radio duplicated: the cell's own radio wins over the report's", () => {
  const query = oneCellQuery(false);
  query.radio = "gsm";
  query.cell[0]!.radio = "lte";
  assert.is(onlyReport(query).cellTowers[0]?.radioType, "lte");
});

test("radio invalid: an unknown cell radio is removed and the cell kept", () => {
  const query = oneCellQuery(false);
  query.cell[0]!.radio = "18";
  const report = onlyReport(query);
  assert.is(report.cellTowers.length, 1);
  assert.not.ok("radioType" in report.cellTowers[0]!);
});

test("radio missing: no radio anywhere gives no radioType", () => {
  assert.not.ok("radioType" in onlyReport(oneCellQuery(false)).cellTowers[0]!);
});

test("radio missing in observation: the report-level radio fills the cell", () => {
  const query = oneCellQuery(false);
  query.radio = "lte";
  assert.is(onlyReport(query).cellTowers[0]?.radioType, "lte");
});

test("radio missing top level: the cell's own radio is kept", () => {
  assert.is(onlyReport(oneCellQuery()).cellTowers[0]?.radioType, "lte");
});

test("NR cells with 36-bit ids and 6 GHz Wi-Fi are kept (DESIGN §7)", () => {
  const report = onlyReport({
    cell: [{ radio: "nr", mcc: 244, mnc: 5, lac: 4210, cid: 68719476735 }],
    wifi: [{ key: "a6:97:33:0d:df:fe", channel: 37, frequency: 6135 }],
  });
  assert.equal(report.cellTowers, [{ radioType: "nr", mobileCountryCode: 244, mobileNetworkCode: 5, locationAreaCode: 4210, cellId: 68719476735 }]);
  assert.equal(report.wifiAccessPoints, [{ macAddress: "a6:97:33:0d:df:fe", channel: 37, frequency: 6135 }]);
});

test.run();
