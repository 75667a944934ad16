/**
 * SPEC §4.8 reference results, with the inputs of Ichnaea's `data/tests/test_station.py`: GB
 * position 51.5/−0.1, factory defaults (accuracy 10, wifi/blue signal −80, cell signal = the
 * radio's median; stations with samples 1, weight 1.0, source gnss, region GB, seen today), and
 * `make_obs`: centre, north and south, displaced by (type limit + 10 m) × factor.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { distance } from "../../src/geo/distance.ts";
import type { RegionLookup } from "../../src/geo/region-lookup.ts";
import { getRegionLookup } from "../../src/geo/regions.ts";
import type { Observation, StationKind } from "../../src/domain/observation/types.ts";
import type { PositionSource } from "../../src/domain/report.ts";
import { MAX_STATION_DISTANCE } from "../../src/domain/station/observation-summary.ts";
import { addDays } from "../../src/domain/station/station-days.ts";
import { SOURCE_CODES, type StationRow } from "../../src/domain/station/station-row.ts";
import { planStationUpdates, stationKey, type StationPlan } from "../../src/domain/station/update-stations.ts";

const regions: RegionLookup = getRegionLookup();
const GB_LAT = 51.5;
const GB_LON = -0.1;
const NOW = new Date("2024-06-15T10:20:30.456Z");
const NOW_S = new Date("2024-06-15T10:20:30.000Z");
const TODAY = "2024-06-15";
const ago = (days: number) => new Date(NOW.getTime() - days * 86_400_000);
const TEN_DAYS = ago(10);
const PAST = ago(50);
const ONE_YEAR = ago(367);
const KINDS: readonly StationKind[] = ["wifi", "blue", "cell"];
const SOURCES = ["gnss", "query"] as const;

type Id = { mac: string } | { radio: "gsm"; mcc: number; mnc: number; lac: number; cid: number };
let seq = 0;
function newId(kind: StationKind): Id {
  seq += 1;
  return kind === "cell" ? { radio: "gsm", mcc: 234, mnc: 30, lac: 1000 + seq, cid: seq } : { mac: `a82066${100000 + seq}` };
}

function obs(kind: StationKind, id: Id, over: Record<string, unknown> = {}): Observation {
  const signal = kind === "cell" ? -95 : -80;
  return { lat: GB_LAT, lon: GB_LON, accuracy: 10, signal, source: "gnss", ...id, ...over } as Observation;
}

function station(kind: StationKind, id: Id, over: Partial<StationRow> = {}): StationRow {
  const box = kind === "cell" ? { maxLat: GB_LAT, minLat: GB_LAT, maxLon: GB_LON, minLon: GB_LON } : { maxLat: null, minLat: null, maxLon: null, minLon: null };
  const cell = kind === "cell" ? { psc: null } : {};
  const lat = over.lat === undefined ? GB_LAT : over.lat;
  const lon = over.lon === undefined ? GB_LON : over.lon;
  const positioned = kind === "cell" && lat !== null && lon !== null ? { maxLat: lat, minLat: lat, maxLon: lon, minLon: lon } : {};
  return {
    lat: GB_LAT, lon: GB_LON, ...box, radius: 50, region: "GB", samples: 1, source: SOURCE_CODES.gnss, weight: 1.0,
    created: NOW, modified: NOW, lastSeen: TODAY, blockFirst: null, blockLast: null, blockCount: null,
    ...cell, ...id, ...positioned, ...over,
  } as StationRow;
}

/** geocalc's `destination` along a meridian, by bisection on the Vincenty distance. */
function displace(kind: StationKind, lat: number, bearing: 0 | 180, factor: number): number {
  const metres = (MAX_STATION_DISTANCE[kind] + 10) * factor;
  let lo = 0, hi = 2;
  for (let i = 0; i < 80; i++) {
    const mid = (lo + hi) / 2;
    if (distance(lat, GB_LON, lat + (bearing === 0 ? mid : -mid), GB_LON) < metres) lo = mid;
    else hi = mid;
  }
  return lat + (bearing === 0 ? lo : -lo);
}

function makeObs(kind: StationKind, id: Id, source: PositionSource, factor = 0): Observation[] {
  return [
    obs(kind, id, { source }),
    obs(kind, id, { source, lat: displace(kind, GB_LAT, 0, factor) }),
    obs(kind, id, { source, lat: displace(kind, GB_LAT, 180, factor) }),
  ];
}

function plan(kind: StationKind, observations: Observation[], stations: StationRow[] = []): StationPlan {
  const existing = new Map(stations.map((s) => [stationKey(kind, s), s] as const));
  return planStationUpdates({ kind, observations, existing, now: NOW, regions });
}

function only(p: StationPlan): StationRow {
  assert.is(p.writes.length, 1, "exactly one row written");
  return p.writes[0]!;
}

function close(actual: number | null, expected: number, eps = 1e-7, what = "value") {
  assert.ok(actual !== null && Math.abs(actual - expected) < eps, `${what}: ${actual} ≠ ${expected}`);
}

function assertNoPosition(row: StationRow) {
  for (const f of ["lastSeen", "lat", "lon", "maxLat", "minLat", "maxLon", "minLon", "radius", "samples", "source", "weight"] as const) {
    assert.is(row[f], null, `${f} is null`);
  }
}

function assertBlocked(row: StationRow, first: string | null, last: string | null, count: number | null) {
  assert.equal([row.blockFirst, row.blockLast, row.blockCount], [first, last, count]);
}

function assertTouched(kind: StationKind, p: StationPlan, ids: Id[]) {
  assert.equal(p.touched, kind === "cell" ? ids.map((id) => stationKey(kind, id)) : []);
}

for (const kind of KINDS) {
  for (const source of SOURCES) {
    test(`${kind}: five ${source} observations create a station at their weighted centre`, () => {
      const id = newId(kind);
      const p = plan(kind, [
        obs(kind, id, { source }), obs(kind, id, { source, lat: GB_LAT + 0.0001 }), obs(kind, id, { source, lat: GB_LAT - 0.0003 }),
        obs(kind, id, { source, lon: GB_LON + 0.0002 }), obs(kind, id, { source, lon: GB_LON - 0.0004 }),
      ]);
      const row = only(p);
      close(row.lat, GB_LAT - 0.00004, 1e-9, "lat");
      close(row.maxLat, GB_LAT + 0.0001, 1e-12, "max_lat");
      close(row.minLat, GB_LAT - 0.0003, 1e-12, "min_lat");
      close(row.lon, GB_LON - 0.00004, 1e-9, "lon");
      close(row.maxLon, GB_LON + 0.0002, 1e-12, "max_lon");
      close(row.minLon, GB_LON - 0.0004, 1e-12, "min_lon");
      assert.equal([row.radius, row.region, row.samples, row.source], [38, "GB", 5, SOURCE_CODES[source]]);
      close(row.weight, 5.0, 1e-9, "weight");
      assertBlocked(row, null, null, null);
      assert.equal([row.created, row.modified, row.lastSeen], [NOW_S, NOW_S, TODAY]);
      assert.equal([p.statuses.new, p.observations, p.newStations], [1, 5, 1]);
      assertTouched(kind, p, [id]);
    });

    test(`${kind}: ${source} observations spread over the limit create a blocked station without position`, () => {
      const id = newId(kind);
      const p = plan(kind, makeObs(kind, id, source, 1.0));
      const row = only(p);
      assertBlocked(row, TODAY, TODAY, 1);
      assert.equal([row.created, row.modified, row.region], [NOW_S, NOW_S, null]);
      assertNoPosition(row);
      assert.equal([p.statuses.new_block, p.newStations], [1, 1]);
      assertTouched(kind, p, [id]);
    });

    test(`${kind}: a station without position takes the position of consistent ${source} observations`, () => {
      const id = newId(kind);
      const st = station(kind, id, {
        blockFirst: addDays(TODAY, -50), blockLast: addDays(TODAY, -50), blockCount: 1, created: PAST, modified: PAST, lastSeen: null,
        lat: null, lon: null, maxLat: null, minLat: null, maxLon: null, minLon: null, radius: null, region: null, source: null, samples: null, weight: null,
      });
      const p = plan(kind, makeObs(kind, id, source), [st]);
      const row = only(p);
      assert.equal([row.lat, row.maxLat, row.minLat, row.maxLon, row.minLon], [GB_LAT, GB_LAT, GB_LAT, GB_LON, GB_LON]);
      close(row.lon, GB_LON, 1e-12, "lon");
      assert.equal([row.radius, row.region, row.source, row.samples, row.weight], [0, "GB", SOURCE_CODES[source], 3, 3.0]);
      assertBlocked(row, addDays(TODAY, -50), addDays(TODAY, -50), 1);
      assert.equal([row.created, row.modified, row.lastSeen], [PAST, NOW_S, TODAY]);
      assert.is(p.statuses.change, 1);
      assertTouched(kind, p, [id]);
    });

    test(`${kind}: a station without position ignores inconsistent ${source} observations`, () => {
      const id = newId(kind);
      const st = station(kind, id, {
        blockFirst: addDays(TODAY, -50), blockLast: addDays(TODAY, -50), blockCount: 1, created: PAST, modified: PAST, lastSeen: null,
        lat: null, lon: null, radius: null, region: null, source: null, samples: null, weight: null,
      });
      const p = plan(kind, makeObs(kind, id, source, 1.0), [st]);
      assert.equal([p.writes, p.touched, p.statuses.no_change, p.observations], [[], [], 1, 3]);
    });

    for (const stationSource of SOURCES) {
      const code = SOURCE_CODES[stationSource];
      test(`${kind}: half-consistent ${source} observations block a ${stationSource} station they each agree with`, () => {
        const id = newId(kind);
        const st = station(kind, id, { created: PAST, modified: PAST, source: code });
        const p = plan(kind, makeObs(kind, id, source, 0.5), [st]);
        const row = only(p);
        assertBlocked(row, TODAY, TODAY, 1);
        assert.equal([row.created, row.modified, row.region], [PAST, NOW_S, "GB"]);
        assertNoPosition(row);
        assert.equal([p.statuses.block, p.newStations], [1, 0]);
        assertTouched(kind, p, [id]);
      });

      test(`${kind}: a ${stationSource} station modified 50 days ago and displaced from consistent ${source} observations is blocked`, () => {
        const id = newId(kind);
        // Beyond reach (observation-summary.ts STATION_REACH): for a beacon 310 m is within its
        // reach of 300 m plus its radius, and three observations there relocate it (move-watch.ts).
        const st = station(kind, id, { lat: displace(kind, GB_LAT, 0, kind === "blue" ? 2 : 1.0), created: PAST, modified: PAST, source: code });
        const row = only(plan(kind, makeObs(kind, id, source), [st]));
        assert.is(row.region, "GB");
        assertBlocked(row, TODAY, TODAY, 1);
        assert.equal([row.created, row.modified], [PAST, NOW_S]);
        assertNoPosition(row);
      });

      test(`${kind}: inconsistent ${source} observations block a ${stationSource} station seen ten days ago`, () => {
        const id = newId(kind);
        const st = station(kind, id, { created: TEN_DAYS, modified: TEN_DAYS, lastSeen: addDays(TODAY, -10), source: code });
        const row = only(plan(kind, makeObs(kind, id, source, 1.0), [st]));
        assert.is(row.region, "GB");
        assertBlocked(row, TODAY, TODAY, 1);
        assert.equal([row.created, row.modified], [TEN_DAYS, NOW_S]);
        assertNoPosition(row);
      });

      test(`${kind}: inconsistent ${source} observations block even a ${stationSource} station seen 367 days ago`, () => {
        const id = newId(kind);
        const st = station(kind, id, { created: ONE_YEAR, modified: ONE_YEAR, lastSeen: addDays(TODAY, -367), source: code });
        const row = only(plan(kind, makeObs(kind, id, source, 1.0), [st]));
        assert.is(row.region, "GB");
        assertBlocked(row, TODAY, TODAY, 1);
        assert.equal([row.created, row.modified], [ONE_YEAR, NOW_S]);
        assertNoPosition(row);
      });

      test(`${kind}: a ${stationSource} station seen 367 days ago is replaced by consistent ${source} observations, not blocked`, () => {
        const id = newId(kind);
        const st = station(kind, id, { lat: displace(kind, GB_LAT, 0, 1.0), created: ONE_YEAR, modified: ONE_YEAR, lastSeen: addDays(TODAY, -367), source: code });
        const p = plan(kind, makeObs(kind, id, source), [st]);
        const row = only(p);
        assertBlocked(row, null, null, null);
        assert.equal([row.created, row.modified, row.lastSeen], [ONE_YEAR, NOW_S, TODAY]);
        assert.equal([row.lat, row.maxLat, row.minLat, row.maxLon, row.minLon], [GB_LAT, GB_LAT, GB_LAT, GB_LON, GB_LON]);
        close(row.lon, GB_LON, 1e-12, "lon");
        assert.equal([row.radius, row.region, row.samples, row.source], [0, "GB", 3, SOURCE_CODES[source]]);
        assert.is(p.statuses.replace, 1);
        assertTouched(kind, p, [id]);
      });
    }
  }

  test(`${kind}: gnss observations replace a query-based station's history`, () => {
    const id = newId(kind);
    const st = station(kind, id, { samples: 10, weight: 15.0, created: TEN_DAYS, modified: TEN_DAYS, lastSeen: addDays(TODAY, -10), source: SOURCE_CODES.query });
    const p = plan(kind, makeObs(kind, id, "gnss"), [st]);
    const row = only(p);
    assertBlocked(row, null, null, null);
    assert.equal([row.created, row.modified, row.lastSeen], [TEN_DAYS, NOW_S, TODAY]);
    assert.equal([row.lat, row.maxLat, row.minLat, row.maxLon, row.minLon], [GB_LAT, GB_LAT, GB_LAT, GB_LON, GB_LON]);
    assert.equal([row.radius, row.region, row.samples, row.source], [0, "GB", 3, SOURCE_CODES.gnss]);
    close(row.weight, 3.0, 1e-9, "weight");
    assert.is(p.statuses.replace, 1);
  });

  test(`${kind}: query observations confirm a station once a day, touching only last_seen`, () => {
    const seenToday = newId(kind);
    const seenBefore = newId(kind);
    const stations = [
      station(kind, seenToday),
      station(kind, seenBefore, { created: TEN_DAYS, modified: TEN_DAYS, lastSeen: addDays(TODAY, -10) }),
    ];
    const observations = [obs(kind, seenToday, { source: "query" }), obs(kind, seenBefore, { source: "query" })];
    const p = plan(kind, observations, stations);
    assert.equal(p.writes, [{ ...stations[1]!, lastSeen: TODAY }]);
    assert.equal([p.statuses.confirm, p.statuses.no_change, p.touched], [1, 1, []]);
    const again = plan(kind, observations, [stations[0]!, p.writes[0]!]);
    assert.equal([again.writes, again.statuses.no_change, again.observations], [[], 2, 2]);
  });

  test(`${kind}: a blocked station is skipped but its observations are still counted`, () => {
    const ids = [newId(kind), newId(kind), newId(kind)];
    const blocked = station(kind, ids[0]!, { created: NOW, blockFirst: addDays(TODAY, -10), blockLast: TODAY, blockCount: 1 });
    const p = plan(kind, ids.map((id) => obs(kind, id)), [blocked]);
    assert.equal([p.writes.length, p.statuses.blocked_skip, p.statuses.new, p.observations, p.newStations], [2, 1, 2, 3, 2]);
    assertTouched(kind, p, ids.slice(1));
  });
}

for (const source of SOURCES) {
  test(`wifi: a ${source} change merges weighted observations into the station, dropping weightless ones`, () => {
    const id = newId("wifi");
    const st = station("wifi", id, { samples: 2, weight: 3.0, source: SOURCE_CODES[source] });
    // Ichnaea's case at half its distances (up to 210 m instead of 415 m from the station): Ichnos
    // keeps observations farther than an access point is heard apart as a possible move
    // (move-watch.ts), where Ichnaea merged them.
    const at = (dLon: number, over: Record<string, unknown>) => obs("wifi", id, { source, lon: GB_LON + dLon / 2, ...over });
    const p = plan("wifi", [
      at(-0.002, { accuracy: 20.0, signal: -30 }), at(-0.004, { age: -8000, accuracy: 40.0, signal: -60 }),
      at(-0.006, { age: 1000, accuracy: 10.0, signal: -90 }), at(-0.006, { accuracy: 10.0, speed: 20.0 }),
      at(-0.008, { age: 40000, accuracy: 10.0 }), at(-0.008, { accuracy: 10.0, speed: 50.1 }), at(-0.01, { accuracy: 200.1 }),
    ], [st]);
    const row = only(p);
    close(row.lat, GB_LAT, 1e-12, "lat");
    assert.equal([row.maxLat, row.minLat, row.maxLon], [GB_LAT, GB_LAT, GB_LON]);
    // Observations weigh by received power relative to −80 dBm (a difference from Ichnaea,
    // weights.ts): 10^5·√½, 10^2·½·½, 0.1 and 0.5 against the station's 3.0, worked out by hand;
    // the −30 dBm one outweighs the rest 2,800 to 1. At Ichnaea's distances its weights gave
    // lon − 0.0019971, weight 16.10707; ours lon − 0.0020006559, half of it here.
    close(row.lon, GB_LON - 0.0020006559 / 2, 1e-9, "lon");
    close(row.minLon, GB_LON - 0.003, 1e-12, "min_lon");
    assert.equal([row.radius, row.samples, row.source, row.region], [139, 6, SOURCE_CODES[source], "GB"]);
    close(row.weight, 70739.278119, 1e-5, "weight");
    assert.equal([p.statuses.change, p.observations], [1, 4]);
  });

  test(`blue: a ${source} change merges weighted observations into the station`, () => {
    const id = newId("blue");
    const st = station("blue", id, { samples: 2, weight: 3.0, source: SOURCE_CODES[source] });
    const p = plan("blue", [
      obs("blue", id, { source, lon: GB_LON - 0.0001, accuracy: 20.0, signal: -30 }),
      obs("blue", id, { source, lon: GB_LON - 0.0002, age: -8000, accuracy: 40.0, signal: -60 }),
      obs("blue", id, { source, lon: GB_LON - 0.0003, accuracy: 100.1 }),
    ], [st]);
    const row = only(p);
    assert.equal([row.lat, row.maxLat, row.minLat, row.maxLon], [GB_LAT, GB_LAT, GB_LAT, GB_LON]);
    // Beacons weigh by received power (a difference from Ichnaea, which ignores their signal and
    // gave lon − 0.0000305, weight 3.957107).
    close(row.lon, GB_LON - 0.0001000311, 1e-9, "lon");
    close(row.minLon, GB_LON - 0.0002, 1e-12, "min_lon");
    assert.equal([row.radius, row.samples, row.source], [7, 4, SOURCE_CODES[source]]);
    close(row.weight, 70738.678119, 1e-5, "weight");
  });

  test(`cell: a ${source} gsm change merges signal-weighted observations into the station`, () => {
    const id = newId("cell");
    const st = station("cell", id, { samples: 1, weight: 2.0, source: SOURCE_CODES[source] });
    const p = plan("cell", [
      obs("cell", id, { source, lon: GB_LON - 0.002, accuracy: 20.0, signal: -51 }),
      obs("cell", id, { source, lon: GB_LON - 0.004, accuracy: 1000.0, signal: -111 }),
      obs("cell", id, { source, lon: GB_LON - 0.004, accuracy: 1000.1 }),
    ], [st]);
    const row = only(p);
    close(row.lat, GB_LAT, 1e-12, "lat");
    assert.equal([row.maxLat, row.minLat, row.maxLon], [GB_LAT, GB_LAT, GB_LON]);
    close(row.lon, GB_LON - 0.0015793, 1e-7, "lon");
    close(row.minLon, GB_LON - 0.004, 1e-12, "min_lon");
    assert.equal([row.radius, row.samples, row.source], [168, 3, SOURCE_CODES[source]]);
    close(row.weight, 9.2452954, 1e-7, "weight");
    assertTouched("cell", p, [id]);
  });
}

test("wifi: a moved station keeps its region while inside the region's buffer, else takes the new one", () => {
  const near = newId("wifi");
  const far = newId("wifi");
  const stations = [station("wifi", near, { lat: 46.2884, lon: 6.77, region: "FR" }), station("wifi", far, { lat: 46.2884, lon: 7.45, region: "FR" })];
  const observations = [
    // 230 m east: where the access point is heard (Ichnaea's test moves them 3.8 km, which Ichnos
    // takes for a move and blocks, observation-summary.ts STATION_REACH; beyond 300 m five
    // observations would relocate it, move-watch.ts).
    ...Array.from({ length: 5 }, () => obs("wifi", near, { lat: 46.2884, lon: 6.77 + 0.003 })),
    ...Array.from({ length: 5 }, () => obs("wifi", far, { lat: 46.2884, lon: 7.45 + 0.003 })),
  ];
  const p = plan("wifi", observations, stations);
  assert.equal(p.writes.map((r) => [r.region, r.blockCount]), [["FR", null], ["CH", null]]);
  assert.is(p.statuses.change, 2);
});

test("wifi: a changed station in its region's buffer keeps the region without reverse geocoding", () => {
  const id = newId("wifi");
  const st = station("wifi", id, { lat: 46.2884, lon: 6.77, region: "FR" });
  const lookup: RegionLookup = { ...regions, region: () => "XX" };
  const observations = Array.from({ length: 5 }, () => obs("wifi", id, { lat: 46.2884, lon: 6.82 }));
  const p = planStationUpdates({ kind: "wifi", observations, existing: new Map([[stationKey("wifi", st), st]]), now: NOW, regions: lookup });
  assert.is(only(p).region, "FR");
});

test("fused, fixed and unknown sources count as gnss and outvote query observations", () => {
  const id = newId("wifi");
  const observations = [
    obs("wifi", id, { source: "fused" }), obs("wifi", id, { source: "fixed" }), obs("wifi", id, { source: undefined }),
    obs("wifi", id, { source: "query", lat: GB_LAT + 0.01 }),
  ];
  const p = plan("wifi", observations);
  const row = only(p);
  assert.equal([row.source, row.samples, row.lat, p.observations], [SOURCE_CODES.gnss, 3, GB_LAT, 4]);
});

test("weightless observations are dropped before counting and grouping", () => {
  const id = newId("wifi");
  const p = plan("wifi", [obs("wifi", id, { accuracy: 500 }), obs("wifi", newId("wifi"), { speed: 60 })]);
  assert.equal([p.writes, p.observations, p.newStations], [[], 0, 0]);
});

test("cell writes carry the last observed psc, else the station's", () => {
  const withPsc = newId("cell");
  const without = newId("cell");
  const stations = [station("cell", withPsc, { psc: 7 }), station("cell", without, { psc: 9 })];
  const p = plan("cell", [obs("cell", withPsc, { psc: 11 }), obs("cell", withPsc, { psc: 12 }), obs("cell", withPsc), obs("cell", without)], stations);
  assert.equal(p.writes.map((r) => ("psc" in r ? r.psc : undefined)), [12, 9]);
});

test("cell keys are radio/mcc/mnc/lac/cid and rows carry the key columns", () => {
  const p = plan("cell", [obs("cell", { radio: "gsm", mcc: 234, mnc: 30, lac: 5, cid: 77 })]);
  assert.equal(p.touched, ["gsm/234/30/5/77"]);
  const row = only(p);
  assert.equal("radio" in row ? [row.radio, row.mcc, row.mnc, row.lac, row.cid, row.psc] : [], ["gsm", 234, 30, 5, 77, null]);
});

test.run();
