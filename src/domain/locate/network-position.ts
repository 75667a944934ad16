/**
 * Internal Wi-Fi and Bluetooth positions (SPEC §3.6): the stations the database found for a
 * query's networks become clusters of nearby networks, and each cluster with at least two
 * members becomes one position result, placed at the signal-weighted centre of its strongest
 * networks (signal-centre.ts) with a calibrated accuracy (accuracy-model.ts). Pure: the caller
 * loads the stations and passes `now`.
 */
import { distance } from "../../geo/distance.ts";
import { roundHalfEven } from "../../geo/round.ts";
import { isStationBlocked } from "../station/blocking.ts";
import { utcDay } from "../station/station-days.ts";
import type { LocateMacStation } from "../station/station-row.ts";
import { clusterNetworks } from "./cluster-networks.ts";
import { calibratedAccuracy } from "./accuracy-model.ts";
import { type SampleNetwork, signalCentre } from "./signal-centre.ts";
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
  readonly defaultSignal: number;
  /**
   * Metres: a station whose stored radius is larger cannot place anyone (it was heard from
   * places farther apart than the type reaches, or merged across a move) and is not used.
   * A difference from Ichnaea: static access points of `npm run bench:quality` reach radii of
   * up to 430 m, Bluetooth beacons up to 190 m.
   */
  readonly maxRadius: number;
  /** Metres: a station this far from the centre of the others is left out (signal-centre.ts). */
  readonly outlierDistance: number;
}

const SETTINGS: Readonly<Record<MacKind, KindSettings>> = {
  wifi: { maxDistance: 500, maxNetworks: 40, defaultSignal: -100, maxRadius: 500, outlierDistance: 300 },
  blue: { maxDistance: 100, maxNetworks: 10, defaultSignal: -127, maxRadius: 200, outlierDistance: 100 },
};

interface Network extends SampleNetwork {
  readonly mac: string;
  readonly seenToday: boolean;
  /** Placed at its move candidate rather than its stored position (a second copy of the station). */
  readonly atCandidate: boolean;
}

function toNetworks(lookups: readonly MacLookup[], stations: readonly LocateMacStation[], now: Date, settings: KindSettings): Network[] {
  const today = utcDay(now);
  // A MAC listed twice keeps its last observation, as Ichnaea's dict of lookups does.
  const observed = new Map(lookups.map((l) => [l.mac, l]));
  const networks: Network[] = [];
  for (const station of stations) {
    const lookup = observed.get(station.mac);
    if (!lookup || station.lat === null || station.lon === null || isStationBlocked(station, today)) continue;
    if ((station.radius ?? 0) > settings.maxRadius) continue;
    const stored: Network = {
      mac: station.mac,
      lat: station.lat,
      lon: station.lon,
      // Python's `or`: a missing or zero age/signal takes the default.
      age: Math.max(Math.abs(lookup.age || 0), 1000),
      signal: lookup.signal || settings.defaultSignal,
      score: stationScore(station, now),
      radius: station.radius ?? 0,
      samples: station.samples ?? 1,
      seenToday: station.lastSeen !== null && station.lastSeen >= today,
      atCandidate: false,
    };
    networks.push(stored);
    // Heard far from its place since it was last heard there (move-watch.ts): it stands either
    // where it was stored or where the candidate says, and the query's other networks decide
    // (oneCopyPerStation). Leaving it out instead lost answers: a static access point heard once
    // from 300 m away was unusable until heard near its place again.
    const candidate = station.move;
    if (candidate) {
      networks.push({
        ...stored, lat: candidate.lat, lon: candidate.lon, samples: candidate.samples, atCandidate: true,
        score: stationScore({ ...station, samples: candidate.samples }, now),
      });
    }
  }
  return networks;
}

/**
 * A cluster holding both places of a station keeps the one nearer to the centre of the cluster's
 * other stations; with no other station to tell, the stored one. Null when fewer than two
 * stations remain: two places of one station are still one network.
 */
function oneCopyPerStation(cluster: readonly Network[]): Network[] | null {
  const count = new Map<string, number>();
  for (const n of cluster) count.set(n.mac, (count.get(n.mac) ?? 0) + 1);
  if (count.size < 2) return null;
  if (count.size === cluster.length) return [...cluster];
  const others = cluster.filter((n) => count.get(n.mac) === 1);
  const lat = others.reduce((sum, n) => sum + n.lat, 0) / others.length;
  const lon = others.reduce((sum, n) => sum + n.lon, 0) / others.length;
  const keep = (n: Network): boolean => {
    if (count.get(n.mac) === 1) return true;
    if (others.length === 0) return !n.atCandidate;
    const twin = cluster.find((m) => m.mac === n.mac && m !== n)!;
    const mine = distance(lat, lon, n.lat, n.lon);
    const theirs = distance(lat, lon, twin.lat, twin.lon);
    return mine < theirs || (mine === theirs && !n.atCandidate);
  };
  return cluster.filter(keep);
}

function clusterPosition(kind: MacKind, cluster: readonly Network[], settings: KindSettings): PositionResult {
  // Deliberate fix of SPEC §9.1 (DESIGN §7): Ichnaea sorts ascending and so positions from its
  // *lowest*-scoring networks. Ichnos uses the strongest: the nearest stations say the most
  // about where the phone is (by signal, then score; stable on ties).
  const sample = [...cluster].sort((a, b) => b.signal - a.signal || b.score - a.score).slice(0, settings.maxNetworks);
  const position = signalCentre(sample, 20, settings.outlierDistance);
  return {
    lat: roundHalfEven(position.lat, 7),
    lon: roundHalfEven(position.lon, 7),
    accuracy: roundHalfEven(calibratedAccuracy(kind, position), 7),
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
  return clusterNetworks(networks, settings.maxDistance)
    .map(oneCopyPerStation)
    .filter((cluster) => cluster !== null)
    .map((cluster) => clusterPosition(kind, cluster, settings));
}
