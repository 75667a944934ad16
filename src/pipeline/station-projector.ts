/**
 * The station projector of one shard (SPEC §4.7–4.8, DESIGN §3): a batch of observation
 * entries → one transaction that locks the touched stations, folds the entries through the pure
 * updater in stream order, writes every changed row in one multi-row upsert, adds the day's
 * counters and, for cells, tells the area projection which areas changed.
 *
 * `now` is the time of the newest report an entry was split from (its `src.last` id), not the
 * wall clock nor the entry's own id: a replay or rebuild computes exactly the rows the live
 * projection did, and so does a restore, which splits the same reports again at another time.
 */
import type { MacShard, Observation, ObservationBatch, StationKind, StationRadio } from "../domain/observation/types.ts";
import type { AreaUpdate } from "../domain/area/area-update.ts";
import { areaKey, encodeCellId } from "../domain/observation/cell-id.ts";
import { expandObservationBatch } from "../domain/observation/observation-batch.ts";
import { macToBytes } from "../domain/observation/mac.ts";
import type { CellStation, StationRow } from "../domain/station/station-row.ts";
import { planStationUpdates, type StationStatus, stationKey } from "../domain/station/update-stations.ts";
import type { PipelineMetrics } from "../metrics/pipeline-metrics.ts";
import { loadAreaIdsOfCells } from "../db/cell-areas.ts";
import { addStatCounters, type CounterIncrement } from "../db/stat-counter.ts";
import { stationTable } from "../db/station-tables.ts";
import { loadStationsForUpdate, upsertStations } from "../db/stations.ts";
import { defineBuiltInConsumer, type ConsumerDescriptor } from "../stream/define-consumer.ts";
import type { StreamEntry } from "../stream/entry.ts";
import { entryIdTime } from "../stream/entry-id.ts";
import { getOrCreate } from "../util/get-or-create.ts";

export interface StationProjectorDeps {
  /** Observation entries per transaction (each holds up to a splitter batch's observations). */
  readonly batchSize: number;
  /** Counts observations and decisions once a batch has committed (none in tools and tests without it). */
  readonly metrics?: Pick<PipelineMetrics, "stations">;
}

const ENTRY_ID = /^\d+-\d+$/;

/** When an observation entry's reports arrived: its newest report's id, else its own id. */
export function derivationTime(entry: StreamEntry<ObservationBatch>): Date {
  const last = entry.data.src?.last;
  return typeof last === "string" && ENTRY_ID.test(last) ? entryIdTime(last) : entry.time;
}
const utcDay = (d: Date): string => d.toISOString().slice(0, 10);

function stationId(kind: StationKind, row: StationRow | Observation): Buffer {
  if (kind !== "cell") return macToBytes((row as { mac: string }).mac);
  return encodeCellId(row as CellStation);
}

/** One `{areas}` payload per change time, each area under the last time one of its cells changed. */
function areaUpdates(touched: ReadonlyMap<string, number>, cells: ReadonlyMap<string, StationRow>): AreaUpdate[] {
  const areaTimes = new Map<string, number>();
  for (const [key, at] of touched) {
    const area = areaKey(cells.get(key) as CellStation);
    areaTimes.set(area, Math.max(areaTimes.get(area) ?? 0, at));
  }
  const byTime = new Map<number, string[]>();
  for (const [area, at] of areaTimes) getOrCreate(byTime, at, () => []).push(area);
  return [...byTime].sort(([a], [b]) => a - b).map(([at, areas]) => ({ areas, at }));
}

/** The observation stream a station projector reads: a MAC shard for wifi/blue, a radio for cells. */
export type StationStream = `obs:${"wifi" | "blue"}:${MacShard}` | `obs:cell:${StationRadio}`;

export function createStationProjector(kind: "wifi" | "blue", shard: MacShard, deps: StationProjectorDeps): ConsumerDescriptor<ObservationBatch>;
export function createStationProjector(kind: "cell", shard: StationRadio, deps: StationProjectorDeps): ConsumerDescriptor<ObservationBatch>;
export function createStationProjector(kind: StationKind, shard: MacShard | StationRadio, deps: StationProjectorDeps): ConsumerDescriptor<ObservationBatch> {
  const table = stationTable(kind, shard);
  const counterNames = { observations: kind, stations: `unique_${kind}` } as const;
  return defineBuiltInConsumer<ObservationBatch>({
    name: `station:${kind}:${shard}`,
    reads: `obs:${kind}:${shard}` as StationStream,
    start: "0",
    batchSize: deps.batchSize,
    // Samples and weights add up: re-applying history in place would count it twice.
    idempotent: false,
    tables: [table],
    async project(batch: readonly StreamEntry<ObservationBatch>[], ctx) {
      const entries = batch.map((e) => {
        const observations = expandObservationBatch(e.data);
        if (!observations) throw new Error(`entry ${e.id} is not an observation batch`);
        return { entry: e, observations };
      });
      const ids = new Map<string, Buffer>();
      for (const e of entries) for (const o of e.observations) ids.set(stationKey(kind, o), stationId(kind, o));
      const found = await loadStationsForUpdate(ctx.tx, kind, ctx.table(table), [...ids.values()]);
      const state = new Map<string, StationRow>(found.map((row) => [stationKey(kind, row), row]));
      const dirty = new Set<string>();
      // Cell key → the time of the last entry that changed it (the area's change time).
      const touched = new Map<string, number>();
      const counters = new Map<string, CounterIncrement>();
      let weighed = 0;
      const decisions: Partial<Record<StationStatus, number>> = {};
      const count = (name: CounterIncrement["name"], day: string, value: number) => {
        const key = `${name} ${day}`;
        counters.set(key, { name, day, value: (counters.get(key)?.value ?? 0) + value });
      };
      for (const e of entries) {
        const now = derivationTime(e.entry);
        const plan = planStationUpdates({ kind, observations: e.observations, existing: state, now, regions: ctx.regions });
        for (const row of plan.writes) {
          const key = stationKey(kind, row);
          state.set(key, row);
          dirty.add(key);
        }
        for (const key of plan.touched) touched.set(key, Math.floor(now.getTime() / 1000) * 1000);
        count(counterNames.observations, utcDay(now), plan.observations);
        count(counterNames.stations as CounterIncrement["name"], utcDay(now), plan.newStations);
        weighed += plan.observations;
        for (const [status, n] of Object.entries(plan.statuses) as [StationStatus, number][]) {
          if (status !== "no_change") decisions[status] = (decisions[status] ?? 0) + n;
        }
      }
      await upsertStations(ctx.tx, kind, ctx.table(table), [...dirty].map((key) => ({ row: state.get(key)!, id: ids.get(key)! })));
      // A rebuild re-derives rows from history that was already counted and already fed the
      // area projection (areas are re-queued wholesale after the swap).
      if (ctx.rebuilding) return;
      ctx.afterCommit(() => deps.metrics?.stations(kind, weighed, decisions));
      await addStatCounters(ctx.tx, ctx.stream.replace(/^obs:/, ""), [...counters.values()]);
      if (kind === "cell" && touched.size > 0) {
        // Appended while this transaction still holds the changed cell rows: the area projection
        // reads cells with a locking read, so it waits for this commit and never sees old rows.
        await ctx.append("areas", areaUpdates(touched, state));
      }
    },
    async afterRebuild({ tx, log, append }) {
      if (kind !== "cell") return;
      // The rebuilt cells may differ from what the areas were computed from: recompute them all.
      const areaIds = await loadAreaIdsOfCells(tx, table, shard === "nr" ? 9 : 7);
      for (let i = 0; i < areaIds.length; i += 500) {
        const areas = areaIds.slice(i, i + 500).map((a) => a.toString("hex"));
        await append("areas", [{ areas } satisfies AreaUpdate]);
      }
      log.info({ areas: areaIds.length }, "every area of the rebuilt cell table queued for recomputation");
    },
  }, { derivedBy: "splitter" });
}
