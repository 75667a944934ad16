/**
 * Moved stations and wide-area stations (a difference from Ichnaea, README "Differences from
 * Ichnaea"; observation-summary.ts STATION_REACH): an observation farther from the stored centre
 * than the station can be heard blocks the station at once, where Ichnaea merged anything within
 * 5 km for Wi-Fi; a beacon heard by passers-by 240 m apart is not blocked, where Ichnaea's 100 m
 * rule blocked it.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { distance } from "../../src/geo/distance.ts";
import { getRegionLookup } from "../../src/geo/regions.ts";
import type { Observation, StationKind } from "../../src/domain/observation/types.ts";
import { agreementLimit } from "../../src/domain/station/observation-summary.ts";
import { SOURCE_CODES, type StationRow } from "../../src/domain/station/station-row.ts";
import { planStationUpdates, stationKey } from "../../src/domain/station/update-stations.ts";

const regions = getRegionLookup();
const P = { lat: 51.5, lon: -0.1 };
const DAY_MS = 86_400_000;
const NOW = new Date("2026-06-15T10:00:00Z");
const day = (d: Date) => d.toISOString().slice(0, 10);
const METRES_PER_DEGREE_LAT = 111_250;
const north = (metres: number) => P.lat + metres / METRES_PER_DEGREE_LAT;

function obs(mac: string, lat: number, signal: number): Observation {
  return { mac, lat, lon: P.lon, accuracy: 10, signal, source: "gnss" } as Observation;
}

/** An established station at P: a year old, 50 samples, its box a `radius` around P. */
function established(mac: string, radius: number): StationRow {
  const created = new Date(NOW.getTime() - 400 * DAY_MS);
  const d = radius / METRES_PER_DEGREE_LAT;
  return {
    mac, lat: P.lat, lon: P.lon, maxLat: P.lat + d, minLat: P.lat - d, maxLon: P.lon, minLon: P.lon,
    radius, region: "GB", samples: 50, source: SOURCE_CODES.gnss, weight: 500,
    created, modified: new Date(NOW.getTime() - DAY_MS), lastSeen: day(new Date(NOW.getTime() - DAY_MS)),
    blockFirst: null, blockLast: null, blockCount: null,
  } as StationRow;
}

function step(kind: StationKind, observations: Observation[], station: StationRow | undefined, now = NOW) {
  const existing = new Map(station ? [[stationKey(kind, station), station] as const] : []);
  return planStationUpdates({ kind, observations, existing, now, regions });
}

test("agreement limits: within reach of the station, its radius counted up to a bound", () => {
  assert.is(agreementLimit("wifi", 0), 1000);
  assert.is(agreementLimit("wifi", 120), 1120);
  assert.is(agreementLimit("wifi", 900), 1500, "a radius grown by merges widens the limit no further");
  assert.is(agreementLimit("blue", 50), 200);
  assert.is(agreementLimit("cell", 5000), 100_000, "cells keep Ichnaea's limit");
});

test("an access point moved 2 km is blocked by its first observation there, not averaged", () => {
  const mac = "a82066c00001";
  const st = established(mac, 120);
  const plan = step("wifi", [obs(mac, north(2000), -85)], st);
  assert.is(plan.statuses.block, 1);
  const row = plan.writes[0]!;
  assert.equal([row.lat, row.lon, row.blockCount, row.blockLast], [null, null, 1, day(NOW)]);
});

test("then it is relearned at its new place once the temporary block is over", () => {
  const mac = "a82066c00002";
  const blocked = step("wifi", [obs(mac, north(2000), -85)], established(mac, 120)).writes[0]!;
  // The next day it is still blocked: what it hears is counted and ignored.
  const tomorrow = new Date(NOW.getTime() + DAY_MS);
  assert.is(step("wifi", [obs(mac, north(2010), -70)], blocked, tomorrow).statuses.blocked_skip, 1);
  // Two days later (a year-old station may be blocked once in 30 days) it takes the new place.
  const later = new Date(NOW.getTime() + 2 * DAY_MS);
  const plan = step("wifi", [obs(mac, north(2000), -70), obs(mac, north(2030), -75)], blocked, later);
  assert.is(plan.statuses.change, 1);
  const row = plan.writes[0]!;
  assert.ok(distance(row.lat!, row.lon!, north(2000), P.lon) < 40, `${row.lat}`);
});

test("Ichnaea's rule would have merged it: the same move within 5 km agrees there", () => {
  // What Ichnaea did (SPEC §4.8): every observation within 5 km of the centre agrees. Shown so the
  // test above fails if the limit went back to the type limit.
  assert.ok(distance(P.lat, P.lon, north(2000), P.lon) < 5000);
  assert.ok(distance(P.lat, P.lon, north(2000), P.lon) > agreementLimit("wifi", 120));
});

test("a move of 1.2 km is caught; heard 1 km away a station with a 120 m radius has not moved", () => {
  const far = step("wifi", [obs("a82066c00003", north(1200), -88)], established("a82066c00003", 120));
  assert.is(far.statuses.block, 1);
  const near = step("wifi", [obs("a82066c00004", north(1000), -93)], established("a82066c00004", 120));
  assert.is(near.statuses.change, 1);
});

test("a static access point heard from 300 m agrees and is merged", () => {
  const plan = step("wifi", [obs("a82066c00005", north(300), -88)], established("a82066c00005", 120));
  assert.is(plan.statuses.change, 1);
  assert.ok(plan.writes[0]!.lat !== null);
});

test("a beacon heard by two passers-by 240 m apart is a new station, not a blocked one", () => {
  const mac = "a82066c00006";
  const plan = step("blue", [obs(mac, north(-120), -92), obs(mac, north(120), -91)], undefined);
  assert.equal([plan.statuses.new, plan.statuses.new_block], [1, 0]);
  // Ichnaea's 100 m consistency limit would have made this a new_block.
  assert.ok(distance(north(-120), P.lon, north(120), P.lon) > 100);
});

test("a stored beacon heard 200 m away agrees; 250 m away it has moved", () => {
  const agree = step("blue", [obs("a82066c00007", north(200), -88)], established("a82066c00007", 60));
  assert.is(agree.statuses.change, 1);
  const moved = step("blue", [obs("a82066c00008", north(250), -88)], established("a82066c00008", 60));
  assert.is(moved.statuses.block, 1);
});

test.run();
