import { test } from "uvu";
import * as assert from "uvu/assert";
import type { Report } from "../../src/domain/report.ts";
import { reportPartition } from "../../src/domain/report-partition.ts";

const report = (i: number): Report => ({
  timestamp: 1_732_350_000_000 + i * 997, position: { latitude: 52 + (i % 100) / 1000, longitude: 13.4 },
  bluetoothBeacons: [], cellTowers: [], wifiAccessPoints: [{ macAddress: `a8:20:66:00:${String(i % 100).padStart(2, "0")}:01` }],
});

test("the same report always goes to the same partition", () => {
  assert.is(reportPartition(report(7), 4), reportPartition(report(7), 4));
  assert.is(reportPartition(report(7), 1), 0);
});

test("reports spread evenly over the partitions, even from one client", () => {
  const counts = [0, 0, 0, 0];
  for (let i = 0; i < 40_000; i++) counts[reportPartition(report(i), 4)]! += 1;
  for (const c of counts) assert.ok(c > 9_000 && c < 11_000, `partition sizes ${counts}`);
});

test("cell-only reports with 36-bit cell ids spread too", () => {
  const counts = [0, 0, 0];
  for (let i = 0; i < 30_000; i++) {
    counts[reportPartition({ ...report(i), wifiAccessPoints: [], cellTowers: [{ radioType: "nr", cellId: 2 ** 35 + i }] }, 3)]! += 1;
  }
  for (const c of counts) assert.ok(c > 9_000 && c < 11_000, `partition sizes ${counts}`);
});

test.run();
