/**
 * Every submit fixture, sent exactly as its client sends it, drained through the whole pipeline:
 * the stations, areas, datamap cells and counters its content implies, and nothing else.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import type { RowDataPacket } from "mysql2/promise";
import { createPool } from "../../src/db/pool.ts";
import { sumStatCounters } from "../../src/db/stat-counter.ts";
import { drainPipeline, today } from "../support/pipeline-setup.ts";
import { createWebTestEnv, fixtureRequest, loadFixture, type WebTestEnv } from "../support/web-setup.ts";

const S = suite<{ env: WebTestEnv }>("submit fixtures through the pipeline");

const STATION_TABLES = [
  ...[..."0123456789abcdef"].flatMap((h) => [`wifi_shard_${h}`, `blue_shard_${h}`]),
  "cell_gsm", "cell_wcdma", "cell_lte", "cell_nr", "cell_area", "cell_area_nr",
  "datamap_ne", "datamap_nw", "datamap_se", "datamap_sw", "stat_counter",
];

S.before(async (ctx) => {
  ctx.env = await createWebTestEnv("fixtures-pipeline");
});
S.after(async (ctx) => ctx.env.close());
S.before.each(async ({ env }) => {
  for (const t of STATION_TABLES) await env.pool.query(`DELETE FROM \`${t}\``);
});

async function submitFixture(env: WebTestEnv, name: string): Promise<void> {
  const { path, init } = fixtureRequest(loadFixture(name));
  const res = await env.app.request(path, init);
  assert.is(res.status, 200, `${name} accepted`);
  await drainPipeline(env.services);
}

async function keysIn(env: WebTestEnv, table: string, key: string): Promise<string[]> {
  const [rows] = await env.pool.query<RowDataPacket[]>(`SELECT HEX(${key}) AS k FROM \`${table}\` ORDER BY ${key}`);
  return rows.map((r) => (r.k as string).toLowerCase());
}

async function stationRow(env: WebTestEnv, table: string, where: string, params: unknown[]): Promise<RowDataPacket> {
  const [rows] = await env.pool.query<RowDataPacket[]>(`SELECT * FROM \`${table}\` WHERE ${where}`, params);
  assert.is(rows.length, 1, `one row in ${table}`);
  return rows[0]!;
}

async function totalRows(env: WebTestEnv, tables: string[]): Promise<number> {
  let n = 0;
  for (const t of tables) {
    const [rows] = await env.pool.query<RowDataPacket[]>(`SELECT COUNT(*) AS n FROM \`${t}\``);
    n += Number(rows[0]!.n);
  }
  return n;
}

const wifiTables = [..."0123456789abcdef"].map((h) => `wifi_shard_${h}`);
const blueTables = [..."0123456789abcdef"].map((h) => `blue_shard_${h}`);

S("NeoStumbler: three Wi-Fi (one on 6 GHz), an LTE and an NR cell, a beacon, in Helsinki", async ({ env }) => {
  await submitFixture(env, "NS-S1");
  assert.equal(await keysIn(env, "wifi_shard_8", "mac"), ["2c968296ca3f"]);
  assert.equal(await keysIn(env, "wifi_shard_b", "mac"), ["54ecb0012851"]);
  assert.equal(await keysIn(env, "wifi_shard_3", "mac"), ["a697330ddffe"]);
  assert.is(await totalRows(env, wifiTables), 3);
  assert.equal(await keysIn(env, "blue_shard_f", "mac"), ["d4adfc123456"]);
  assert.is(await totalRows(env, blueTables), 1);
  const ap = await stationRow(env, "wifi_shard_8", "mac = UNHEX('2c968296ca3f')", []);
  assert.is(ap.lat, 60.17012);
  assert.is(ap.lon, 24.93847);
  assert.is(ap.radius, 0);
  assert.is(ap.samples, 1);
  assert.is(ap.source, 3, "source gps is stored as gnss");
  assert.is(ap.region, "FI");
  assert.is(ap.last_seen.toISOString().slice(0, 10), today());
  const lte = await stationRow(env, "cell_lte", "mcc = 244 AND mnc = 5 AND lac = 4210 AND cid = 27271425", []);
  assert.is(lte.psc, 301);
  assert.is(lte.region, "FI");
  const nr = await stationRow(env, "cell_nr", "mcc = 244 AND mnc = 5 AND lac = 4210", []);
  assert.is(String(nr.cid), "11324473345", "the 36-bit NR cell id is kept");
  assert.is(nr.psc, 402);
  assert.is(nr.radio, 4);
  assert.is(await totalRows(env, ["cell_gsm", "cell_wcdma"]), 0);
  const area = await stationRow(env, "cell_area", "mcc = 244 AND mnc = 5 AND lac = 4210", []);
  assert.is(area.num_cells, 1);
  assert.is(area.radio, 3);
  const nrArea = await stationRow(env, "cell_area_nr", "mcc = 244 AND mnc = 5 AND lac = 4210", []);
  assert.is(nrArea.num_cells, 1);
  assert.is(nrArea.lat, 60.17012);
  // (60.17012, 24.93847) → grid (60170, 24938) → (150170, 204938) big-endian: north-east quadrant.
  assert.equal(await keysIn(env, "datamap_ne", "grid"), ["00024a9a0003208a"]);
  assert.is(await totalRows(env, ["datamap_nw", "datamap_se", "datamap_sw"]), 0);
  const counters = await sumStatCounters(env.pool);
  const count = (name: string) => counters.find((c) => c.name === name && c.day === today())?.value ?? 0;
  assert.equal(
    [count("wifi"), count("unique_wifi"), count("cell"), count("unique_cell"), count("blue"), count("unique_blue")],
    [3, 3, 2, 2, 1, 1],
  );
});

S("GeoClue: two Wi-Fi networks and an LTE cell; the 5180 MHz network gets channel 36's station", async ({ env }) => {
  await submitFixture(env, "GC-S1");
  assert.equal(await keysIn(env, "wifi_shard_8", "mac"), ["2c968296ca3f"]);
  assert.equal(await keysIn(env, "wifi_shard_b", "mac"), ["54ecb0012851"]);
  assert.is(await totalRows(env, wifiTables), 2);
  const ap = await stationRow(env, "wifi_shard_b", "mac = UNHEX('54ecb0012851')", []);
  assert.ok(Math.abs(ap.lat - 60.169855) < 1e-12, `lat ${ap.lat}`);
  assert.is(ap.region, "FI");
  // SPEC §4.7: accuracy 5 m counts as 10 m (weight 1); signal −74 dBm → received power relative
  // to −80 dBm, 10^0.6 (Ichnos, README "Differences from Ichnaea"; Ichnaea: (10000 / 94²)²).
  assert.ok(Math.abs(ap.weight - 10 ** 0.6) < 1e-9, `weight ${ap.weight}`);
  const aged = await stationRow(env, "wifi_shard_8", "mac = UNHEX('2c968296ca3f')", []);
  // Signal −61 and 3 s old: 10^1.9 · √(2000 / 3000).
  assert.ok(Math.abs(aged.weight - 10 ** 1.9 * Math.sqrt(2000 / 3000)) < 1e-9, `weight ${aged.weight}`);
  await stationRow(env, "cell_lte", "mcc = 244 AND mnc = 91 AND lac = 4210 AND cid = 27271425", []);
  assert.is(await totalRows(env, blueTables), 0);
});

S("Tower Collector: two LTE cells and an NR cell in Warsaw, one area per radio", async ({ env }) => {
  await submitFixture(env, "TC-S1");
  assert.equal(
    (await env.pool.query<RowDataPacket[]>("SELECT cid, psc, region FROM cell_lte ORDER BY cid"))[0].map((r) => [r.cid, r.psc, r.region]),
    [[31246082, 146, "PL"], [31246083, 147, "PL"]],
  );
  const nr = await stationRow(env, "cell_nr", "mcc = 260 AND mnc = 3 AND lac = 58010", []);
  assert.is(String(nr.cid), "12817826817");
  assert.is(nr.psc, 512, "NR PCI up to 1007 is kept");
  const area = await stationRow(env, "cell_area", "mcc = 260 AND mnc = 3 AND lac = 58010", []);
  assert.is(area.num_cells, 2);
  assert.is(area.region, "PL");
  await stationRow(env, "cell_area_nr", "mcc = 260 AND mnc = 3 AND lac = 58010", []);
  assert.is(await totalRows(env, [...wifiTables, ...blueTables]), 0);
});

S("entries the pipeline discards leave no station behind", async ({ env }) => {
  const body = {
    items: [
      // 0/0 is outside every region: the whole report goes.
      { position: { latitude: 0, longitude: 0 }, wifiAccessPoints: [{ macAddress: "a82066000001" }] },
      {
        position: { latitude: 51.5, longitude: -0.1 },
        wifiAccessPoints: [
          { macAddress: "abcd" }, { macAddress: "ffffffffffff" }, { macAddress: "01:00:5e:90:10:00" },
          { macAddress: "a8:20:66:00:00:02", ssid: "home_nomap" },
        ],
        cellTowers: [
          { radioType: "cdma", mobileCountryCode: 310, mobileNetworkCode: 1, locationAreaCode: 2, cellId: 3 },
          { radioType: "gsm", mobileCountryCode: 1000, mobileNetworkCode: 1, locationAreaCode: 2, cellId: 3 },
          { radioType: "lte", mobileCountryCode: 234, mobileNetworkCode: 10, primaryScramblingCode: 4 },
        ],
      },
    ],
  };
  const res = await env.app.request("/v2/geosubmit", { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } });
  assert.is(res.status, 200);
  await drainPipeline(env.services);
  assert.is(await totalRows(env, STATION_TABLES), 0);
});

S("the whole pipeline drains through a pool of two MySQL connections", async ({ env }) => {
  // Every export loop starting at once must not hold one connection while waiting for another.
  await env.pool.query("DELETE FROM stream_checkpoint");
  for (const key of await env.redis.keys(`${env.prefix}:*`)) await env.redis.del(key);
  const small = createPool(env.databaseUrl, 2);
  try {
    const { path, init } = fixtureRequest(loadFixture("TC-S1"));
    assert.is((await env.app.request(path, init)).status, 200);
    await drainPipeline({ ...env.services, pool: small, consumerDeps: { ...env.services.consumerDeps, pool: small } }, { timeoutMs: 30_000 });
    assert.is(await totalRows(env, ["cell_lte"]), 2);
  } finally {
    await small.end();
  }
});

S.run();
