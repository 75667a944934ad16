/**
 * Each built-in consumer of consumers/, tested the way the README tells an analyst to test
 * theirs: testConsumer, entries in, rows out.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import cellarea from "../../consumers/cellarea.ts";
import datamap from "../../consumers/datamap.ts";
import exportFamily from "../../consumers/export.ts";
import station from "../../consumers/station.ts";
import { member, testConsumer } from "../support/consumer-test.ts";

const DAY = Date.UTC(2026, 10, 20, 9, 30);
// A report as the submit API stores it: a GNSS fix in London with two Wi-Fi networks and a GSM cell.
const report = (i: number) => ({
  api_key: null, source: "gnss", received: DAY + i, user_agent: "test",
  report: {
    timestamp: DAY + i, position: { latitude: 51.5007, longitude: -0.1246, accuracy: 10, source: "gps" },
    wifiAccessPoints: [{ macAddress: "a82066000304", signalStrength: -60 }, { macAddress: "a82066000305", signalStrength: -70 }],
    cellTowers: [{ radioType: "gsm", mobileCountryCode: 234, mobileNetworkCode: 30, locationAreaCode: 100, cellId: 5000, signalStrength: -80 }],
    bluetoothBeacons: [],
  },
});
const part = { lat: 51.5007, lon: -0.1246, accuracy: 10, source: "gnss", timestamp: DAY };
const obs = (networks: unknown[]) => ({ src: { stream: "reports:0", first: `${DAY}-0`, last: `${DAY}-0` }, reports: [{ part, networks }] });

test("datamap marks the report's grid cell as seen", async () => {
  const t = await testConsumer(datamap);
  try {
    await t.append("reports:0", [report(1), report(2)]);
    await t.run();
    const rows = await t.rows("SELECT HEX(grid) AS grid, created FROM datamap_nw");
    assert.is(rows.length, 1, "two reports, one cell");
    assert.equal(await t.deadLetters(), []);
  } finally {
    await t.close();
  }
});

test("a Wi-Fi station projector turns observations into a station row", async () => {
  // a82066000304: the fifth hex digit, 6, is its shard.
  const t = await testConsumer(member(station, "station:wifi:6"));
  try {
    await t.append("obs:wifi:6", [obs([{ mac: "a82066000304", signal: -60 }])]);
    await t.run();
    assert.equal(await t.rows("SELECT HEX(mac) AS mac, lat, lon, samples, region FROM wifi_shard_6"), [
      { mac: "A82066000304", lat: 51.5007, lon: -0.1246, samples: 1, region: "GB" },
    ]);
  } finally {
    await t.close();
  }
});

test("a cell projector feeds cellarea, which computes the cell's area", async () => {
  const t = await testConsumer([member(station, "station:cell:gsm"), member(cellarea, "cellarea")]);
  try {
    await t.append("obs:cell:gsm", [obs([{ radio: "gsm", mcc: 234, mnc: 30, lac: 100, cid: 5000, signal: -80 }])]);
    await t.run();
    assert.equal(await t.rows("SELECT radio, mcc, mnc, lac, num_cells, region FROM cell_area"), [
      { radio: 0, mcc: 234, mnc: 30, lac: 100, num_cells: 1, region: "GB" },
    ]);
  } finally {
    await t.close();
  }
});

test("export:internal splits each report into its observation streams", async () => {
  const t = await testConsumer(member(exportFamily, "export:internal"));
  try {
    await t.append("reports:0", [report(1)]);
    await t.run();
    const wifi = await t.entries("obs:wifi:6");
    assert.is(wifi.length, 1);
    const batch = wifi[0]!.data as { reports: { networks: { mac: string }[] }[] };
    assert.equal(batch.reports[0]!.networks.map((n) => n.mac), ["a82066000304", "a82066000305"]);
    assert.is((await t.entries("obs:cell:gsm")).length, 1);
  } finally {
    await t.close();
  }
});

test.run();
