/**
 * The SPEC §4.8 station-updater reference inputs (the same as test/unit/station-updater.test.ts:
 * Ichnaea's `data/tests/test_station.py` factories) in the shape the end-to-end suite needs:
 * existing stations as rows for the projectors' own upsert, observations as v2 geosubmit reports
 * (one report per observation, one network per report), rows read back by their key.
 */
import type { StationKind } from "../../src/domain/observation/types.ts";
import { encodeCellId } from "../../src/domain/observation/cell-id.ts";
import { macShard, macToBytes } from "../../src/domain/observation/mac.ts";
import type { PositionSource } from "../../src/domain/report.ts";
import { MAX_STATION_DISTANCE } from "../../src/domain/station/observation-summary.ts";
import { addDays, wholeSeconds } from "../../src/domain/station/station-days.ts";
import { SOURCE_CODES, type StationRow } from "../../src/domain/station/station-row.ts";
import type { Pool } from "../../src/db/pool.ts";
import { stationTable } from "../../src/db/station-tables.ts";
import { loadAllStations, upsertStations } from "../../src/db/stations.ts";
import { distance } from "../../src/geo/distance.ts";
import { today } from "./pipeline-setup.ts";

export const GB_LAT = 51.5;
export const GB_LON = -0.1;
const DAY_MS = 86_400_000;

export type MacId = { readonly mac: string };
export type CellId = { readonly radio: "gsm"; readonly mcc: number; readonly mnc: number; readonly lac: number; readonly cid: number };
export type StationId = MacId | CellId;

/** One observation: where it was made and how the network was seen (SPEC §4.7 inputs). */
export interface ObsSpec {
  readonly lat: number;
  readonly lon: number;
  readonly accuracy?: number;
  readonly speed?: number;
  readonly source?: PositionSource;
  /** The network entry's age; the position carries none, so the splitter does not shift it. */
  readonly age?: number;
  readonly signal?: number;
}

let seq = 0;
/** A station id no other case uses; MACs are valid and outside the rejected values. */
export function newStationId(kind: StationKind): StationId {
  seq += 1;
  return kind === "cell" ? { radio: "gsm", mcc: 234, mnc: 30, lac: 1000 + seq, cid: seq } : { mac: `a82066${100000 + seq}` };
}

/** The factory defaults: GB position, accuracy 10, signal −80 (wifi/blue) or gsm's median −95. */
export function obs(kind: StationKind, over: Partial<ObsSpec> = {}): ObsSpec {
  return { lat: GB_LAT, lon: GB_LON, accuracy: 10, signal: kind === "cell" ? -95 : -80, source: "gnss", ...over };
}

/** geocalc's `destination` along the meridian, by bisection on the Vincenty distance. */
export function displace(kind: StationKind, lat: number, bearing: 0 | 180, factor: number): number {
  const metres = (MAX_STATION_DISTANCE[kind] + 10) * factor;
  let lo = 0;
  let hi = 2;
  for (let i = 0; i < 80; i++) {
    const mid = (lo + hi) / 2;
    if (distance(lat, GB_LON, lat + (bearing === 0 ? mid : -mid), GB_LON) < metres) lo = mid;
    else hi = mid;
  }
  return lat + (bearing === 0 ? lo : -lo);
}

/** `make_obs`: centre, north and south, displaced by (type limit + 10 m) × factor. */
export function makeObs(kind: StationKind, source: PositionSource, factor = 0): ObsSpec[] {
  return [
    obs(kind, { source }),
    obs(kind, { source, lat: displace(kind, GB_LAT, 0, factor) }),
    obs(kind, { source, lat: displace(kind, GB_LAT, 180, factor) }),
  ];
}

/** Whole seconds, as DATETIME(0) keeps them, `days` before now. */
export const daysAgo = (days: number): Date => wholeSeconds(new Date(Date.now() - days * DAY_MS));
export const dayOffset = (days: number): string => addDays(today(), days);

/**
 * The factory station: samples 1, weight 1.0, radius 50, source gnss, region GB, created,
 * modified and seen now; cells carry their position as their box, Wi-Fi and Bluetooth no box.
 */
export function stationRow(kind: StationKind, id: StationId, over: Partial<StationRow> = {}): StationRow {
  const now = daysAgo(0);
  const lat = over.lat === undefined ? GB_LAT : over.lat;
  const lon = over.lon === undefined ? GB_LON : over.lon;
  const box = kind === "cell" && lat !== null && lon !== null
    ? { maxLat: lat, minLat: lat, maxLon: lon, minLon: lon }
    : { maxLat: null, minLat: null, maxLon: null, minLon: null };
  const cell = kind === "cell" ? { psc: null } : {};
  return {
    lat: GB_LAT, lon: GB_LON, ...box, radius: 50, region: "GB", samples: 1, source: SOURCE_CODES.gnss, weight: 1.0,
    created: now, modified: now, lastSeen: today(), blockFirst: null, blockLast: null, blockCount: null,
    ...cell, ...id, ...over,
  } as StationRow;
}

export function tableOf(kind: StationKind, id: StationId): string {
  return "mac" in id ? stationTable(kind, macShard(id.mac)) : stationTable("cell", id.radio);
}

function idBytes(id: StationId): Buffer {
  return "mac" in id ? macToBytes(id.mac) : encodeCellId(id);
}

/** Existing stations, written by the projectors' own upsert (rows may belong to different shard tables). */
export async function insertStations(pool: Pool, kind: StationKind, rows: readonly StationRow[]): Promise<void> {
  const conn = await pool.getConnection();
  try {
    for (const row of rows) {
      const id = row as unknown as StationId;
      await upsertStations(conn, kind, tableOf(kind, id), [{ row, id: idBytes(id) }]);
    }
  } finally {
    conn.release();
  }
}

export async function loadStation(pool: Pool, kind: StationKind, id: StationId): Promise<StationRow | undefined> {
  const rows = await loadAllStations(pool, kind, tableOf(kind, id));
  const key = idBytes(id).toString("hex");
  return rows.find((r) => idBytes(r as unknown as StationId).toString("hex") === key);
}

/** One v2 geosubmit report per observation, each with one network entry for the station. */
export function reportsFor(kind: StationKind, id: StationId, specs: readonly ObsSpec[]): Record<string, unknown>[] {
  return specs.map((o) => {
    const position: Record<string, unknown> = { latitude: o.lat, longitude: o.lon };
    if (o.accuracy !== undefined) position.accuracy = o.accuracy;
    if (o.speed !== undefined) position.speed = o.speed;
    if (o.source !== undefined) position.source = o.source;
    const seen: Record<string, unknown> = {};
    if (o.signal !== undefined) seen.signalStrength = o.signal;
    if (o.age !== undefined) seen.age = o.age;
    if ("mac" in id) {
      const list = kind === "wifi" ? "wifiAccessPoints" : "bluetoothBeacons";
      return { position, [list]: [{ macAddress: id.mac, ...seen }] };
    }
    const tower = {
      radioType: id.radio, mobileCountryCode: id.mcc, mobileNetworkCode: id.mnc, locationAreaCode: id.lac, cellId: id.cid, ...seen,
    };
    return { position, cellTowers: [tower] };
  });
}
