import { test } from "uvu";
import * as assert from "uvu/assert";
import { NOW, normalizerFor } from "../support/normalize-helpers.ts";

const { reportsOf, onlyReport, errorsOf } = normalizerFor("v2");

const WIFI = [{ macAddress: "a82066000001" }];

/** SPEC §6.4's `_one_cell_query` for v2, with or without the cell's radio. */
function oneCellQuery(radio = true): Record<string, unknown> & { cellTowers: Record<string, unknown>[] } {
  const cell: Record<string, unknown> = { mobileCountryCode: 234, mobileNetworkCode: 30, locationAreaCode: 1, cellId: 2 };
  if (radio) cell.radioType = "gsm";
  return { position: { latitude: 51.5, longitude: -0.1 }, cellTowers: [cell] };
}

test("an empty object is rejected: items is required", () => {
  assert.equal(errorsOf({}), { items: "Required" });
  assert.equal(errorsOf({ items: null }), { items: "Required" });
});

test("a body that is not a mapping is rejected at the root path", () => {
  assert.equal(errorsOf([1]), { "": '"[1]" is not a mapping type: Does not implement dict-like functionality.' });
  for (const body of ["items", 5, true, null]) assert.equal(Object.keys(errorsOf(body)), [""]);
});

test("items that is not a list, or an item that is not a mapping, is rejected at its path", () => {
  assert.equal(Object.keys(errorsOf({ items: {} })), ["items"]);
  assert.equal(Object.keys(errorsOf({ items: "abc" })), ["items"]);
  assert.equal(Object.keys(errorsOf({ items: [{ wifiAccessPoints: WIFI }, {}, {}, 3] })), ["items.3"]);
});

test("an empty items list, or one whose reports all lack networks, is a success with no reports", () => {
  assert.equal(reportsOf({ items: [] }), []);
  assert.equal(reportsOf({ items: [{ position: { latitude: 1, longitude: 2 } }, { wifiAccessPoints: [{}] }, null] }), []);
});

test("a timestamp of 1.46e12 ms is kept, one of 1.46e11 (or missing, zero, too large) becomes now", () => {
  assert.is(onlyReport({ timestamp: 146e10, wifiAccessPoints: WIFI }).timestamp, 146e10);
  assert.is(onlyReport({ timestamp: 146e9, wifiAccessPoints: WIFI }).timestamp, NOW);
  assert.is(onlyReport({ wifiAccessPoints: WIFI }).timestamp, NOW);
  assert.is(onlyReport({ timestamp: 0, wifiAccessPoints: WIFI }).timestamp, NOW);
  assert.is(onlyReport({ timestamp: 1e13, wifiAccessPoints: WIFI }).timestamp, NOW);
  assert.is(onlyReport({ timestamp: Number.POSITIVE_INFINITY, wifiAccessPoints: WIFI }).timestamp, NOW);
});

test("a timestamp sent as a float or a numeric string is truncated to an integer; text is rejected", () => {
  assert.is(onlyReport({ timestamp: 1460000000000.7, wifiAccessPoints: WIFI }).timestamp, 1460000000000);
  assert.is(onlyReport({ timestamp: "1460000000000", wifiAccessPoints: WIFI }).timestamp, 1460000000000);
  assert.equal(Object.keys(errorsOf({ items: [{ timestamp: "now", wifiAccessPoints: WIFI }] })), ["items.0.timestamp"]);
});

test("bluetooth: beacons and wifis without a MAC are dropped, extra fields stripped, a timestamp added", () => {
  const report = onlyReport({
    position: { latitude: 51.5, longitude: -0.1 },
    bluetoothBeacons: [
      { macAddress: "a82066000002", name: "my-beacon", age: 3, signalStrength: -90, xtra_field: 4 },
      { name: "beacon-2", signalStrength: -92 },
    ],
    wifiAccessPoints: [{ signalStrength: -52 }],
  });
  assert.equal(report, {
    timestamp: NOW,
    position: { latitude: 51.5, longitude: -0.1 },
    bluetoothBeacons: [{ macAddress: "a82066000002", name: "my-beacon", age: 3, signalStrength: -90 }],
    cellTowers: [],
    wifiAccessPoints: [],
  });
});

test("cell: every field round-trips, umts becomes wcdma, source fused is kept, extras are stripped", () => {
  const report = onlyReport({
    carrier: "Some Carrier",
    homeMobileCountryCode: 234,
    homeMobileNetworkCode: 30,
    timestamp: 1_699_999_000_000,
    xtra_field: 1,
    position: {
      latitude: 51.5,
      longitude: -0.1,
      accuracy: 12.4,
      altitude: 100.1,
      altitudeAccuracy: 23.7,
      age: 1,
      heading: 45.0,
      pressure: 1013.25,
      source: "fused",
      speed: 3.6,
      xtra_field: 2,
    },
    cellTowers: [
      {
        radioType: "umts",
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
        xtra_field: 3,
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
      altitude: 100.1,
      altitudeAccuracy: 23.7,
      age: 1,
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

test("wifi: every field round-trips, radioType is free text such as 802.11n", () => {
  const report = onlyReport({
    position: { latitude: 51.5, longitude: -0.1 },
    wifiAccessPoints: [
      {
        macAddress: "a82066000003",
        ssid: "my-wifi",
        age: 3,
        channel: 5,
        frequency: 2437,
        radioType: "802.11n",
        signalStrength: -90,
        signalToNoiseRatio: 5,
        xtra_field: 3,
      },
    ],
  });
  assert.equal(report.wifiAccessPoints, [
    {
      macAddress: "a82066000003",
      ssid: "my-wifi",
      age: 3,
      channel: 5,
      frequency: 2437,
      radioType: "802.11n",
      signalStrength: -90,
      signalToNoiseRatio: 5,
    },
  ]);
});

test("batches: 110 good reports and one without networks give 110 reports", () => {
  const items: unknown[] = Array.from({ length: 110 }, (_, i) => ({
    position: { latitude: 51.5, longitude: -0.1 },
    wifiAccessPoints: [{ macAddress: `a820660${String(i).padStart(5, "0")}` }],
  }));
  items.push({ latitude: 10.0, longitude: 10.0, whatever: "xx" });
  const reports = reportsOf({ items });
  assert.is(reports.length, 110);
  assert.is(reports[109]?.wifiAccessPoints[0]?.macAddress, "a82066000109");
});

test("error: a number as macAddress rejects the request at that field's path", () => {
  const errors = errorsOf({ items: [{ position: { latitude: 51.5, longitude: -0.1 }, wifiAccessPoints: [{ macAddress: 10 }] }] });
  assert.equal(errors, { "items.0.wifiAccessPoints.0.macAddress": "10 is not a string: {'macAddress': ''}" });
});

test("reports without latitude and longitude are still kept", () => {
  const reports = reportsOf({
    items: [
      { position: { latitude: 51.5, longitude: -0.1, accuracy: 17.0 }, wifiAccessPoints: WIFI },
      { position: { accuracy: 16.0 }, wifiAccessPoints: WIFI },
      { wifiAccessPoints: WIFI },
    ],
  });
  assert.equal(
    reports.map((r) => r.position),
    [{ latitude: 51.5, longitude: -0.1, accuracy: 17.0 }, { accuracy: 16.0 }, null],
  );
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
  const report = onlyReport(query);
  assert.is(report.cellTowers.length, 1);
  assert.not.ok("radioType" in report.cellTowers[0]!);
  assert.is(report.cellTowers[0]?.cellId, 2);
});

test("radio missing: no radio anywhere gives no radioType", () => {
  const report = onlyReport(oneCellQuery(false));
  assert.not.ok("radioType" in report.cellTowers[0]!);
});

test("radio missing in observation: the report-level radio fills the cell and is not kept", () => {
  const query = oneCellQuery(false);
  query.radioType = "GSM";
  const report = onlyReport(query);
  assert.is(report.cellTowers[0]?.radioType, "gsm");
  assert.not.ok("radioType" in report);
});

test("radio missing top level: the cell's own radio is kept", () => {
  assert.is(onlyReport(oneCellQuery()).cellTowers[0]?.radioType, "gsm");
});

test("a report-level umts fills cells as wcdma; an unknown report-level radio fills nothing", () => {
  const umts = oneCellQuery(false);
  umts.radioType = "umts";
  assert.is(onlyReport(umts).cellTowers[0]?.radioType, "wcdma");
  const unknown = oneCellQuery(false);
  unknown.radioType = "5g";
  assert.not.ok("radioType" in onlyReport(unknown).cellTowers[0]!);
});

test("cdma survives submission (the pipeline discards it later)", () => {
  const query = oneCellQuery(false);
  query.cellTowers[0]!.radioType = "CDMA";
  assert.is(onlyReport(query).cellTowers[0]?.radioType, "cdma");
});

test("5G NR cells with 36-bit cell ids and 6 GHz Wi-Fi are kept (DESIGN §7)", () => {
  const report = onlyReport({
    cellTowers: [{ radioType: "nr", mobileCountryCode: 244, mobileNetworkCode: 5, locationAreaCode: 4210, cellId: 68719476735 }],
    wifiAccessPoints: [{ macAddress: "a6:97:33:0d:df:fe", channel: 37, frequency: 6135 }],
  });
  assert.equal(report.cellTowers[0], {
    radioType: "nr",
    mobileCountryCode: 244,
    mobileNetworkCode: 5,
    locationAreaCode: 4210,
    cellId: 68719476735,
  });
  assert.equal(report.wifiAccessPoints[0], { macAddress: "a6:97:33:0d:df:fe", channel: 37, frequency: 6135 });
});

test("position source gps reads as gnss (DESIGN §7); manual, empty and numeric sources are dropped", () => {
  const withSource = (source: unknown) => onlyReport({ position: { latitude: 1, longitude: 2, source }, wifiAccessPoints: WIFI });
  assert.equal(withSource("gps").position, { latitude: 1, longitude: 2, source: "gnss" });
  assert.equal(withSource("GNSS").position, { latitude: 1, longitude: 2, source: "gnss" });
  for (const dropped of ["manual", "", "2", null]) {
    assert.equal(withSource(dropped).position, { latitude: 1, longitude: 2 }, String(dropped));
  }
});

test("NaN and infinities are dropped from float and integer fields", () => {
  const report = onlyReport({
    timestamp: Number.NaN,
    position: { latitude: 1, longitude: 2, accuracy: Number.NaN, altitude: Number.NEGATIVE_INFINITY, age: Number.POSITIVE_INFINITY },
    cellTowers: [{ radioType: "lte", cellId: Number.POSITIVE_INFINITY, signalStrength: Number.NaN }],
  });
  assert.equal(report, {
    timestamp: NOW,
    position: { latitude: 1, longitude: 2 },
    bluetoothBeacons: [],
    cellTowers: [{ radioType: "lte" }],
    wifiAccessPoints: [],
  });
});

test("a position whose fields are all dropped, or an empty one, is null", () => {
  assert.is(onlyReport({ position: {}, wifiAccessPoints: WIFI }).position, null);
  assert.is(onlyReport({ position: { latitude: Number.NaN, source: "manual", xtra: 1 }, wifiAccessPoints: WIFI }).position, null);
  assert.is(onlyReport({ position: null, wifiAccessPoints: WIFI }).position, null);
});

test("integer fields accept numeric strings and truncate floats", () => {
  const report = onlyReport({
    homeMobileNetworkCode: "01",
    cellTowers: [{ mobileCountryCode: "234", mobileNetworkCode: " 7 ", cellId: 1234.9, signalStrength: -51.5, serving: true }],
  });
  assert.is(report.homeMobileNetworkCode, 1);
  assert.equal(report.cellTowers[0], { mobileCountryCode: 234, mobileNetworkCode: 7, cellId: 1234, signalStrength: -51, serving: 1 });
});

test("type errors reject with dotted paths, and every error of the request is reported", () => {
  const errors = errorsOf({
    items: [
      { wifiAccessPoints: WIFI },
      {
        carrier: 5,
        position: { latitude: "north", source: 3 },
        cellTowers: [{ cellId: 1 }, null, { cellId: "abc", mobileCountryCode: { a: 1 } }, "cell"],
        wifiAccessPoints: [{ macAddress: "x", channel: [6], ssid: true }],
        bluetoothBeacons: "beacon",
      },
      { position: "here", wifiAccessPoints: {} },
    ],
  });
  assert.equal(Object.keys(errors).sort(), [
    "items.1.bluetoothBeacons",
    "items.1.carrier",
    "items.1.cellTowers.2.cellId",
    "items.1.cellTowers.2.mobileCountryCode",
    "items.1.cellTowers.3",
    "items.1.position.latitude",
    "items.1.position.source",
    "items.1.wifiAccessPoints.0.channel",
    "items.1.wifiAccessPoints.0.ssid",
    "items.2.position",
    "items.2.wifiAccessPoints",
  ]);
  assert.is(errors["items.1.cellTowers.2.cellId"], '"abc" is not a number');
});

test("an entry with a type error rejects even when it would have been dropped for lacking a MAC", () => {
  assert.equal(Object.keys(errorsOf({ items: [{ wifiAccessPoints: [{ signalStrength: "strong" }] }] })), [
    "items.0.wifiAccessPoints.0.signalStrength",
  ]);
});

test("MACs are kept exactly as sent; entries with a missing, null or empty MAC are dropped", () => {
  const report = onlyReport({
    wifiAccessPoints: [{ macAddress: "A8:20:66:00:00:04" }, { macAddress: "" }, { macAddress: null }, {}],
    bluetoothBeacons: [{ macAddress: "A82066000005" }, { macAddress: "" }],
  });
  assert.equal(report.wifiAccessPoints, [{ macAddress: "A8:20:66:00:00:04" }]);
  assert.equal(report.bluetoothBeacons, [{ macAddress: "A82066000005" }]);
});

test("a report with only an empty cell object is kept (SPEC §9 item 4)", () => {
  assert.equal(onlyReport({ cellTowers: [{}] }).cellTowers, [{}]);
});

test("null entries in lists are skipped", () => {
  assert.equal(onlyReport({ wifiAccessPoints: [null, { macAddress: "a82066000001" }] }).wifiAccessPoints, [{ macAddress: "a82066000001" }]);
});

test("reports hold no undefined-valued keys", () => {
  const report = onlyReport({
    carrier: "",
    homeMobileCountryCode: null,
    position: { latitude: 1, accuracy: Number.NaN },
    cellTowers: [{ radioType: "x", cellId: 5 }],
    wifiAccessPoints: [{ macAddress: "a82066000001", ssid: "", radioType: null }],
  });
  assert.equal(JSON.parse(JSON.stringify(report)), report);
  assert.equal(Object.keys(report).sort(), ["bluetoothBeacons", "cellTowers", "position", "timestamp", "wifiAccessPoints"]);
  assert.equal(Object.keys(report.cellTowers[0]!), ["cellId"]);
  assert.equal(Object.keys(report.wifiAccessPoints[0]!), ["macAddress"]);
  assert.equal(Object.keys(report.position!), ["latitude"]);
});

test.run();
