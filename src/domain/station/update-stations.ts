/**
 * The station updater for one batch of one shard (SPEC §4.8, Ichnaea's `StationUpdater`), as a
 * pure function: observations and the locked existing rows in, rows to write and counters out.
 * The caller owns the transaction, the SELECT … FOR UPDATE and the Redis counters (§4.8 steps 2, 6).
 */
import type { RegionLookup } from "../../geo/region-lookup.ts";
import type { CellObservation, Observation, StationKind } from "../observation/types.ts";
import { isStationBlocked } from "./blocking.ts";
import { type MoveCandidate, watchBatch, watchesMoves } from "./move-watch.ts";
import { summariseObservations, type WeightedObservation } from "./observation-summary.ts";
import { utcDay, wholeSeconds } from "./station-days.ts";
import { SOURCE_CODES, type CellStation, type MacStation, type StationRow } from "./station-row.ts";
import { classifyStation, decideTransition, observationState, type ObservationGroup } from "./station-state.ts";
import { applyTransition } from "./transitions.ts";
import { observationWeight } from "./weights.ts";

export type StationStatus = "new" | "new_block" | "change" | "replace" | "confirm" | "block" | "blocked_skip" | "no_change";

export interface StationPlanInput {
  readonly kind: StationKind;
  readonly observations: readonly Observation[];
  /** The existing rows for the batch's keys, keyed by `stationKey`. */
  readonly existing: ReadonlyMap<string, StationRow>;
  /** Batch start; `today` is its UTC date. */
  readonly now: Date;
  readonly regions: RegionLookup;
}

export interface StationPlan {
  /** Complete rows to upsert, one per station at most, in first-seen order. */
  readonly writes: StationRow[];
  /**
   * Per-station outcomes; `no_change` covers a same-day confirm, an ignored no_position station
   * and a batch held apart as a move candidate (the row is then written for the candidate alone).
   */
  readonly statuses: Record<StationStatus, number>;
  /** For the daily observation counter: every weight > 0 observation, blocked stations included. */
  readonly observations: number;
  /** For the daily unique-station counter: new + new_block. */
  readonly newStations: number;
  /** Cells only: keys of cells written with a status other than confirm (for the cell-area queue). */
  readonly touched: string[];
}

/** Anything carrying a station's key columns: observations and rows of either shape. */
export type StationKeyed = { readonly mac: string } | Pick<CellObservation | CellStation, "radio" | "mcc" | "mnc" | "lac" | "cid">;

/** The station key: the MAC for wifi/blue, `radio/mcc/mnc/lac/cid` for cells. */
export function stationKey(kind: StationKind, item: StationKeyed): string {
  if (kind !== "cell") {
    if ("mac" in item) return item.mac;
  } else if ("radio" in item) {
    return `${item.radio}/${item.mcc}/${item.mnc}/${item.lac}/${item.cid}`;
  }
  throw new TypeError(`not a ${kind} observation or station`);
}

/** Weight-0 observations are dropped before anything else and are not counted (§4.7). */
function groupByStation(kind: StationKind, observations: readonly Observation[]): Map<string, WeightedObservation[]> {
  const groups = new Map<string, WeightedObservation[]>();
  for (const obs of observations) {
    const weight = observationWeight(kind, obs);
    if (!(weight > 0)) continue;
    const key = stationKey(kind, obs);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [{ obs, weight }]);
    else group.push({ obs, weight });
  }
  return groups;
}

/** gnss, fused, fixed and unknown sources form the gnss group, which wins when non-empty. */
function chooseGroup(group: readonly WeightedObservation[]): { source: ObservationGroup; chosen: readonly WeightedObservation[] } {
  if (!group.some(({ obs }) => obs.source === "query")) return { source: "gnss", chosen: group };
  const gnss = group.filter(({ obs }) => obs.source !== "query");
  return gnss.length > 0 ? { source: "gnss", chosen: gnss } : { source: "query", chosen: group };
}

interface BatchContext {
  readonly kind: StationKind;
  readonly now: Date;
  readonly today: string;
  readonly regions: RegionLookup;
}

interface Decision {
  readonly status: StationStatus;
  readonly row: StationRow | null;
}

const SKIP: Decision = { status: "blocked_skip", row: null };
const NO_CHANGE: Decision = { status: "no_change", row: null };

function decideStation(ctx: BatchContext, group: readonly WeightedObservation[], station: StationRow | undefined): Decision {
  if (station !== undefined && isStationBlocked(station, ctx.today)) return SKIP;
  const { source, chosen } = chooseGroup(group);
  const summary = summariseObservations(ctx.kind, chosen);
  const stationState = classifyStation(ctx.kind, station, chosen, ctx.today);
  const transition = decideTransition(stationState, observationState(source, summary !== null));
  if (transition === null) return NO_CHANGE;
  const { kind, now, today, regions } = ctx;
  const base = { kind, now, today, regions, station, source: SOURCE_CODES[source] };
  // Consistent observations within reach of a positioned Wi-Fi or Bluetooth station: those
  // farther than it is heard are watched as a possible move instead of merged (move-watch.ts).
  const watched = station !== undefined && "mac" in station && station.lat !== null && station.lon !== null &&
      summary !== null && watchesMoves(kind) && stationState.startsWith("agree_")
    ? watchBatch(kind, { lat: station.lat, lon: station.lon }, station.move ?? null, chosen)
    : null;
  if (watched === null) {
    const row = applyTransition(transition, { ...base, group: chosen, summary });
    return row === null ? NO_CHANGE : { status: transition, row };
  }
  if (watched.relocation !== null) {
    const row = applyTransition("replace", { ...base, group: chosen, summary: watched.relocation });
    return row === null ? NO_CHANGE : { status: "replace", row };
  }
  const move = watched.candidate;
  const row = watched.kept.length === 0
    ? null
    : applyTransition(transition, { ...base, group: watched.kept, summary: summariseObservations(kind, watched.kept) });
  if (row !== null) return { status: transition, row: withMove(row, move) };
  // Only displaced observations (the station stays as it is) or a same-day confirm: the row is
  // written only when the candidate changed.
  return move !== ((station as MacStation).move ?? null) ? { status: "no_change", row: withMove(station!, move) } : NO_CHANGE;
}

/** The row with this move candidate (none: the field is absent). Cells never carry one. */
function withMove(row: StationRow, move: MoveCandidate | null): StationRow {
  if (!("mac" in row)) return row;
  const { move: _old, ...rest } = row;
  return move === null ? rest : { ...rest, move };
}

export function planStationUpdates(input: StationPlanInput): StationPlan {
  const { kind, existing, regions } = input;
  const ctx: BatchContext = { kind, regions, now: wholeSeconds(input.now), today: utcDay(input.now) };
  const statuses: Record<StationStatus, number> = {
    new: 0, new_block: 0, change: 0, replace: 0, confirm: 0, block: 0, blocked_skip: 0, no_change: 0,
  };
  const writes: StationRow[] = [];
  const touched: string[] = [];
  let observations = 0;
  for (const [key, group] of groupByStation(kind, input.observations)) {
    observations += group.length;
    const { status, row } = decideStation(ctx, group, existing.get(key));
    statuses[status] += 1;
    if (row === null) continue;
    writes.push(row);
    if (kind === "cell" && status !== "confirm") touched.push(key);
  }
  return { writes, statuses, observations, newStations: statuses.new + statuses.new_block, touched };
}
