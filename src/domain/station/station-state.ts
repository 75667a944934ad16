/**
 * The station updater's decision (SPEC §4.8 step 3, Ichnaea's `StationState.transition`): the
 * station's state against the chosen observations, and the transition table.
 */
import { distance } from "../../geo/distance.ts";
import type { StationKind } from "../observation/types.ts";
import { agreementLimit, type WeightedObservation } from "./observation-summary.ts";
import { addDays, utcDay } from "./station-days.ts";
import { SOURCE_CODES, type StationFields } from "./station-row.ts";

export type StationState =
  | "none"
  | "no_position"
  | "agree_gnss_position"
  | "agree_query_position"
  | "disagree_position"
  | "disagree_old_position";

export type ObservationGroup = "gnss" | "query";
export type ObservationState = `${ObservationGroup}_${"consistent" | "inconsistent"}`;
export type Transition = "new" | "new_block" | "change" | "replace" | "confirm" | "block";

/** A position last modified longer ago than this may be replaced instead of blocked. */
const MAX_OLD_DAYS = 365;

// `null` = leave the station alone (no_position with inconsistent observations).
const TRANSITIONS: Readonly<Record<StationState, Readonly<Record<ObservationState, Transition | null>>>> = {
  none: { gnss_consistent: "new", query_consistent: "new", gnss_inconsistent: "new_block", query_inconsistent: "new_block" },
  no_position: { gnss_consistent: "change", query_consistent: "change", gnss_inconsistent: null, query_inconsistent: null },
  agree_gnss_position: { gnss_consistent: "change", query_consistent: "confirm", gnss_inconsistent: "block", query_inconsistent: "block" },
  agree_query_position: { gnss_consistent: "replace", query_consistent: "change", gnss_inconsistent: "block", query_inconsistent: "block" },
  disagree_position: { gnss_consistent: "block", query_consistent: "block", gnss_inconsistent: "block", query_inconsistent: "block" },
  disagree_old_position: { gnss_consistent: "replace", query_consistent: "replace", gnss_inconsistent: "block", query_inconsistent: "block" },
};

const OBSERVATION_STATES: Readonly<Record<ObservationGroup, readonly [ObservationState, ObservationState]>> = {
  gnss: ["gnss_inconsistent", "gnss_consistent"],
  query: ["query_inconsistent", "query_consistent"],
};

export function observationState(group: ObservationGroup, consistent: boolean): ObservationState {
  return OBSERVATION_STATES[group][consistent ? 1 : 0];
}

export function decideTransition(station: StationState, observations: ObservationState): Transition | null {
  return TRANSITIONS[station][observations];
}

/** Every chosen observation lies within reach of the station (observation-summary.ts). */
function agrees(kind: StationKind, lat: number, lon: number, radius: number | null, group: readonly WeightedObservation[]): boolean {
  const limit = agreementLimit(kind, radius);
  return group.every(({ obs }) => distance(obs.lat, obs.lon, lat, lon) <= limit);
}

export function classifyStation(
  kind: StationKind,
  station: StationFields | undefined,
  group: readonly WeightedObservation[],
  today: string,
): StationState {
  if (station === undefined) return "none";
  if (station.lat === null || station.lon === null) return "no_position";
  if (agrees(kind, station.lat, station.lon, station.radius, group)) {
    // A null source counts as gnss: Ichnaea only tests `source is query`.
    return station.source === SOURCE_CODES.query ? "agree_query_position" : "agree_gnss_position";
  }
  const old = station.modified !== null && utcDay(station.modified) < addDays(today, -MAX_OLD_DAYS);
  return old ? "disagree_old_position" : "disagree_position";
}
