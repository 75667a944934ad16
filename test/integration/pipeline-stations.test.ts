/**
 * SPEC §4.8 station-updater reference cases end to end: existing stations written with the
 * projectors' upsert, observations submitted over HTTP to `/v2/geosubmit` (one report per
 * observation), the whole pipeline drained, the rows read back from MySQL. Inputs are those of
 * test/unit/station-updater.test.ts, so a difference here is the pipeline's, not the updater's.
 *
 * One reports partition: a request's reports are split in one batch, so the updater sees all of
 * a case's observations as one group, as upstream's task does.
 */
import type { RowDataPacket } from "mysql2/promise";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import type { StationKind } from "../../src/domain/observation/types.ts";
import type { PositionSource } from "../../src/domain/report.ts";
import { SOURCE_CODES, type StationRow } from "../../src/domain/station/station-row.ts";
import { sumStatCounters } from "../../src/db/stat-counter.ts";
import { drainPipeline, today } from "../support/pipeline-setup.ts";
import {
  type CellId, dayOffset, daysAgo, displace, GB_LAT, GB_LON, insertStations, loadStation, makeObs, newStationId, obs,
  type ObsSpec, reportsFor, type StationId, stationRow,
} from "../support/station-cases.ts";
import { createWebTestEnv, type WebTestEnv } from "../support/web-setup.ts";

const S = suite<{ env: WebTestEnv }>("station updater through the pipeline");

const KINDS: readonly StationKind[] = ["wifi", "blue", "cell"];
const CLEARED = [
  ...[..."0123456789abcdef"].flatMap((h) => [`wifi_shard_${h}`, `blue_shard_${h}`]),
  "cell_gsm", "cell_wcdma", "cell_lte", "cell_nr", "cell_area", "cell_area_nr", "stat_counter",
];

S.before(async (ctx) => {
  ctx.env = await createWebTestEnv("stations", { STREAM_PARTITIONS: "1" });
});
S.after(async (ctx) => ctx.env.close());
S.before.each(async ({ env }) => {
  for (const t of CLEARED) await env.pool.query(`DELETE FROM \`${t}\``);
});

interface Sent {
  readonly id: StationId;
  readonly specs: readonly ObsSpec[];
}

/** When the pipeline ran: station times must fall inside, on whole seconds. */
interface Window {
  readonly from: number;
  readonly to: number;
}

async function submitAndDrain(env: WebTestEnv, kind: StationKind, sent: readonly Sent[]): Promise<Window> {
  const from = Math.floor(Date.now() / 1000) * 1000;
  const items = sent.flatMap(({ id, specs }) => reportsFor(kind, id, specs));
  const res = await env.app.request("/v2/geosubmit", {
    method: "POST", body: JSON.stringify({ items }), headers: { "content-type": "application/json" },
  });
  assert.is(res.status, 200, "submission accepted");
  await drainPipeline(env.services);
  return { from, to: Date.now() };
}

async function stored(env: WebTestEnv, kind: StationKind, id: StationId): Promise<StationRow> {
  const row = await loadStation(env.pool, kind, id);
  assert.ok(row, "station row stored");
  return row;
}

function close(actual: number | null, expected: number, eps: number, what: string) {
  assert.ok(actual !== null && Math.abs(actual - expected) < eps, `${what}: ${actual} ≠ ${expected} (±${eps})`);
}

function assertWrittenNow(at: Date | null, w: Window, what: string) {
  assert.ok(at !== null && at.getTime() >= w.from && at.getTime() <= w.to && at.getTime() % 1000 === 0, `${what} ${at?.toISOString()} is now`);
}

function assertNoPosition(row: StationRow) {
  for (const f of ["lastSeen", "lat", "lon", "maxLat", "minLat", "maxLon", "minLon", "radius", "samples", "source", "weight"] as const) {
    assert.is(row[f], null, `${f} is null`);
  }
}

const blockFields = (row: StationRow) => [row.blockFirst, row.blockLast, row.blockCount];

async function counters(env: WebTestEnv, kind: StationKind): Promise<[number, number]> {
  const totals = await sumStatCounters(env.pool);
  const value = (name: string) => totals.find((c) => c.name === name && c.day === today())?.value ?? 0;
  return [value(kind), value(`unique_${kind}`)];
}

async function cellArea(env: WebTestEnv, id: CellId): Promise<RowDataPacket | undefined> {
  const [rows] = await env.pool.query<RowDataPacket[]>(
    "SELECT lat, lon, radius, region, avg_cell_radius, num_cells, DATE_FORMAT(last_seen, '%Y-%m-%d') AS last_seen FROM cell_area WHERE radio = 0 AND mcc = ? AND mnc = ? AND lac = ?",
    [id.mcc, id.mnc, id.lac]);
  return rows[0];
}

/** The cell's area after a write: one cell, so its centre, box radius and region are the cell's. */
async function assertAreaOfOneCell(env: WebTestEnv, id: StationId, cell: StationRow) {
  const area = await cellArea(env, id as CellId);
  assert.ok(area, "cell_area row recomputed");
  close(area.lat, cell.lat!, 1e-12, "area lat");
  close(area.lon, cell.lon!, 1e-12, "area lon");
  assert.equal([area.radius, area.avg_cell_radius, area.num_cells, area.region, area.last_seen], [cell.radius, cell.radius, 1, "GB", today()]);
}

async function assertNoArea(env: WebTestEnv, kind: StationKind, id: StationId) {
  if (kind === "cell") assert.is(await cellArea(env, id as CellId), undefined, "no area without a positioned cell");
}

for (const kind of KINDS) {
  S(`${kind}: five submitted observations create a station at their weighted centre`, async ({ env }) => {
    const id = newStationId(kind);
    const w = await submitAndDrain(env, kind, [{ id, specs: [
      obs(kind), obs(kind, { lat: GB_LAT + 0.0001 }), obs(kind, { lat: GB_LAT - 0.0003 }),
      obs(kind, { lon: GB_LON + 0.0002 }), obs(kind, { lon: GB_LON - 0.0004 }),
    ] }]);
    const row = await stored(env, kind, id);
    close(row.lat, GB_LAT - 0.00004, 1e-9, "lat");
    close(row.lon, GB_LON - 0.00004, 1e-9, "lon");
    close(row.maxLat, GB_LAT + 0.0001, 1e-12, "max_lat");
    close(row.minLat, GB_LAT - 0.0003, 1e-12, "min_lat");
    close(row.maxLon, GB_LON + 0.0002, 1e-12, "max_lon");
    close(row.minLon, GB_LON - 0.0004, 1e-12, "min_lon");
    assert.equal([row.radius, row.region, row.samples, row.source, row.lastSeen], [38, "GB", 5, SOURCE_CODES.gnss, today()]);
    close(row.weight, 5.0, 1e-9, "weight");
    assert.equal(blockFields(row), [null, null, null]);
    assertWrittenNow(row.created, w, "created");
    assert.equal(row.modified, row.created);
    assert.equal(await counters(env, kind), [5, 1]);
    if (kind === "cell") await assertAreaOfOneCell(env, id, row);
  });

  S(`${kind}: observations spread over the limit create a blocked station without position`, async ({ env }) => {
    const id = newStationId(kind);
    const w = await submitAndDrain(env, kind, [{ id, specs: makeObs(kind, "gnss", 1.0) }]);
    const row = await stored(env, kind, id);
    assert.equal(blockFields(row), [today(), today(), 1]);
    assert.is(row.region, null);
    assertNoPosition(row);
    assertWrittenNow(row.created, w, "created");
    assert.equal(row.modified, row.created);
    assert.equal(await counters(env, kind), [3, 1]);
    await assertNoArea(env, kind, id);
  });

  S(`${kind}: half-consistent observations block a station each of them agrees with`, async ({ env }) => {
    const id = newStationId(kind);
    const past = daysAgo(50);
    await insertStations(env.pool, kind, [stationRow(kind, id, { created: past, modified: past })]);
    const w = await submitAndDrain(env, kind, [{ id, specs: makeObs(kind, "gnss", 0.5) }]);
    const row = await stored(env, kind, id);
    assert.equal(blockFields(row), [today(), today(), 1]);
    assert.equal([row.created, row.region], [past, "GB"]);
    assertWrittenNow(row.modified, w, "modified");
    assertNoPosition(row);
    assert.equal(await counters(env, kind), [3, 0]);
    await assertNoArea(env, kind, id);
  });

  S(`${kind}: a station modified 50 days ago and displaced from consistent observations is blocked`, async ({ env }) => {
    const id = newStationId(kind);
    const past = daysAgo(50);
    // Beyond reach (observation-summary.ts STATION_REACH): for a beacon 310 m is within its
    // reach of 300 m plus its radius, and three observations there relocate it (move-watch.ts).
    await insertStations(env.pool, kind, [stationRow(kind, id, { lat: displace(kind, GB_LAT, 0, kind === "blue" ? 2 : 1.0), created: past, modified: past })]);
    const w = await submitAndDrain(env, kind, [{ id, specs: makeObs(kind, "gnss") }]);
    const row = await stored(env, kind, id);
    assert.equal(blockFields(row), [today(), today(), 1]);
    assert.equal([row.created, row.region], [past, "GB"]);
    assertWrittenNow(row.modified, w, "modified");
    assertNoPosition(row);
  });

  for (const source of ["gnss", "query"] as const) {
    S(`${kind}: a station seen 367 days ago is replaced by consistent ${source} observations, not blocked`, async ({ env }) => {
      const id = newStationId(kind);
      const old = daysAgo(367);
      const st = stationRow(kind, id, {
        lat: displace(kind, GB_LAT, 0, 1.0), created: old, modified: old, lastSeen: dayOffset(-367), source: SOURCE_CODES[source === "gnss" ? "query" : "gnss"],
      });
      await insertStations(env.pool, kind, [st]);
      const w = await submitAndDrain(env, kind, [{ id, specs: makeObs(kind, source) }]);
      const row = await stored(env, kind, id);
      assert.equal(blockFields(row), [null, null, null]);
      assert.equal([row.created, row.lastSeen], [old, today()]);
      assertWrittenNow(row.modified, w, "modified");
      assert.equal([row.lat, row.maxLat, row.minLat, row.maxLon, row.minLon], [GB_LAT, GB_LAT, GB_LAT, GB_LON, GB_LON]);
      close(row.lon, GB_LON, 1e-12, "lon");
      assert.equal([row.radius, row.region, row.samples, row.source], [0, "GB", 3, SOURCE_CODES[source]]);
      close(row.weight, 3.0, 1e-9, "weight");
      if (kind === "cell") await assertAreaOfOneCell(env, id, row);
    });
  }

  S(`${kind}: gnss observations replace a query-based station's history, keeping created and block fields`, async ({ env }) => {
    const id = newStationId(kind);
    // Blocked once 90 days ago, created 100 days ago: not blocked any more (SPEC §4.7).
    const created = daysAgo(100);
    const st = stationRow(kind, id, {
      samples: 10, weight: 15.0, created, modified: daysAgo(10), lastSeen: dayOffset(-10), source: SOURCE_CODES.query,
      blockFirst: dayOffset(-90), blockLast: dayOffset(-90), blockCount: 1,
    });
    await insertStations(env.pool, kind, [st]);
    const w = await submitAndDrain(env, kind, [{ id, specs: makeObs(kind, "gnss") }]);
    const row = await stored(env, kind, id);
    assert.equal(blockFields(row), [dayOffset(-90), dayOffset(-90), 1]);
    assert.equal([row.created, row.lastSeen], [created, today()]);
    assertWrittenNow(row.modified, w, "modified");
    assert.equal([row.lat, row.maxLat, row.minLat, row.maxLon, row.minLon], [GB_LAT, GB_LAT, GB_LAT, GB_LON, GB_LON]);
    assert.equal([row.radius, row.region, row.samples, row.source], [0, "GB", 3, SOURCE_CODES.gnss]);
    close(row.weight, 3.0, 1e-9, "weight");
  });

  S(`${kind}: query observations confirm a station seen ten days ago, touching only last_seen`, async ({ env }) => {
    const seenToday = newStationId(kind);
    const seenBefore = newStationId(kind);
    const stations = [
      stationRow(kind, seenToday, { created: daysAgo(20), modified: daysAgo(20) }),
      stationRow(kind, seenBefore, { created: daysAgo(10), modified: daysAgo(10), lastSeen: dayOffset(-10) }),
    ];
    await insertStations(env.pool, kind, stations);
    const query = [obs(kind, { source: "query" })];
    await submitAndDrain(env, kind, [{ id: seenToday, specs: query }, { id: seenBefore, specs: query }]);
    assert.equal(await stored(env, kind, seenToday), stations[0]);
    assert.equal(await stored(env, kind, seenBefore), { ...stations[1]!, lastSeen: today() });
    assert.equal(await counters(env, kind), [2, 0]);
  });

  S(`${kind}: a blocked station is skipped but its observations are still counted`, async ({ env }) => {
    const [blockedId, a, b] = [newStationId(kind), newStationId(kind), newStationId(kind)];
    const blocked = stationRow(kind, blockedId, { blockFirst: dayOffset(-10), blockLast: today(), blockCount: 1 });
    await insertStations(env.pool, kind, [blocked]);
    const specs = [obs(kind)];
    await submitAndDrain(env, kind, [{ id: blockedId, specs }, { id: a, specs }, { id: b, specs }]);
    assert.equal(await stored(env, kind, blockedId), blocked);
    assert.is((await stored(env, kind, a)).samples, 1);
    assert.is((await stored(env, kind, b)).samples, 1);
    assert.equal(await counters(env, kind), [3, 2]);
  });
}

interface ChangeCase {
  readonly kind: StationKind;
  readonly station: Partial<StationRow>;
  readonly specs: (source: PositionSource) => ObsSpec[];
  readonly expect: { lonOffset: number; minLonOffset: number; radius: number; samples: number; weight: number; weightEps: number };
  /** Observations with weight > 0: the only ones counted. */
  readonly counted: number;
}

const at = (kind: StationKind, dLon: number, over: Partial<ObsSpec>) => (source: PositionSource) => obs(kind, { source, lon: GB_LON + dLon, ...over });

const CHANGES: Record<string, ChangeCase> = {
  "a Wi-Fi change merges weighted observations into the station and drops the three weightless ones": {
    kind: "wifi", station: { samples: 2, weight: 3.0 }, counted: 4,
    // Weights by received power (README "Differences from Ichnaea"): the −30 dBm observation
    // outweighs the rest 2,800 to 1; Ichnaea's weights gave lon − 0.0019971, weight 16.10707.
    // At half Ichnaea's distances (up to 210 m, not 415 m): farther than an access point is
    // heard, observations are kept apart as a possible move (move-watch.ts), not merged.
    specs: (s) => [
      at("wifi", -0.001, { accuracy: 20.0, signal: -30 }), at("wifi", -0.002, { age: -8000, accuracy: 40.0, signal: -60 }),
      at("wifi", -0.003, { age: 1000, accuracy: 10.0, signal: -90 }), at("wifi", -0.003, { accuracy: 10.0, speed: 20.0 }),
      at("wifi", -0.004, { age: 40000, accuracy: 10.0 }), at("wifi", -0.004, { accuracy: 10.0, speed: 50.1 }),
      at("wifi", -0.005, { accuracy: 200.1 }),
    ].map((f) => f(s)),
    expect: { lonOffset: -0.0020006559 / 2, minLonOffset: -0.003, radius: 139, samples: 6, weight: 70739.278119, weightEps: 1e-5 },
  },
  "a Bluetooth change merges weighted observations into the station": {
    kind: "blue", station: { samples: 2, weight: 3.0 }, counted: 2,
    // Beacons weigh by received power (Ichnaea ignores their signal: lon − 0.0000305, radius 12,
    // weight 3.957107).
    specs: (s) => [
      at("blue", -0.0001, { accuracy: 20.0, signal: -30 }), at("blue", -0.0002, { age: -8000, accuracy: 40.0, signal: -60 }),
      at("blue", -0.0003, { accuracy: 100.1 }),
    ].map((f) => f(s)),
    expect: { lonOffset: -0.0001000311, minLonOffset: -0.0002, radius: 7, samples: 4, weight: 70738.678119, weightEps: 1e-5 },
  },
  "a GSM cell change merges signal-weighted observations into the station": {
    kind: "cell", station: { samples: 1, weight: 2.0 }, counted: 2,
    specs: (s) => [
      at("cell", -0.002, { accuracy: 20.0, signal: -51 }), at("cell", -0.004, { accuracy: 1000.0, signal: -111 }),
      at("cell", -0.004, { accuracy: 1000.1 }),
    ].map((f) => f(s)),
    expect: { lonOffset: -0.0015793, minLonOffset: -0.004, radius: 168, samples: 3, weight: 9.2452954, weightEps: 1e-7 },
  },
};

for (const [name, c] of Object.entries(CHANGES)) {
  for (const source of ["gnss", "query"] as const) {
    S(`${name} (${source})`, async ({ env }) => {
      const id = newStationId(c.kind);
      const created = daysAgo(5);
      await insertStations(env.pool, c.kind, [stationRow(c.kind, id, { ...c.station, created, modified: created, source: SOURCE_CODES[source] })]);
      const w = await submitAndDrain(env, c.kind, [{ id, specs: c.specs(source) }]);
      const row = await stored(env, c.kind, id);
      close(row.lat, GB_LAT, 1e-12, "lat");
      assert.equal([row.maxLat, row.minLat, row.maxLon], [GB_LAT, GB_LAT, GB_LON]);
      close(row.lon, GB_LON + c.expect.lonOffset, 1e-7, "lon");
      close(row.minLon, GB_LON + c.expect.minLonOffset, 1e-12, "min_lon");
      assert.equal([row.radius, row.samples, row.source, row.region], [c.expect.radius, c.expect.samples, SOURCE_CODES[source], "GB"]);
      close(row.weight, c.expect.weight, c.expect.weightEps, "weight");
      assert.equal([row.created, row.lastSeen, ...blockFields(row)], [created, today(), null, null, null]);
      assertWrittenNow(row.modified, w, "modified");
      assert.equal(await counters(env, c.kind), [c.counted, 0]);
      if (c.kind === "cell") await assertAreaOfOneCell(env, id, row);
    });
  }
}

S("a moved Wi-Fi station keeps its region while inside the region's buffer, else takes the new one", async ({ env }) => {
  const near = newStationId("wifi");
  const far = newStationId("wifi");
  await insertStations(env.pool, "wifi", [
    stationRow("wifi", near, { lat: 46.2884, lon: 6.77, region: "FR" }), stationRow("wifi", far, { lat: 46.2884, lon: 7.45, region: "FR" }),
  ]);
  const five = (lon: number) => Array.from({ length: 5 }, () => obs("wifi", { lat: 46.2884, lon }));
  // 230 m east, where the access point is heard (Ichnaea's test moves them 3.8 km: a move for
  // Ichnos, which blocks; beyond 300 m five observations would relocate it, move-watch.ts).
  await submitAndDrain(env, "wifi", [{ id: near, specs: five(6.77 + 0.003) }, { id: far, specs: five(7.45 + 0.003) }]);
  const rows = [await stored(env, "wifi", near), await stored(env, "wifi", far)];
  assert.equal(rows.map((r) => [r.region, r.samples, r.blockCount]), [["FR", 6, null], ["CH", 6, null]]);
  close(rows[0]!.lon, (6.773 * 5 + 6.77) / 6, 1e-9, "near lon");
});

S.run();
