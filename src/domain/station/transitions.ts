/**
 * The effects of the station updater's transitions (SPEC §4.8 step 4): each returns the complete
 * row to write, or null when nothing is written.
 */
import type { RegionLookup } from "../../geo/region-lookup.ts";
import type { CellObservation, StationKind } from "../observation/types.ts";
import { mergeIntoStation, type PositionSummary, type WeightedObservation } from "./observation-summary.ts";
import type { Transition } from "./station-state.ts";
import type { CellStation, MacStation, StationFields, StationRow } from "./station-row.ts";

export interface EffectInput {
  readonly kind: StationKind;
  readonly station: StationRow | undefined;
  /** The chosen (gnss or query) observations, weight > 0, non-empty. */
  readonly group: readonly WeightedObservation[];
  /** SOURCE_CODES.gnss or SOURCE_CODES.query: the group that was chosen. */
  readonly source: number;
  /** The group's `obs_data`; null when the observations are inconsistent. */
  readonly summary: PositionSummary | null;
  /** Batch start, already truncated to whole seconds. */
  readonly now: Date;
  readonly today: string;
  readonly regions: RegionLookup;
}

type Identity = Omit<MacStation, keyof StationFields> | Omit<CellStation, keyof StationFields>;

/** Everything but the position: who, when, and the block history. */
interface Meta {
  readonly region: string | null;
  readonly source: number | null;
  readonly created: Date | null;
  readonly modified: Date | null;
  readonly lastSeen: string | null;
  readonly blockFirst: string | null;
  readonly blockLast: string | null;
  readonly blockCount: number | null;
}

/** The key columns, and for cells `psc` = the last non-null psc observed, else the station's. */
function identity(input: EffectInput): Identity {
  const first = input.group[0]?.obs;
  if (first !== undefined && "mac" in first) return { mac: first.mac };
  const cell = first as CellObservation;
  let psc = input.station !== undefined && "psc" in input.station ? input.station.psc : null;
  for (const { obs } of input.group) {
    const p = (obs as CellObservation).psc;
    if (p !== undefined) psc = p;
  }
  return { radio: cell.radio, mcc: cell.mcc, mnc: cell.mnc, lac: cell.lac, cid: cell.cid, psc };
}

// Rows are built as literals of one shape rather than by spreading: the updater runs per
// station and object spreads dominated its profile.
function row(input: EffectInput, p: PositionSummary | null, m: Meta): StationRow {
  const fields: StationFields = {
    lat: p === null ? null : p.lat, lon: p === null ? null : p.lon,
    maxLat: p === null ? null : p.maxLat, minLat: p === null ? null : p.minLat,
    maxLon: p === null ? null : p.maxLon, minLon: p === null ? null : p.minLon,
    radius: p === null ? null : p.radius, region: m.region,
    samples: p === null ? null : p.samples, source: m.source, weight: p === null ? null : p.weight,
    created: m.created, modified: m.modified, lastSeen: m.lastSeen,
    blockFirst: m.blockFirst, blockLast: m.blockLast, blockCount: m.blockCount,
  };
  return Object.assign(fields, identity(input));
}

function newStation(input: EffectInput, data: PositionSummary): StationRow {
  const { now, today, source, regions } = input;
  const region = regions.region(data.lat, data.lon);
  return row(input, data, { region, source, created: now, modified: now, lastSeen: today, blockFirst: null, blockLast: null, blockCount: null });
}

function newBlock(input: EffectInput): StationRow {
  const { now, today } = input;
  return row(input, null, { region: null, source: null, created: now, modified: now, lastSeen: null, blockFirst: today, blockLast: today, blockCount: 1 });
}

/** change and replace: seen today, modified now, created and block history kept. */
function update(input: EffectInput, st: StationRow, data: PositionSummary, region: string | null): StationRow {
  const { now, today, source } = input;
  const { created, blockFirst, blockLast, blockCount } = st;
  return row(input, data, { region, source, created, modified: now, lastSeen: today, blockFirst, blockLast, blockCount });
}

function change(input: EffectInput, st: StationRow, data: PositionSummary): StationRow {
  const merged = mergeIntoStation(data, st);
  // A station keeps its region while its centre stays inside the region's buffered shape, so
  // stations near a border do not flip with every update (SPEC §4.8, WiFi region stickiness).
  const keep = st.region !== null && st.region !== "" && input.regions.inRegion(merged.lat, merged.lon, st.region);
  return update(input, st, merged, keep ? st.region : input.regions.region(merged.lat, merged.lon));
}

function replace(input: EffectInput, st: StationRow, data: PositionSummary): StationRow {
  return update(input, st, data, input.regions.region(data.lat, data.lon));
}

/** Position, source and last_seen cleared; the region is kept (SPEC §4.8 step 4). */
function block(input: EffectInput, st: StationRow): StationRow {
  const { now, today } = input;
  const blockFirst = st.blockFirst ?? today;
  const blockCount = (st.blockCount ?? 0) + 1;
  const meta = { region: st.region, source: null, created: st.created, modified: now, lastSeen: null, blockFirst, blockLast: today, blockCount };
  return row(input, null, meta);
}

/**
 * Ichnaea's confirm writes only `last_seen` (not even a cell's psc), and nothing twice a day.
 * Never an earlier day either: entries split from several report partitions interleave, so an
 * entry's time can be a little older than the one before it.
 */
function confirm(input: EffectInput, st: StationRow): StationRow | null {
  return st.lastSeen !== null && st.lastSeen >= input.today ? null : { ...st, lastSeen: input.today };
}

/**
 * The table (station-state.ts) only pairs "new"/"new_block" with a missing station and
 * "change"/"replace"/"new" with consistent observations; other pairings write nothing.
 */
export function applyTransition(transition: Transition, input: EffectInput): StationRow | null {
  const { station: st, summary } = input;
  switch (transition) {
    case "new": return summary === null ? null : newStation(input, summary);
    case "new_block": return newBlock(input);
    case "block": return st === undefined ? null : block(input, st);
    case "confirm": return st === undefined ? null : confirm(input, st);
    case "change": return st === undefined || summary === null ? null : change(input, st, summary);
    case "replace": return st === undefined || summary === null ? null : replace(input, st, summary);
  }
}
