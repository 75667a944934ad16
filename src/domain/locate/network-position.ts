/**
 * Internal Wi-Fi and Bluetooth positions (SPEC §3.6): the stations the database found for a
 * query's networks become clusters of nearby networks, and each cluster with at least two
 * members becomes one position result. Pure: the caller loads the stations and passes `now`.
 */
import { roundHalfEven } from "../../geo/round.ts";
import { isStationBlocked } from "../station/blocking.ts";
import { utcDay } from "../station/station-days.ts";
import type { LocateMacStation } from "../station/station-row.ts";
import { clusterNetworks } from "./cluster-networks.ts";
import { refinePosition } from "./refine-position.ts";
import type { PositionResult } from "./result.ts";
import { stationScore } from "./score.ts";

export type MacKind = "wifi" | "blue";

/** A validated Bluetooth or Wi-Fi lookup (lookups.ts), as far as the estimate reads it. */
export interface MacLookup {
  readonly mac: string;
  readonly age?: number;
  readonly signal?: number;
}

interface KindSettings {
  /** Metres; no two networks of one cluster are farther apart. */
  readonly maxDistance: number;
  readonly maxNetworks: number;
  readonly minAccuracy: number;
  readonly maxAccuracy: number;
  readonly defaultSignal: number;
}

const SETTINGS: Readonly<Record<MacKind, KindSettings>> = {
  wifi: { maxDistance: 500, maxNetworks: 20, minAccuracy: 10, maxAccuracy: 500, defaultSignal: -100 },
  blue: { maxDistance: 100, maxNetworks: 10, minAccuracy: 10, maxAccuracy: 50, defaultSignal: -127 },
};

interface Network {
  readonly mac: string;
  readonly lat: number;
  readonly lon: number;
  readonly age: number;
  readonly signal: number;
  readonly score: number;
  readonly seenToday: boolean;
}

function toNetworks(lookups: readonly MacLookup[], stations: readonly LocateMacStation[], now: Date, settings: KindSettings): Network[] {
  const today = utcDay(now);
  // A MAC listed twice keeps its last observation, as Ichnaea's dict of lookups does.
  const observed = new Map(lookups.map((l) => [l.mac, l]));
  const networks: Network[] = [];
  for (const station of stations) {
    const lookup = observed.get(station.mac);
    if (!lookup || station.lat === null || station.lon === null || isStationBlocked(station, today)) continue;
    networks.push({
      mac: station.mac,
      lat: station.lat,
      lon: station.lon,
      // Python's `or`: a missing or zero age/signal takes the default.
      age: Math.max(Math.abs(lookup.age || 0), 1000),
      signal: lookup.signal || settings.defaultSignal,
      score: stationScore(station, now),
      seenToday: station.lastSeen !== null && station.lastSeen >= today,
    });
  }
  return networks;
}

function clusterPosition(kind: MacKind, cluster: readonly Network[], settings: KindSettings): PositionResult {
  // Deliberate fix of SPEC §9.1 (DESIGN §7): Ichnaea sorts ascending and so positions from its
  // *lowest*-scoring networks; Ichnos uses the highest-scoring ones (stable on ties).
  const sample = [...cluster].sort((a, b) => b.score - a.score).slice(0, settings.maxNetworks);
  const position = refinePosition(sample, settings.minAccuracy);
  return {
    lat: roundHalfEven(position.lat, 7),
    lon: roundHalfEven(position.lon, 7),
    accuracy: roundHalfEven(Math.min(position.accuracy, settings.maxAccuracy), 7),
    // Every member counts towards the score, not only the sample.
    score: cluster.reduce((sum, n) => sum + n.score, 0),
    source: "internal",
    fallback: null,
    usedNetworks: sample.map((n) => ({ type: kind, id: n.mac, seenToday: n.seenToday })),
  };
}

/**
 * One result per cluster of at least two found, unblocked, positioned networks, ordered by each
 * cluster's first station; the combiner (SPEC §3.5) picks among them.
 */
export function locateByNetworks(
  kind: MacKind,
  lookups: readonly MacLookup[],
  stations: readonly LocateMacStation[],
  now: Date,
): PositionResult[] {
  const settings = SETTINGS[kind];
  const networks = toNetworks(lookups, stations, now, settings);
  return clusterNetworks(networks, settings.maxDistance).map((cluster) => clusterPosition(kind, cluster, settings));
}
