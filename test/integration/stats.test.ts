/**
 * SPEC §4.12 statistics and §6.7 `test_stats.py`: the daily counters rolled up into the `stat`
 * running totals (counters written as several shard rows, as the station projectors write them,
 * and counted for real by the pipeline), the two-year clean-up, and the region statistics.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { loadRegionStats, type RegionCounts } from "../../src/db/region-stat.ts";
import { deleteStatsBefore, STAT_KEYS } from "../../src/db/stat.ts";
import { sumStatCounters } from "../../src/db/stat-counter.ts";
import type { StationKind } from "../../src/domain/observation/types.ts";
import { daysBefore, updateRegionStats } from "../../src/jobs/pipeline-jobs.ts";
import { rollUpStatCounters } from "../../src/jobs/stat-rollup.ts";
import { drainPipeline, today } from "../support/pipeline-setup.ts";
import { addCounts, counterRowCount, insertAreas, insertStat, statTable } from "../support/stat-rows.ts";
import { dayOffset, insertStations, stationRow } from "../support/station-cases.ts";
import { snapshotTables } from "../support/table-snapshot.ts";
import { createWebTestEnv, type WebTestEnv } from "../support/web-setup.ts";

const S = suite<{ env: WebTestEnv }>("statistics");

const CLEARED = [
  ...[..."0123456789abcdef"].flatMap((h) => [`wifi_shard_${h}`, `blue_shard_${h}`]),
  "cell_gsm", "cell_wcdma", "cell_lte", "cell_nr", "cell_area", "cell_area_nr", "stat", "stat_counter", "region_stat",
];

S.before(async (ctx) => {
  ctx.env = await createWebTestEnv("stats");
});
S.after(async (ctx) => ctx.env.close());
S.before.each(async ({ env }) => {
  for (const t of CLEARED) await env.pool.query(`DELETE FROM \`${t}\``);
});

const { cell, unique_cell, wifi, unique_wifi, blue, unique_blue } = STAT_KEYS;
const TODAY = () => today();
const YESTERDAY = () => dayOffset(-1);

async function rollUpAndCheckEmptied(env: WebTestEnv): Promise<void> {
  await rollUpStatCounters(env.pool);
  assert.equal(await sumStatCounters(env.pool), [], "every counter was moved into stat");
  assert.is(await counterRowCount(env.pool), 0, "no counter row is left behind");
}

// --- update_statcounter (SPEC §4.12) ---

S("a counter of 3 for today with no stat rows gives today's total 3", async ({ env }) => {
  await addCounts(env.pool, "cell", TODAY(), { gsm: 1, lte: 2 });
  await rollUpAndCheckEmptied(env);
  assert.equal(await statTable(env.pool), { [`${cell} ${TODAY()}`]: 3 });
});

S("a counter of 4 on yesterday's total 2 gives today's total 6", async ({ env }) => {
  await insertStat(env.pool, wifi, YESTERDAY(), 2);
  await addCounts(env.pool, "wifi", TODAY(), { "wifi:3": 3, "wifi:a": 1 });
  await rollUpAndCheckEmptied(env);
  assert.equal(await statTable(env.pool), { [`${wifi} ${YESTERDAY()}`]: 2, [`${wifi} ${TODAY()}`]: 6 });
});

S("a counter of 4 on yesterday's total 5 gives 9, and 3 more counted and rolled up give 12", async ({ env }) => {
  await insertStat(env.pool, wifi, YESTERDAY(), 5);
  await addCounts(env.pool, "wifi", TODAY(), { "wifi:3": 2, "wifi:a": 2 });
  await rollUpAndCheckEmptied(env);
  assert.is((await statTable(env.pool))[`${wifi} ${TODAY()}`], 9);
  await addCounts(env.pool, "wifi", TODAY(), { "wifi:0": 1, "wifi:a": 2 });
  await rollUpAndCheckEmptied(env);
  assert.equal(await statTable(env.pool), { [`${wifi} ${YESTERDAY()}`]: 5, [`${wifi} ${TODAY()}`]: 12 });
});

S("a counter of 3 on a week-old total 7 gives today's total 10", async ({ env }) => {
  await insertStat(env.pool, blue, dayOffset(-7), 7);
  await addCounts(env.pool, "blue", TODAY(), { "blue:1": 1, "blue:f": 2 });
  await rollUpAndCheckEmptied(env);
  assert.equal(await statTable(env.pool), { [`${blue} ${dayOffset(-7)}`]: 7, [`${blue} ${TODAY()}`]: 10 });
});

S("yesterday's counter 5 lands on yesterday's total 3 (8) and today's counter 7 on that (15)", async ({ env }) => {
  await insertStat(env.pool, cell, YESTERDAY(), 3);
  await addCounts(env.pool, "cell", YESTERDAY(), { gsm: 2, wcdma: 3 });
  await addCounts(env.pool, "cell", TODAY(), { lte: 4, nr: 3 });
  await rollUpAndCheckEmptied(env);
  assert.equal(await statTable(env.pool), { [`${cell} ${YESTERDAY()}`]: 8, [`${cell} ${TODAY()}`]: 15 });
});

S("all six keys are rolled up independently; unique keys without earlier rows start at their counter", async ({ env }) => {
  await insertStat(env.pool, cell, YESTERDAY(), 10);
  await insertStat(env.pool, wifi, YESTERDAY(), 20);
  await insertStat(env.pool, blue, YESTERDAY(), 30);
  await addCounts(env.pool, "cell", TODAY(), { gsm: 1 });
  await addCounts(env.pool, "unique_cell", TODAY(), { gsm: 1, lte: 1 });
  await addCounts(env.pool, "wifi", TODAY(), { "wifi:3": 1, "wifi:a": 2 });
  await addCounts(env.pool, "unique_wifi", TODAY(), { "wifi:3": 4 });
  await addCounts(env.pool, "blue", TODAY(), { "blue:0": 3, "blue:e": 2 });
  await addCounts(env.pool, "unique_blue", TODAY(), { "blue:0": 6 });
  await rollUpAndCheckEmptied(env);
  assert.equal(await statTable(env.pool), {
    [`${cell} ${YESTERDAY()}`]: 10, [`${cell} ${TODAY()}`]: 11,
    [`${unique_cell} ${TODAY()}`]: 2,
    [`${wifi} ${YESTERDAY()}`]: 20, [`${wifi} ${TODAY()}`]: 23,
    [`${unique_wifi} ${TODAY()}`]: 4,
    [`${blue} ${YESTERDAY()}`]: 30, [`${blue} ${TODAY()}`]: 35,
    [`${unique_blue} ${TODAY()}`]: 6,
  });
});

S("a late count for a day before an existing later total raises that later total too", async ({ env }) => {
  // Ours (stat-rollup.ts): every day with counts is rolled up, and the running totals after it
  // include it by definition.
  await insertStat(env.pool, unique_wifi, dayOffset(-5), 10);
  await insertStat(env.pool, unique_wifi, TODAY(), 15);
  await addCounts(env.pool, "unique_wifi", dayOffset(-3), { "wifi:3": 1, "wifi:c": 3 });
  await rollUpAndCheckEmptied(env);
  assert.equal(await statTable(env.pool), {
    [`${unique_wifi} ${dayOffset(-5)}`]: 10, [`${unique_wifi} ${dayOffset(-3)}`]: 14, [`${unique_wifi} ${TODAY()}`]: 19,
  });
});

S("a roll-up with no counters changes nothing", async ({ env }) => {
  await insertStat(env.pool, cell, YESTERDAY(), 3);
  assert.equal(await rollUpStatCounters(env.pool), { days: 0, added: 0 });
  assert.equal(await statTable(env.pool), { [`${cell} ${YESTERDAY()}`]: 3 });
});

// --- the counters counted by the pipeline ---

async function submit(env: WebTestEnv, items: readonly unknown[]): Promise<void> {
  const res = await env.app.request("/v2/geosubmit", {
    method: "POST", body: JSON.stringify({ items }), headers: { "content-type": "application/json" },
  });
  assert.is(res.status, 200, "submission accepted");
  await drainPipeline(env.services, { groups: ["export:internal", "station:"] });
}

const report = (macs: readonly string[], cid: number, beacon: string) => ({
  position: { latitude: 51.5, longitude: -0.1, accuracy: 10 },
  wifiAccessPoints: macs.map((macAddress) => ({ macAddress, signalStrength: -70 })),
  cellTowers: [{ radioType: "gsm", mobileCountryCode: 234, mobileNetworkCode: 30, locationAreaCode: 10, cellId: cid }],
  bluetoothBeacons: [{ macAddress: beacon }],
});

S("reports counted by the pipeline roll up into today's observation and new-station totals", async ({ env }) => {
  const aps = ["a82031000001", "a820a1000002"];
  await submit(env, [report(aps, 1, "b00001000001"), report(aps, 1, "b00001000001"), report(aps, 2, "b00001000001")]);
  await rollUpAndCheckEmptied(env);
  const d = TODAY();
  assert.equal(await statTable(env.pool), {
    [`${cell} ${d}`]: 3, [`${unique_cell} ${d}`]: 2, [`${wifi} ${d}`]: 6, [`${unique_wifi} ${d}`]: 2,
    [`${blue} ${d}`]: 3, [`${unique_blue} ${d}`]: 1,
  });

  // Submitted again: only the new counts are added, one more AP and one more beacon are new.
  await submit(env, [report([...aps, "a820f1000003"], 2, "b00002000002"), report(aps, 2, "b00001000001")]);
  await rollUpAndCheckEmptied(env);
  assert.equal(await statTable(env.pool), {
    [`${cell} ${d}`]: 5, [`${unique_cell} ${d}`]: 2, [`${wifi} ${d}`]: 11, [`${unique_wifi} ${d}`]: 3,
    [`${blue} ${d}`]: 5, [`${unique_blue} ${d}`]: 2,
  });
});

// --- cleanup_stat ---

S("the clean-up keeps stat rows younger than two years and deletes older ones", async ({ env }) => {
  for (const days of [0, 1, 729, 730, 731, 1000]) await insertStat(env.pool, cell, dayOffset(-days), 1000 - days);
  const deleted = await deleteStatsBefore(env.pool, daysBefore(new Date(), 730));
  assert.is(deleted, 2);
  assert.equal(Object.keys(await statTable(env.pool)), [730, 729, 1, 0].map((days) => `${cell} ${dayOffset(-days)}`));
});

// --- update_statregion (SPEC §4.12, §6.7) ---

let macSeq = 0;
/** Stations of one kind tagged `region`, spread over the shards (the MAC's 5th hex digit). */
async function insertTagged(env: WebTestEnv, kind: StationKind, region: string | null, n: number, over = {}): Promise<void> {
  const rows = Array.from({ length: n }, () => {
    macSeq += 1;
    const mac = `a820${"0123456789abcdef"[macSeq % 16]}0${String(macSeq).padStart(6, "0")}`;
    return stationRow(kind, { mac }, { region, ...over });
  });
  await insertStations(env.pool, kind, rows);
}

const counts = (c: Partial<RegionCounts>): RegionCounts => ({ gsm: 0, wcdma: 0, lte: 0, nr: 0, blue: 0, wifi: 0, ...c });

async function regionStats(env: WebTestEnv): Promise<Record<string, RegionCounts>> {
  return Object.fromEntries(await loadRegionStats(env.pool));
}

async function seedSpecRegions(env: WebTestEnv): Promise<void> {
  await insertAreas(env.pool, [
    { radio: "gsm", mcc: 234, mnc: 1, lac: 1, region: null, numCells: 1 },
    { radio: "gsm", mcc: 262, mnc: 1, lac: 1, region: "DE", numCells: 1 },
    { radio: "gsm", mcc: 262, mnc: 1, lac: 2, region: "DE", numCells: 2 },
    { radio: "gsm", mcc: 302, mnc: 1, lac: 1, region: "CA", numCells: 2 },
    { radio: "wcdma", mcc: 262, mnc: 1, lac: 1, region: "DE", numCells: 3 },
    { radio: "lte", mcc: 302, mnc: 1, lac: 1, region: "CA", numCells: 4 },
  ]);
  await insertTagged(env, "wifi", "DE", 5);
  await insertTagged(env, "wifi", "US", 6);
  await insertTagged(env, "wifi", null, 1);
  await insertTagged(env, "blue", "CA", 2);
  await insertTagged(env, "blue", "GB", 3);
  await insertTagged(env, "blue", null, 1);
}

const SPEC_REGIONS = {
  CA: counts({ gsm: 2, lte: 4, blue: 2 }),
  DE: counts({ gsm: 3, wcdma: 3, wifi: 5 }),
  GB: counts({ blue: 3 }),
  US: counts({ wifi: 6 }),
};

S("region stats count area cells per radio and stations per region; null regions are ignored, stale rows replaced", async ({ env }) => {
  await seedSpecRegions(env);
  await env.pool.query("INSERT INTO region_stat (region, blue, wifi) VALUES ('US', 1, 2), ('TW', NULL, 1)");
  assert.is(await updateRegionStats(env.services), 4);
  assert.equal(await regionStats(env), SPEC_REGIONS);
});

S("region stats follow the stations: a new station updates its region, a region left without any is deleted", async ({ env }) => {
  await seedSpecRegions(env);
  await updateRegionStats(env.services);
  await insertTagged(env, "wifi", "DE", 1);
  for (const h of "0123456789abcdef") await env.pool.query(`DELETE FROM blue_shard_${h} WHERE region = 'GB'`);
  await updateRegionStats(env.services);
  const { GB: _gone, ...rest } = SPEC_REGIONS;
  assert.equal(await regionStats(env), { ...rest, DE: counts({ gsm: 3, wcdma: 3, wifi: 6 }) });
});

S("recomputing unchanged region stats is a no-op", async ({ env }) => {
  await seedSpecRegions(env);
  await updateRegionStats(env.services);
  const before = await snapshotTables(env.pool, ["region_stat"]);
  await updateRegionStats(env.services);
  assert.equal(await snapshotTables(env.pool, ["region_stat"]), before);
});

S("with no areas and no stations at all the region stats are left unchanged", async ({ env }) => {
  await env.pool.query("INSERT INTO region_stat (region, gsm, wifi) VALUES ('TW', 1, 2)");
  assert.is(await updateRegionStats(env.services), 0);
  assert.equal(await regionStats(env), { TW: counts({ gsm: 1, wifi: 2 }) });
});

S("blocked stations keep their region and are still counted", async ({ env }) => {
  const blocked = {
    lat: null, lon: null, radius: null, samples: null, weight: null, source: null, lastSeen: null,
    blockFirst: dayOffset(-1), blockLast: dayOffset(-1), blockCount: 1,
  };
  await insertTagged(env, "wifi", "FR", 2, blocked);
  await insertTagged(env, "wifi", "FR", 1);
  await insertTagged(env, "blue", "FR", 1, blocked);
  await updateRegionStats(env.services);
  assert.equal(await regionStats(env), { FR: counts({ wifi: 3, blue: 1 }) });
});

S("NR areas are counted in the nr column next to the region's other radios", async ({ env }) => {
  await insertAreas(env.pool, [
    { radio: "lte", mcc: 244, mnc: 5, lac: 4210, region: "FI", numCells: 2 },
    { radio: "nr", mcc: 244, mnc: 5, lac: 4210, region: "FI", numCells: 3 },
    { radio: "nr", mcc: 244, mnc: 5, lac: 70_000, region: "FI", numCells: 4 },
    { radio: "nr", mcc: 244, mnc: 5, lac: 70_001, region: null, numCells: 9 },
  ]);
  await updateRegionStats(env.services);
  assert.equal(await regionStats(env), { FI: counts({ lte: 2, nr: 7 }) });
});

S.run();
