import { test } from "uvu";
import * as assert from "uvu/assert";
import { NOW, normalizerFor } from "../support/normalize-helpers.ts";

const { reportsOf, onlyReport, errorsOf } = normalizerFor("v1");

const WIFI = [{ macAddress: "a82066000001" }];

/** SPEC §6.4's `_one_cell_query` for v1: position fields at the top level. */
function oneCellQuery(radio = true): Record<string, unknown> & { cellTowers: Record<string, unknown>[] } {
  const cell: Record<string, unknown> = { mobileCountryCode: 234, mobileNetworkCode: 30, locationAreaCode: 1, cellId: 2 };
  if (radio) cell.radioType = "wcdma";
  return { latitude: 51.5, longitude: -0.1, cellTowers: [cell] };
}

test("an empty object is rejected: items is required; a top-level array at the root path", () => {
  assert.equal(errorsOf({}), { items: "Required" });
  assert.equal(Object.keys(errorsOf([1])), [""]);
});

test("a timestamp of 1.46e12 ms is kept, one of 1.46e11 becomes now", () => {
  assert.is(onlyReport({ timestamp: 146e10, wifiAccessPoints: WIFI }).timestamp, 146e10);
  assert.is(onlyReport({ timestamp: 146e9, wifiAccessPoints: WIFI }).timestamp, NOW);
});

test("blue: top-level position fields move into position; beacon fields round-trip", () => {
  const report = onlyReport({
    latitude: 51.5,
    longitude: -0.1,
    bluetoothBeacons: [{ macAddress: "a82066000002", age: 3, signalStrength: -90, name: "my-beacon", xtra_field: 3 }],
  });
  assert.equal(report, {
    timestamp: NOW,
    position: { latitude: 51.5, longitude: -0.1 },
    bluetoothBeacons: [{ macAddress: "a82066000002", age: 3, signalStrength: -90, name: "my-beacon" }],
    cellTowers: [],
    wifiAccessPoints: [],
  });
});

test("cell: all position fields move into position, psc becomes primaryScramblingCode, umts becomes wcdma", () => {
  const report = onlyReport({
    latitude: 51.5,
    longitude: -0.1,
    accuracy: 12.4,
    age: 1,
    altitude: 100.1,
    altitudeAccuracy: 23.7,
    carrier: "Some Carrier",
    heading: 45.0,
    homeMobileCountryCode: 234,
    homeMobileNetworkCode: 30,
    pressure: 1013.25,
    source: "fused",
    speed: 3.6,
    timestamp: 1_699_999_000_000,
    xtra_field: 1,
    cellTowers: [
      {
        radioType: "umts",
        mobileCountryCode: 234,
        mobileNetworkCode: 30,
        locationAreaCode: 123,
        cellId: 2345,
        psc: 5,
        age: 3,
        asu: 31,
        serving: 1,
        signalStrength: -51,
        timingAdvance: 1,
        xtra_field: 2,
      },
    ],
  });
  assert.equal(report, {
    timestamp: 1_699_999_000_000,
    carrier: "Some Carrier",
    homeMobileCountryCode: 234,
    homeMobileNetworkCode: 30,
    position: {
      latitude: 51.5,
      longitude: -0.1,
      accuracy: 12.4,
      age: 1,
      altitude: 100.1,
      altitudeAccuracy: 23.7,
      heading: 45.0,
      pressure: 1013.25,
      source: "fused",
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
        primaryScramblingCode: 5,
        age: 3,
        asu: 31,
        serving: 1,
        signalStrength: -51,
        timingAdvance: 1,
      },
    ],
    wifiAccessPoints: [],
  });
});

test("v1 cells take the scrambling code only as psc, as upstream's v1 schema does", () => {
  const report = onlyReport({ cellTowers: [{ radioType: "wcdma", cellId: 1, primaryScramblingCode: 9 }] });
  assert.equal(report.cellTowers, [{ radioType: "wcdma", cellId: 1 }]);
});

test("a nested position object is not part of v1 and is ignored", () => {
  assert.is(onlyReport({ position: { latitude: 1, longitude: 2 }, wifiAccessPoints: WIFI }).position, null);
});

test("wifi: every field round-trips", () => {
  const report = onlyReport({
    latitude: 51.5,
    longitude: -0.1,
    wifiAccessPoints: [
      {
        macAddress: "a82066000003",
        age: 3,
        channel: 5,
        frequency: 2437,
        radioType: "802.11n",
        signalStrength: -90,
        signalToNoiseRatio: 5,
        ssid: "my-wifi",
        xtra_field: 3,
      },
    ],
  });
  assert.equal(report.wifiAccessPoints, [
    {
      macAddress: "a82066000003",
      age: 3,
      channel: 5,
      frequency: 2437,
      radioType: "802.11n",
      signalStrength: -90,
      signalToNoiseRatio: 5,
      ssid: "my-wifi",
    },
  ]);
  assert.equal(report.position, { latitude: 51.5, longitude: -0.1 });
});

test("batches: 110 good reports and one without networks give 110 reports", () => {
  const items: unknown[] = Array.from({ length: 110 }, (_, i) => ({
    latitude: 51.5,
    longitude: -0.1,
    wifiAccessPoints: [{ macAddress: `a820660${String(i).padStart(5, "0")}` }],
  }));
  items.push({ latitude: 10.0, longitude: 10.0, whatever: "xx" });
  assert.is(reportsOf({ items }).length, 110);
});

test("error: a number as macAddress rejects the request at that field's path", () => {
  const errors = errorsOf({ items: [{ latitude: 51.5, longitude: -0.1, wifiAccessPoints: [{ macAddress: 10 }] }] });
  assert.equal(Object.keys(errors), ["items.0.wifiAccessPoints.0.macAddress"]);
});

test("type errors in top-level position fields are reported at the report's path", () => {
  assert.equal(Object.keys(errorsOf({ items: [{ latitude: "north", age: "old", wifiAccessPoints: WIFI }] })).sort(), [
    "items.0.age",
    "items.0.latitude",
  ]);
});

test("reports without latitude and longitude are still kept; position exists only when a field does", () => {
  const reports = reportsOf({
    items: [
      { latitude: 51.5, longitude: -0.1, accuracy: 17.0, wifiAccessPoints: WIFI },
      { wifiAccessPoints: WIFI, accuracy: 16.0 },
      { wifiAccessPoints: WIFI },
    ],
  });
  assert.equal(
    reports.map((r) => r.position),
    [{ latitude: 51.5, longitude: -0.1, accuracy: 17.0 }, { accuracy: 16.0 }, null],
  );
});

test("invalid float: accuracy NaN and altitude -Infinity are removed from the position", () => {
  const report = onlyReport({
    latitude: 51.5,
    longitude: -0.1,
    accuracy: Number.NaN,
    altitude: Number.NEGATIVE_INFINITY,
    wifiAccessPoints: WIFI,
  });
  assert.equal(report.position, { latitude: 51.5, longitude: -0.1 });
});

test("a position whose only fields are non-finite or out of vocabulary is not created", () => {
  const report = onlyReport({ accuracy: Number.NaN, source: "manual", wifiAccessPoints: WIFI });
  assert.is(report.position, null);
});

test("position source gps reads as gnss (DESIGN §7); empty and numeric-string sources are dropped", () => {
  assert.equal(onlyReport({ source: "gps", wifiAccessPoints: WIFI }).position, { source: "gnss" });
  assert.is(onlyReport({ source: "", wifiAccessPoints: WIFI }).position, null);
  assert.is(onlyReport({ source: "2", wifiAccessPoints: WIFI }).position, null);
});

test("radio duplicated: the cell's own radio wins over the report's", () => {
  const query = oneCellQuery(false);
  query.radioType = "gsm";
  query.cellTowers[0]!.radioType = "lte";
  const report = onlyReport(query);
  assert.is(report.cellTowers[0]?.radioType, "lte");
  assert.not.ok("radioType" in report);
});

test("radio invalid: an unknown cell radio is removed and the cell kept", () => {
  const query = oneCellQuery(false);
  query.cellTowers[0]!.radioType = "18";
  assert.not.ok("radioType" in onlyReport(query).cellTowers[0]!);
});

test("radio missing: no radio anywhere gives no radioType", () => {
  assert.not.ok("radioType" in onlyReport(oneCellQuery(false)).cellTowers[0]!);
});

test("radio missing in observation: the report-level radio fills the cell and is not kept", () => {
  const query = oneCellQuery(false);
  query.radioType = "wcdma";
  const report = onlyReport(query);
  assert.is(report.cellTowers[0]?.radioType, "wcdma");
  assert.not.ok("radioType" in report);
});

test("radio missing top level: the cell's own radio is kept", () => {
  assert.is(onlyReport(oneCellQuery()).cellTowers[0]?.radioType, "wcdma");
});

test("NR cells with 36-bit ids and 6 GHz Wi-Fi are kept (DESIGN §7)", () => {
  const report = onlyReport({
    radioType: "NR",
    cellTowers: [{ cellId: 68719476735, psc: 1007 }],
    wifiAccessPoints: [{ macAddress: "a6:97:33:0d:df:fe", frequency: 6135 }],
  });
  assert.equal(report.cellTowers, [{ radioType: "nr", cellId: 68719476735, primaryScramblingCode: 1007 }]);
  assert.is(report.wifiAccessPoints[0]?.frequency, 6135);
});

test.run();
