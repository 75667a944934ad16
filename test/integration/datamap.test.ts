/**
 * SPEC §4.9 datamap and §6.7 `test_datamap.py` / `test_export.py` (datamap part): reports
 * submitted over HTTP, the `datamap` group drained, the quadrant tables read back; and the
 * daily clean-up of grid cells not seen for a year.
 */
import type { RowDataPacket } from "mysql2/promise";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { DATAMAP_SHARDS, datamapTable, upsertDatamapGrids } from "../../src/db/datamap.ts";
import { decodeGrid, encodeGrid, scaleDatamap } from "../../src/domain/datamap/grid.ts";
import { cleanUpDatamap } from "../../src/jobs/pipeline-jobs.ts";
import { drainPipeline, today } from "../support/pipeline-setup.ts";
import { dayOffset } from "../support/station-cases.ts";
import { createWebTestEnv, type WebTestEnv } from "../support/web-setup.ts";

const S = suite<{ env: WebTestEnv }>("datamap");

const TABLES = DATAMAP_SHARDS.map(datamapTable);

S.before(async (ctx) => {
  ctx.env = await createWebTestEnv("datamap");
});
S.after(async (ctx) => ctx.env.close());
S.before.each(async ({ env }) => {
  for (const t of TABLES) await env.pool.query(`DELETE FROM \`${t}\``);
});

interface GridRow {
  readonly grid: [number, number];
  readonly created: string;
  readonly modified: string;
}

async function gridRows(env: WebTestEnv, table: string): Promise<GridRow[]> {
  const [rows] = await env.pool.query<RowDataPacket[]>(
    `SELECT grid, DATE_FORMAT(created, '%Y-%m-%d') AS created, DATE_FORMAT(modified, '%Y-%m-%d') AS modified FROM \`${table}\` ORDER BY grid`);
  return rows.map((r) => ({ grid: decodeGrid(r.grid as Buffer), created: r.created as string, modified: r.modified as string }));
}

async function rowsPerTable(env: WebTestEnv): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of TABLES) out[t] = (await gridRows(env, t)).length;
  return out;
}

let macSeq = 0;
/** A report at (lat, lon) seeing one valid Wi-Fi network of its own. */
function reportAt(lat: number, lon: number, wifi?: readonly { macAddress: string }[]): Record<string, unknown> {
  macSeq += 1;
  return {
    position: { latitude: lat, longitude: lon },
    wifiAccessPoints: wifi ?? [{ macAddress: `a82066${String(macSeq).padStart(6, "0")}` }],
  };
}

async function submitAndDrain(env: WebTestEnv, items: readonly unknown[]): Promise<void> {
  const res = await env.app.request("/v2/geosubmit", {
    method: "POST", body: JSON.stringify({ items }), headers: { "content-type": "application/json" },
  });
  assert.is(res.status, 200, "submission accepted");
  await drainPipeline(env.services, { groups: ["datamap"] });
}

async function insertGrid(env: WebTestEnv, table: string, lat: number, lon: number, created: string, modified: string): Promise<void> {
  await env.pool.query(`INSERT INTO \`${table}\` (grid, created, modified) VALUES (?, ?, ?)`, [encodeGrid(...scaleDatamap(lat, lon)), created, modified]);
}

S("reports at (50, 10) and twice at (20, −10) mark one grid cell in ne and one in sw", async ({ env }) => {
  await submitAndDrain(env, [reportAt(50, 10), reportAt(20, -10), reportAt(20, -10)]);
  assert.equal(await gridRows(env, "datamap_ne"), [{ grid: [50_000, 10_000], created: today(), modified: today() }]);
  assert.equal(await gridRows(env, "datamap_sw"), [{ grid: [20_000, -10_000], created: today(), modified: today() }]);
  assert.equal(await rowsPerTable(env), { datamap_ne: 1, datamap_nw: 0, datamap_se: 0, datamap_sw: 1 });
});

S("a report at (11.234567, 2.345678) stores the grid cell (11235, 2346)", async ({ env }) => {
  // SPEC's (1.234567, 2.345678) is in the Gulf of Guinea: a report there is dropped (§4.6, next
  // test), so the same digits are taken ten degrees north, on land in Benin.
  await submitAndDrain(env, [reportAt(11.234567, 2.345678)]);
  assert.equal(await gridRows(env, "datamap_sw"), [{ grid: [11_235, 2_346], created: today(), modified: today() }]);
});

S("the grid of (1.234567, 2.345678) is (1235, 2346), but a report there, at sea, marks nothing", async ({ env }) => {
  const conn = await env.pool.getConnection();
  try {
    await upsertDatamapGrids(conn, "datamap_sw", [{ grid: encodeGrid(...scaleDatamap(1.234567, 2.345678)), day: today() }]);
  } finally {
    conn.release();
  }
  assert.equal((await gridRows(env, "datamap_sw")).map((r) => r.grid), [[1_235, 2_346]]);
  await env.pool.query("DELETE FROM datamap_sw");
  await submitAndDrain(env, [reportAt(1.234567, 2.345678)]);
  assert.equal(await rowsPerTable(env), { datamap_ne: 0, datamap_nw: 0, datamap_se: 0, datamap_sw: 0 });
});

S("a grid cell last seen yesterday is modified today and keeps its created day", async ({ env }) => {
  await insertGrid(env, "datamap_nw", 51.5, -0.1, dayOffset(-3), dayOffset(-1));
  await insertGrid(env, "datamap_nw", 51.6, -0.1, dayOffset(-3), dayOffset(-1));
  await submitAndDrain(env, [reportAt(51.5, -0.1)]);
  assert.equal(await gridRows(env, "datamap_nw"), [
    { grid: [51_500, -100], created: dayOffset(-3), modified: today() },
    { grid: [51_600, -100], created: dayOffset(-3), modified: dayOffset(-1) },
  ]);
});

S("a grid cell already seen today is left as it is", async ({ env }) => {
  await insertGrid(env, "datamap_nw", 51.5, -0.1, dayOffset(-3), today());
  await submitAndDrain(env, [reportAt(51.5, -0.1), reportAt(51.5001, -0.1001)]);
  assert.equal(await gridRows(env, "datamap_nw"), [{ grid: [51_500, -100], created: dayOffset(-3), modified: today() }]);
});

S("nine points in five grid cells give five rows", async ({ env }) => {
  const points: [number, number][] = [
    [51.5, -0.1], [51.5004, -0.1004], [51.4996, -0.0996], // (51500, -100)
    [51.501, -0.1], [51.5006, -0.0999], // (51501, -100)
    [51.5, -0.101], // (51500, -101)
    [51.502, -0.102], [51.5021, -0.1019], // (51502, -102)
    [50, 10], // (50000, 10000), in ne
  ];
  await submitAndDrain(env, points.map(([lat, lon]) => reportAt(lat, lon)));
  assert.equal((await gridRows(env, "datamap_nw")).map((r) => r.grid), [[51_500, -101], [51_500, -100], [51_501, -100], [51_502, -102]]);
  assert.equal((await gridRows(env, "datamap_ne")).map((r) => r.grid), [[50_000, 10_000]]);
  assert.equal(await rowsPerTable(env), { datamap_ne: 1, datamap_nw: 4, datamap_se: 0, datamap_sw: 0 });
});

S("a report whose networks are all invalid marks no grid cell", async ({ env }) => {
  await submitAndDrain(env, [
    reportAt(50, 10, [{ macAddress: "abcd" }, { macAddress: "ffffffffffff" }, { macAddress: "01:00:5e:90:10:00" }]),
    { position: { latitude: 20, longitude: -10 }, wifiAccessPoints: [{ macAddress: "a8:20:66:00:00:02", ssid: "home_nomap" }] },
  ]);
  assert.equal(await rowsPerTable(env), { datamap_ne: 0, datamap_nw: 0, datamap_se: 0, datamap_sw: 0 });
});

S("the clean-up deletes one stale row per shard and leaves the fresh ones", async ({ env }) => {
  const quadrants: [string, number, number][] = [
    ["datamap_ne", 50, 10], ["datamap_nw", 51.5, -0.1], ["datamap_se", -33.9, 18.4], ["datamap_sw", -23.5, -46.6],
  ];
  for (const [table, lat, lon] of quadrants) {
    await insertGrid(env, table, lat, lon, dayOffset(-400), today());
    await insertGrid(env, table, lat + 0.01, lon, dayOffset(-400), dayOffset(-365));
    await insertGrid(env, table, lat + 0.02, lon, dayOffset(-400), dayOffset(-366));
  }
  assert.is(await cleanUpDatamap(env.services, new Date()), 4);
  for (const [table, lat, lon] of quadrants) {
    const [la, lo] = scaleDatamap(lat, lon);
    assert.equal((await gridRows(env, table)).map((r) => [r.grid, r.modified]), [[[la, lo], today()], [[la + 10, lo], dayOffset(-365)]], table);
  }
});

S.run();
