/**
 * Moved Wi-Fi access points and Bluetooth beacons (a difference from Ichnaea, README "Differences
 * from Ichnaea"). Ichnaea merges every observation within 5 km of a Wi-Fi station, so an access
 * point moved a few hundred metres is averaged across the move. Here an observation farther from
 * the stored centre than a static station is heard (300 m for Wi-Fi, 150 m for Bluetooth), from
 * a fix that claims to be good to 50 m (30 m), is displaced: it is kept apart from the station's
 * history, as a candidate position.
 * `RELOCATE_AFTER` displaced observations that agree with each other, with no observation close
 * to the stored centre in between, relocate the station to the candidate (a `replace`). An
 * observation close to the stored centre (100 m, 50 m) clears the candidate: the station is
 * still there. Observations in between merge as before.
 *
 * Signal strength was measured and does not help: in the simulator's city, observations at
 * −70 dBm or more still come from up to 226 m away, and a moved access point is heard strongly by
 * few passers-by.
 */
import { circleRadius } from "../../geo/bbox.ts";
import { distance } from "../../geo/distance.ts";
import { roundHalfEven } from "../../geo/round.ts";
import type { StationKind } from "../observation/types.ts";
import { MAX_SAMPLES, MAX_WEIGHT, type PositionSummary, type WeightedObservation } from "./observation-summary.ts";

/** The candidate position a station's displaced observations point to (columns move_*). */
export interface MoveCandidate {
  readonly lat: number;
  readonly lon: number;
  readonly weight: number;
  readonly samples: number;
}

interface WatchLimits {
  /** An observation farther than this from the stored centre is displaced (metres). */
  readonly displacedM: number;
  /**
   * Only an observation whose fix claims this accuracy or better (metres; none claimed counts as
   * good, as for its weight) can be displaced: a fix 150 m uncertain and 300 m off says nothing
   * about a move, and a candidate keeps the station out of locate until it is heard at its place.
   */
  readonly maxAccuracy: number;
  /** An observation within this of the stored centre anchors the station there. */
  readonly anchoredM: number;
  /** Displaced observations farther than this from the candidate start a new one. */
  readonly candidateM: number;
}

/**
 * Measured on `npm run bench:quality` (QUALITY.md): access points are heard up to 264 m from
 * where they stand, beacons up to 130 m, and a static station's stored centre is rarely more than
 * a few tens of metres off. A candidate spans what one station can be heard across.
 */
export const MOVE_WATCH: Readonly<Record<"wifi" | "blue", WatchLimits>> = {
  wifi: { displacedM: 300, maxAccuracy: 50, anchoredM: 100, candidateM: 500 },
  blue: { displacedM: 150, maxAccuracy: 30, anchoredM: 50, candidateM: 240 },
};

/** Displaced observations, in one batch or several, that relocate a station. */
export const RELOCATE_AFTER = 3;

export interface WatchedBatch {
  /** The observations that merge into the station as before (every one not displaced). */
  readonly kept: readonly WeightedObservation[];
  /** The candidate after this batch, or null (none, or cleared by an anchoring observation). */
  readonly candidate: MoveCandidate | null;
  /** The position to relocate the station to, when the candidate has enough observations. */
  readonly relocation: PositionSummary | null;
}

export const watchesMoves = (kind: StationKind): kind is "wifi" | "blue" => kind !== "cell";

function weightedCentre(points: readonly { lat: number; lon: number; weight: number }[]): { lat: number; lon: number; weight: number } {
  // Offsets from the first point, as in summariseObservations: one point gives itself exactly.
  const lat0 = points[0]!.lat, lon0 = points[0]!.lon;
  let lat = 0, lon = 0, weight = 0;
  for (const p of points) {
    lat += (p.lat - lat0) * p.weight;
    lon += (p.lon - lon0) * p.weight;
    weight += p.weight;
  }
  return { lat: lat0 + lat / weight, lon: lon0 + lon / weight, weight };
}

/** Where the relocated station stands: the candidate's centre, its box that of the displaced observations. */
function relocation(candidate: MoveCandidate, displaced: readonly WeightedObservation[]): PositionSummary {
  let minLat = candidate.lat, maxLat = candidate.lat, minLon = candidate.lon, maxLon = candidate.lon;
  for (const { obs } of displaced) {
    minLat = Math.min(minLat, obs.lat);
    maxLat = Math.max(maxLat, obs.lat);
    minLon = Math.min(minLon, obs.lon);
    maxLon = Math.max(maxLon, obs.lon);
  }
  return {
    lat: candidate.lat, lon: candidate.lon, minLat, maxLat, minLon, maxLon,
    radius: roundHalfEven(circleRadius(candidate.lat, candidate.lon, { minLat, minLon, maxLat, maxLon })),
    samples: Math.min(candidate.samples, MAX_SAMPLES),
    weight: Math.min(candidate.weight, MAX_WEIGHT),
  };
}

/** One batch's observations of a positioned station against its stored centre and candidate. */
export function watchBatch(
  kind: "wifi" | "blue",
  centre: { readonly lat: number; readonly lon: number },
  candidate: MoveCandidate | null,
  group: readonly WeightedObservation[],
): WatchedBatch {
  const limits = MOVE_WATCH[kind];
  const kept: WeightedObservation[] = [];
  const displaced: WeightedObservation[] = [];
  let anchored = false;
  for (const item of group) {
    const d = distance(item.obs.lat, item.obs.lon, centre.lat, centre.lon);
    if (d > limits.displacedM && Math.abs(item.obs.accuracy ?? 0) <= limits.maxAccuracy) displaced.push(item);
    else {
      kept.push(item);
      if (d <= limits.anchoredM) anchored = true;
    }
  }
  // Heard where it is stored: it has not moved, and the displaced observations of the batch were
  // something else (a shared MAC, a bad fix); they are dropped rather than averaged in.
  if (anchored) return { kept, candidate: null, relocation: null };
  if (displaced.length === 0) return { kept, candidate, relocation: null };
  const here = weightedCentre(displaced.map(({ obs, weight }) => ({ lat: obs.lat, lon: obs.lon, weight })));
  const spread = Math.max(...displaced.map(({ obs }) => distance(obs.lat, obs.lon, here.lat, here.lon)));
  if (spread > limits.candidateM) return { kept, candidate, relocation: null };
  const continues = candidate !== null && distance(candidate.lat, candidate.lon, here.lat, here.lon) <= limits.candidateM;
  const merged = continues
    ? { ...weightedCentre([{ lat: candidate.lat, lon: candidate.lon, weight: candidate.weight }, here]), samples: candidate.samples + displaced.length }
    : { ...here, samples: displaced.length };
  const next: MoveCandidate = { lat: merged.lat, lon: merged.lon, weight: merged.weight, samples: merged.samples };
  if (next.samples >= RELOCATE_AFTER) return { kept, candidate: null, relocation: relocation(next, displaced) };
  return { kept, candidate: next, relocation: null };
}
