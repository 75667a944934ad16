import { readFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { Report } from "../../src/domain/report.ts";
import { normalizeSubmission, type SubmitSchema } from "../../src/domain/submit/normalize.ts";

const NOW = 1_700_000_000_123;

const SCHEMA_BY_PATH: Record<string, SubmitSchema> = { "/v2/geosubmit": "v2", "/v1/geosubmit": "v1", "/v1/submit": "v0" };

/** Normalises a real client's submission (test/fixtures/*-S*.json) with the schema its request names. */
function normalizeFixture(name: string): Report[] {
  const fixture = JSON.parse(readFileSync(new URL(`../fixtures/${name}.json`, import.meta.url), "utf8")) as {
    request: string;
    body: unknown;
  };
  const schema = SCHEMA_BY_PATH[fixture.request.split(" ")[1] ?? ""];
  if (schema === undefined) throw new Error(`${name}: not a submission: ${fixture.request}`);
  const result = normalizeSubmission(schema, fixture.body, NOW);
  if (!result.ok) throw new Error(`${name} rejected: ${JSON.stringify(result.validation)}`);
  return result.reports;
}

test("GeoClue (GC-S1): one report with its timestamp, position, two Wi-Fi and one LTE cell", () => {
  const reports = normalizeFixture("GC-S1");
  assert.is(reports.length, 1);
  const report = reports[0]!;
  assert.is(report.timestamp, 1718010896000);
  assert.equal(report.position, { latitude: 60.169855, longitude: 24.938379, accuracy: 5, altitude: 21.3, speed: 1.2 });
  assert.is(report.wifiAccessPoints.length, 2);
  assert.equal(report.wifiAccessPoints[0], { macAddress: "2c:96:82:96:ca:3f", signalStrength: -61, frequency: 2437, age: 3000 });
  assert.is(report.wifiAccessPoints[1]?.age, 0);
  assert.equal(report.cellTowers, [
    { radioType: "lte", cellId: 27271425, mobileCountryCode: 244, mobileNetworkCode: 91, locationAreaCode: 4210 },
  ]);
  assert.equal(report.bluetoothBeacons, []);
});

test("NeoStumbler (NS-S1): gps read as gnss, NR cell with a 36-bit id, 6 GHz Wi-Fi, negative ages, extras stripped", () => {
  const reports = normalizeFixture("NS-S1");
  assert.is(reports.length, 1);
  const report = reports[0]!;
  assert.is(report.timestamp, 1722950400123);
  assert.equal(report.position, {
    latitude: 60.17012,
    longitude: 24.93847,
    accuracy: 4.8,
    age: 0,
    altitude: 18.2,
    altitudeAccuracy: 3.1,
    heading: 271.5,
    pressure: 1009.82,
    speed: 1.36,
    source: "gnss",
  });

  assert.equal(
    report.wifiAccessPoints.map((w) => [w.macAddress, w.frequency, w.channel, w.age]),
    [
      ["2c:96:82:96:ca:3f", 5210, 42, -1840],
      ["54:ec:b0:01:28:51", 2437, 6, 2210],
      ["a6:97:33:0d:df:fe", 6135, 37, 950],
    ],
  );
  assert.equal(report.wifiAccessPoints[1], {
    macAddress: "54:ec:b0:01:28:51",
    radioType: "802.11n",
    age: 2210,
    channel: 6,
    frequency: 2437,
    signalStrength: -81,
    ssid: "DNA-WIFI-1234",
  });

  assert.is(report.cellTowers.length, 2);
  assert.equal(report.cellTowers[1], {
    radioType: "nr",
    mobileCountryCode: 244,
    mobileNetworkCode: 5,
    locationAreaCode: 4210,
    cellId: 11324473345,
    age: -320,
    asu: 47,
    primaryScramblingCode: 402,
    serving: 0,
    signalStrength: -93,
  });
  assert.is(report.cellTowers[0]?.radioType, "lte");
  assert.is(report.cellTowers[0]?.timingAdvance, 3);
  assert.not.ok("arfcn" in report.cellTowers[0]!);
  assert.not.ok("mobileNetworkCodeStr" in report.cellTowers[0]!);

  assert.equal(report.bluetoothBeacons, [{ macAddress: "d4:ad:fc:12:34:56", age: 1500, signalStrength: -78 }]);
});

test("Tower Collector (TC-S1): three cells, two LTE and one NR, no Wi-Fi or Bluetooth", () => {
  const reports = normalizeFixture("TC-S1");
  assert.is(reports.length, 1);
  const report = reports[0]!;
  assert.is(report.timestamp, 1722950400123);
  assert.is(report.position?.source, "gnss");
  assert.is(report.position?.accuracy, 4);
  assert.is(report.position?.latitude, 52.229675895881);
  assert.equal(
    report.cellTowers.map((c) => [c.radioType, c.cellId, c.primaryScramblingCode, c.serving]),
    [
      ["lte", 31246082, 146, 1],
      ["lte", 31246083, 147, 0],
      ["nr", 12817826817, 512, 0],
    ],
  );
  assert.equal(report.cellTowers[0], {
    radioType: "lte",
    mobileCountryCode: 260,
    mobileNetworkCode: 3,
    locationAreaCode: 58010,
    cellId: 31246082,
    primaryScramblingCode: 146,
    asu: 32,
    signalStrength: -108,
    timingAdvance: 7,
    serving: 1,
  });
  assert.equal(report.wifiAccessPoints, []);
  assert.equal(report.bluetoothBeacons, []);
});

test("every fixture normalises to JSON-clean reports (no undefined values)", () => {
  for (const name of ["GC-S1", "NS-S1", "TC-S1"]) {
    const reports = normalizeFixture(name);
    assert.equal(JSON.parse(JSON.stringify(reports)), reports, name);
  }
});

test.run();
