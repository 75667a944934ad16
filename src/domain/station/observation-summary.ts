/**
 * What a group of observations says about one station (SPEC §4.8 step 3, Ichnaea's
 * `aggregate_obs` / `aggregate_station_obs`): whether they are consistent, and the position,
 * bounding box, radius, samples and weight they give alone or merged into the station's history.
 */
import { circleRadius } from "../../geo/bbox.ts";
import { distance } from "../../geo/distance.ts";
import { roundHalfEven } from "../../geo/round.ts";
import type { Observation, StationKind } from "../observation/types.ts";
import type { StationFields } from "./station-row.ts";

/**
 * Observations of one batch further apart than this (bbox diagonal, metres) are inconsistent
 * (§4.8). A difference from Ichnaea (blue 100, wifi 5,000 m; README "Differences from Ichnaea"):
 * a beacon is heard 100–150 m away, so two passers-by on either side see it 200–300 m apart and
 * Ichnaea blocked half the static beacons of `npm run bench:quality`; an access point heard at
 * places 2 km apart within one batch is two things, not one.
 */
export const MAX_STATION_DISTANCE: Readonly<Record<StationKind, number>> = { blue: 300, wifi: 2000, cell: 100000 };
/** Column limits: `samples` is int unsigned; `weight` is capped by Ichnaea to keep it bounded. */
export const MAX_SAMPLES = 4_294_967_295;
export const MAX_WEIGHT = 1e9;
/** A station's history counts at most this much against new observations in `change`. */
export const MAX_OLD_WEIGHT = 10000;

/**
 * When an observation agrees with a stored station: it lies within `reach` of the station, whose
 * own position is known to about its radius, counted up to `radiusAllowance`. Farther, the
 * station has moved (or its MAC is shared) and it is blocked rather than averaged across the
 * move. Ichnaea allows the type limit (5 km for Wi-Fi), so an access point moved 2 km was merged
 * with its old place and placed queries a kilometre off. The allowance is bounded because a
 * merge grows the radius. Cells keep Ichnaea's limit: a cell is heard over kilometres and rarely
 * moves.
 *
 * The limits are generous on purpose: a static station must never be blocked because its
 * stored centre leans to one side. Access points are heard up to a few hundred metres away, and
 * tighter limits (400 m + radius up to 150 m) blocked wide-area stations depending on which
 * observations happened to share a batch. Moves shorter than the limit are not caught here; the
 * merged station's radius then grows past what locate uses (network-position.ts maxRadius), so
 * it stops placing anyone (QUALITY.md counts both).
 */
export const STATION_REACH: Readonly<Record<StationKind, { readonly reach: number; readonly radiusAllowance: number }>> = {
  blue: { reach: 300, radiusAllowance: 100 },
  wifi: { reach: 1000, radiusAllowance: 500 },
  cell: { reach: 100000, radiusAllowance: 0 },
};

/** The farthest an agreeing observation may be from a stored station's centre (metres). */
export function agreementLimit(kind: StationKind, radius: number | null): number {
  const { reach, radiusAllowance } = STATION_REACH[kind];
  return Math.min(Math.max(radius ?? 0, 0), radiusAllowance) + reach;
}

export interface WeightedObservation {
  readonly obs: Observation;
  readonly weight: number;
}

/** Position data without the region: reverse geocoding is costly and only some effects need it. */
export interface PositionSummary {
  readonly lat: number;
  readonly lon: number;
  readonly maxLat: number;
  readonly minLat: number;
  readonly maxLon: number;
  readonly minLon: number;
  readonly radius: number;
  readonly samples: number;
  readonly weight: number;
}

/** The observations' own summary (`obs_data`), or null when they are inconsistent. */
export function summariseObservations(kind: StationKind, group: readonly WeightedObservation[]): PositionSummary | null {
  let minLat = Infinity, minLon = Infinity, maxLat = -Infinity, maxLon = -Infinity;
  // Summed as offsets from the first observation: with power weights (10^(dBm/10)) lat·w/w is
  // not always lat again, and one observation must give exactly its own position.
  const lat0 = group[0]?.obs.lat ?? 0;
  const lon0 = group[0]?.obs.lon ?? 0;
  let latSum = 0, lonSum = 0, weightSum = 0;
  for (const { obs, weight } of group) {
    if (obs.lat < minLat) minLat = obs.lat;
    if (obs.lat > maxLat) maxLat = obs.lat;
    if (obs.lon < minLon) minLon = obs.lon;
    if (obs.lon > maxLon) maxLon = obs.lon;
    latSum += (obs.lat - lat0) * weight;
    lonSum += (obs.lon - lon0) * weight;
    weightSum += weight;
  }
  if (group.length === 0 || distance(minLat, minLon, maxLat, maxLon) > MAX_STATION_DISTANCE[kind]) return null;
  const lat = lat0 + latSum / weightSum;
  const lon = lon0 + lonSum / weightSum;
  const radius = roundHalfEven(circleRadius(lat, lon, { minLat, minLon, maxLat, maxLon }));
  return {
    lat, lon, maxLat, minLat, maxLon, minLon, radius,
    samples: Math.min(group.length, MAX_SAMPLES),
    weight: Math.min(weightSum, MAX_WEIGHT),
  };
}

// numpy's nanmin/nanmax over the observations' box and the station's centre and box corners.
function mergedBox(data: PositionSummary, st: StationFields) {
  const lats = [st.lat, st.maxLat, st.minLat].filter((v): v is number => v !== null);
  const lons = [st.lon, st.maxLon, st.minLon].filter((v): v is number => v !== null);
  return {
    minLat: Math.min(data.minLat, ...lats),
    maxLat: Math.max(data.maxLat, ...lats),
    minLon: Math.min(data.minLon, ...lons),
    maxLon: Math.max(data.maxLon, ...lons),
  };
}

/**
 * `obs_data` folded into the station's history (the `change` effect): weighted centre with the
 * old weight capped, box grown to include the old centre and box. Ichnaea does not re-check
 * consistency here, so repeated changes can grow the box beyond the type limit (§5.8).
 */
export function mergeIntoStation(data: PositionSummary, st: StationFields): PositionSummary {
  const oldWeight = st.lat === null || st.lon === null ? 0 : Math.min(st.weight ?? 0, MAX_OLD_WEIGHT);
  const lat = (data.lat * data.weight + (st.lat ?? 0) * oldWeight) / (data.weight + oldWeight);
  const lon = (data.lon * data.weight + (st.lon ?? 0) * oldWeight) / (data.weight + oldWeight);
  const box = mergedBox(data, st);
  return {
    lat, lon, ...box,
    radius: roundHalfEven(circleRadius(lat, lon, box)),
    samples: Math.min((st.samples ?? 0) + data.samples, MAX_SAMPLES),
    weight: Math.min((st.weight ?? 0) + data.weight, MAX_WEIGHT),
  };
}
