/**
 * The internal region search (SPEC §3.11): which region the query's networks are in, from the
 * regions of the found Bluetooth and WiFi stations and the MCCs of the cells. Pure: the caller
 * loads the stations and, for cells with an ambiguous MCC, the areas `ambiguousAreaLookups`
 * names.
 */
import type { RegionLookup } from "../../geo/region-lookup.ts";
import { areaKey } from "../observation/cell-id.ts";
import { isStationBlocked } from "../station/blocking.ts";
import { utcDay } from "../station/station-days.ts";
import type { LocateFields } from "../station/station-row.ts";
import type { AreaLookupFields as AreaLookup, LocateArea } from "./cell-position.ts";
import { regionResult } from "./combine-results.ts";
import type { RegionResult } from "./result.ts";
import { areaScore, stationScore } from "./score.ts";

type Regions = Pick<RegionLookup, "maxRadius" | "mccRegions">;

export interface RegionSearchInput {
  /** Found Bluetooth stations (blocked and unpositioned ones are dropped here). */
  readonly blue: readonly LocateFields[];
  readonly wifi: readonly LocateFields[];
  /** The query's validated cell lookups (a CellLookup fits). */
  readonly cells: readonly AreaLookup[];
  /** The query's area lookups; empty when `lacf` is off (SPEC §3.2). */
  readonly areas: readonly AreaLookup[];
  /** The loaded `cell_area` rows of `ambiguousAreaLookups(cells, areas)`. */
  readonly ambiguousAreas: readonly LocateArea[];
}

const DISPLAY_NAMES = new Intl.DisplayNames(["en"], { type: "region", fallback: "code" });
/** GENC codes CLDR does not know (the only two in the region data, SPEC §3.2.1, §4.11). */
const GENC_NAMES: Readonly<Record<string, string>> = { XR: "Svalbard", XW: "West Bank" };

/**
 * The English name of a region code. Ichnaea takes GENC's names; CLDR's agree for the names the
 * SPEC quotes (United Kingdom, Taiwan) but can differ in form for others (e.g. "South Korea").
 */
const NAMES = new Map<string, string>();

export function regionName(code: string): string {
  // Intl.DisplayNames#of is slow enough to show in a locate profile; the codes are few.
  let name = NAMES.get(code);
  if (name === undefined) {
    name = GENC_NAMES[code] ?? DISPLAY_NAMES.of(code) ?? code;
    NAMES.set(code, name);
  }
  return name;
}

/** Results in order of first appearance, so the stable ranking in `bestRegion` stays stable. */
function toResults(scores: ReadonlyMap<string, number>, regions: Regions): RegionResult[] {
  const out: RegionResult[] = [];
  for (const [code, score] of scores) {
    const radius = regions.maxRadius(code);
    // SPEC §3.11: only regions present in the region data produce a result.
    if (radius === null) continue;
    out.push(regionResult({
      regionCode: code, regionName: regionName(code), accuracy: radius, score,
      source: "internal", fallback: null, usedNetworks: [],
    }));
  }
  return out;
}

const add = (scores: Map<string, number>, code: string, score: number): void => {
  scores.set(code, (scores.get(code) ?? 0) + score);
};

/** SPEC §3.11 Bluetooth / WiFi: station scores summed per station region. */
export function regionsFromStations(stations: readonly LocateFields[], now: Date, regions: Regions): RegionResult[] {
  const today = utcDay(now);
  const scores = new Map<string, number>();
  for (const st of stations) {
    if (st.lat === null || st.lon === null || st.region === null || isStationBlocked(st, today)) continue;
    add(scores, st.region, stationScore(st, now));
  }
  return toResults(scores, regions);
}

/**
 * The entries that vote with their MCC, each cell tower once (DESIGN §7, fixing SPEC §9.9:
 * Ichnaea iterated cells + areas, so a full cell voted twice). A full cell's area lookup is the
 * same tower again; an area lookup votes only for towers that had no usable cell id.
 */
export function cellVoters(cells: readonly AreaLookup[], areas: readonly AreaLookup[]): AreaLookup[] {
  const covered = new Set(cells.map((c) => areaKey(c)));
  return [...cells, ...areas.filter((a) => !covered.has(areaKey(a)))];
}

/** SPEC §3.11: the areas to load — those of voters whose MCC maps to several regions. */
export function ambiguousAreaLookups(cells: readonly AreaLookup[], areas: readonly AreaLookup[], regions: Regions): AreaLookup[] {
  const seen = new Map<string, AreaLookup>();
  for (const v of cellVoters(cells, areas)) {
    if (regions.mccRegions(v.mcc).length > 1 && !seen.has(areaKey(v))) seen.set(areaKey(v), v);
  }
  return [...seen.values()];
}

/**
 * SPEC §3.11 cells: each voter adds 1/n to each of its MCC's n regions; each loaded area of an
 * ambiguous MCC then adds its area score to its own region, if that region is already a
 * candidate (the area narrows the MCC down, it never adds a region).
 */
export function regionsFromCells(
  cells: readonly AreaLookup[], areas: readonly AreaLookup[], ambiguousAreas: readonly LocateArea[], now: Date, regions: Regions,
): RegionResult[] {
  const scores = new Map<string, number>();
  for (const v of cellVoters(cells, areas)) {
    const codes = regions.mccRegions(v.mcc);
    for (const code of codes) add(scores, code, 1 / codes.length);
  }
  const loaded = new Set<string>();
  for (const a of ambiguousAreas) {
    const key = areaKey(a);
    // An area is one row however many entries named it (Ichnaea's `IN (…)` query).
    if (loaded.has(key) || a.lat === null || a.lon === null || a.region === null || !scores.has(a.region)) continue;
    loaded.add(key);
    add(scores, a.region, areaScore(a, now));
  }
  return toResults(scores, regions);
}

/** SPEC §3.4: the internal source's sub-searches run blue, then WiFi, then cells. */
export function searchRegions(input: RegionSearchInput, now: Date, regions: Regions): RegionResult[] {
  return [
    ...regionsFromStations(input.blue, now, regions),
    ...regionsFromStations(input.wifi, now, regions),
    ...regionsFromCells(input.cells, input.areas, input.ambiguousAreas, now, regions),
  ];
}
