/**
 * Internal cell and cell-area positions (SPEC §3.7). Pure: the caller loads the cells of the
 * query's cell lookups (`cell_gsm` … `cell_nr`) or the areas of its area lookups (`cell_area`,
 * `cell_area_nr`) and passes the rows in; blocked and unpositioned rows are dropped here.
 */
import type { StationRadio } from "../observation/types.ts";
import { areaKey, cellKey } from "../observation/cell-id.ts";
import { isStationBlocked } from "../station/blocking.ts";
import { utcDay } from "../station/station-days.ts";
import type { LocateCellStation } from "../station/station-row.ts";
import { positionResult } from "./combine-results.ts";
import { calibratedAccuracy } from "./accuracy-model.ts";
import { signalCentre } from "./signal-centre.ts";
import type { AreaLookup, CellLookup } from "./lookups.ts";
import type { PositionResult } from "./result.ts";
import { areaScore, type ScoredArea, stationScore } from "./score.ts";

/** What the position needs of a query's cell lookup (SPEC §3.2): its id, signal and age. */
export type CellLookupFields = Pick<CellLookup, "radio" | "mcc" | "mnc" | "lac" | "cid" | "signal" | "age">;
export type AreaLookupFields = Pick<AreaLookup, "radio" | "mcc" | "mnc" | "lac">;

/** A `cell_area`/`cell_area_nr` row with what the position and the area score need. */
export interface LocateArea extends ScoredArea {
  readonly radio: StationRadio;
  readonly mcc: number;
  readonly mnc: number;
  readonly lac: number;
  readonly lat: number | null;
  readonly lon: number | null;
  readonly region: string | null;
}

/** SPEC §3.7 accuracy bounds in metres (the same for every radio), for a lone cell and an area. */
export const LONE_CELL_ACCURACY = { min: 1000, max: 50_000 } as const;
export const AREA_ACCURACY = { min: 50_000, max: 500_000 } as const;

/**
 * SPEC §3.7: a missing signal counts as the radio's weakest. NR has no Ichnaea value; its
 * SS-RSRP floor is −140 dBm, like LTE's RSRP (DESIGN §7).
 */
export const DEFAULT_CELL_SIGNAL: Readonly<Record<StationRadio, number>> = { gsm: -113, wcdma: -121, lte: -140, nr: -140 };

/** SPEC §3.6/§3.7: ages below one second weigh like one second. */
const MIN_AGE_MS = 1000;

const clamp = (value: number, b: { readonly min: number; readonly max: number }): number =>
  Math.min(Math.max(value, b.min), b.max);

interface Network {
  readonly lat: number;
  readonly lon: number;
  readonly radius: number;
  readonly samples: number;
  readonly score: number;
  /** ms, at least one second; dBm, defaulted to the radio's weakest. */
  readonly age: number;
  readonly signal: number;
  readonly id: string;
  readonly area: string;
  readonly seenToday: boolean;
}

/**
 * One area's position (SPEC §3.7 step 1, with Ichnos's estimate and accuracy): the cells'
 * power-weighted centre (signal-centre.ts) and the calibrated 95% radius (accuracy-model.ts).
 * Ichnaea places a lone cell at its own position with its radius as accuracy, and a group at
 * its 1/dBm²-weighted centre with the 95th percentile distance to the cells, both at least 1 km.
 */
function aggregate(group: readonly Network[]): { lat: number; lon: number; accuracy: number; score: number } {
  const [only] = group;
  // A lone cell keeps Ichnaea's answer: its position, and its radius as accuracy. The simulator
  // always hears several cells, so the model is not fitted for one.
  if (group.length === 1 && only) return { lat: only.lat, lon: only.lon, accuracy: clamp(only.radius, LONE_CELL_ACCURACY), score: only.score };
  const centre = signalCentre(group, 10);
  return {
    lat: centre.lat, lon: centre.lon, accuracy: calibratedAccuracy("cell", centre),
    score: group.reduce((s, n) => s + n.score, 0),
  };
}

type Positioned<T> = T & { readonly lat: number; readonly lon: number };
const isPositioned = <T extends { lat: number | null; lon: number | null }>(row: T): row is Positioned<T> =>
  row.lat !== null && row.lon !== null;

function cellNetworks(lookups: readonly CellLookupFields[], cells: readonly LocateCellStation[], now: Date): Network[] {
  const today = utcDay(now);
  const byKey = new Map(lookups.map((l) => [cellKey(l), l]));
  return cells
    .filter(isPositioned)
    .filter((c) => !isStationBlocked(c, today))
    .map((c) => {
      const score = stationScore(c, now);
      const id = cellKey(c);
      const lookup = byKey.get(id);
      const age = Math.max(Math.abs(lookup?.age ?? 0), MIN_AGE_MS);
      const signal = lookup?.signal ?? DEFAULT_CELL_SIGNAL[c.radio];
      const seenToday = (c.lastSeen ?? "") >= today;
      return { lat: c.lat, lon: c.lon, radius: c.radius ?? 0, samples: c.samples ?? 1, score, age, signal, id, area: areaKey(c), seenToday };
    });
}

/**
 * SPEC §3.7 step 1: the found cells grouped by area, each group one result (no distance test).
 * An empty answer means the caller goes on to `locateByAreas`.
 */
export function locateByCells(lookups: readonly CellLookupFields[], cells: readonly LocateCellStation[], now: Date): PositionResult[] {
  const groups = new Map<string, Network[]>();
  for (const n of cellNetworks(lookups, cells, now)) {
    const group = groups.get(n.area);
    if (group) group.push(n);
    else groups.set(n.area, [n]);
  }
  return [...groups.values()].map((group) =>
    positionResult({
      ...aggregate(group),
      source: "internal",
      fallback: null,
      usedNetworks: group.map((n) => ({ type: "cell", id: n.id, seenToday: n.seenToday })),
    }),
  );
}

/**
 * SPEC §3.7 step 2: each found area is its own result, tagged `lacf`. Only used when no cell
 * result exists. Only the areas of the lookups count; an area's signal weight never matters, as
 * it is alone in its cluster.
 */
export function locateByAreas(lookups: readonly AreaLookupFields[], areas: readonly LocateArea[], now: Date): PositionResult[] {
  const today = utcDay(now);
  const wanted = new Set(lookups.map((l) => areaKey(l)));
  return areas.filter(isPositioned).filter((a) => wanted.has(areaKey(a))).map((a) =>
    positionResult({
      lat: a.lat,
      lon: a.lon,
      accuracy: clamp(a.radius ?? 0, AREA_ACCURACY),
      score: areaScore(a, now),
      source: "internal",
      fallback: "lacf",
      usedNetworks: [{ type: "area", id: areaKey(a), seenToday: (a.lastSeen ?? "") >= today }],
    }),
  );
}
