/** SPEC §4.12/§6.5: the numbers the statistics pages show, from plain values. */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { STAT_KEYS } from "../../src/db/stat.ts";
import { globalStats, millions, statsSeries, yearBefore } from "../../src/stats/global-stats.ts";
import { regionRows } from "../../src/stats/region-stats.ts";

const S = suite("statistics content");
const counts = (c: Partial<Record<"gsm" | "wcdma" | "lte" | "nr" | "blue" | "wifi", number>>) => ({ gsm: 0, wcdma: 0, lte: 0, nr: 0, blue: 0, wifi: 0, ...c });

S("millions are truncated to two decimals; missing is 0.00", () => {
  assert.is(millions(3_289_900), "3.28");
  assert.is(millions(2_200_000), "2.20");
  assert.is(millions(9_999), "0.00");
  assert.is(millions(undefined), "0.00");
});

S("global stats name Ichnaea's metrics in its order", () => {
  const totals = new Map([
    [STAT_KEYS.blue, 2_200_000], [STAT_KEYS.cell, 2_000_000], [STAT_KEYS.wifi, 2_000_000],
    [STAT_KEYS.unique_blue, 1_500_000], [STAT_KEYS.unique_cell, 1_000_000], [STAT_KEYS.unique_wifi, 2_000_000],
  ]);
  const { metrics1, metrics2 } = globalStats(totals);
  assert.equal(metrics1.map((m) => [m.name, m.value]), [
    ["Bluetooth Networks", "1.50"], ["Bluetooth Observations", "2.20"], ["Wifi Networks", "2.00"], ["Wifi Observations", "2.00"],
  ]);
  assert.equal(metrics2.map((m) => [m.name, m.value]), [["MLS Cells", "1.00"], ["MLS Cell Observations", "2.00"]]);
  assert.equal(globalStats(new Map()).metrics2.map((m) => m.value), ["0.00", "0.00"]);
});

S("a series is the first of each month in epoch ms with its value, under Ichnaea's titles", () => {
  assert.equal(statsSeries("blue", [{ month: "2026-11-01", value: 2 }]), { series: [{ title: "MLS Bluetooth", data: [[Date.UTC(2026, 10, 1), 2]] }] });
  assert.is(statsSeries("cell", []).series[0]!.title, "MLS Cells");
  assert.is(statsSeries("wifi", []).series[0]!.title, "MLS WiFi");
  assert.is(yearBefore("2026-12-02"), "2025-12-02");
});

S("region rows: cells summed (NR included), GENC names, a transliterated sort key, most cells first", () => {
  const rows = regionRows(new Map([
    ["GB", counts({ blue: 3 })], ["DE", counts({ gsm: 2, wcdma: 1, wifi: 4 })], ["TW", counts({ nr: 5 })], ["AX", counts({ lte: 1 })],
  ]));
  assert.equal(rows.map((r) => [r.code, r.cell]), [["TW", 5], ["DE", 3], ["AX", 1], ["GB", 0]]);
  const by = new Map(rows.map((r) => [r.code, r]));
  assert.is(by.get("DE")!.order, "germany");
  assert.is(by.get("GB")!.order, "united kin");
  assert.is(by.get("TW")!.name, "Taiwan");
  assert.is(by.get("AX")!.order, "aland isla", "accents removed from Åland");
});

S.run();
