/**
 * The `cellarea` group (SPEC §4.10): recomputes the areas named on `{areas}` from their
 * positioned cells, in one transaction per batch with the area rows locked; an area without
 * positioned cells is deleted. NR areas live in `cell_area_nr` (DESIGN §7).
 */
import { computeCellArea } from "../domain/area/cell-area.ts";
import { areaKey, decodeAreaId, RADIO_CODES } from "../domain/observation/cell-id.ts";
import type { StationRadio } from "../domain/observation/types.ts";
import type { CellStation } from "../domain/station/station-row.ts";
import type { RegionLookup } from "../geo/region-lookup.ts";
import {
  type AreaChange, type AreaRow, deleteAreas, loadAreaIdsOfCells, loadPositionedCellsOfAreas, lockAreas, upsertAreas,
} from "../db/cell-areas.ts";
import type { PoolConnection } from "../db/pool.ts";
import { areaTable, stationTable, STATION_RADIOS } from "../db/station-tables.ts";
import { defineConsumer, type ConsumerDescriptor } from "../stream/define-consumer.ts";
import type { AreaUpdate } from "../domain/area/area-update.ts";
import { getOrCreate } from "../util/get-or-create.ts";

const areaBytes = (radio: StationRadio) => (radio === "nr" ? 9 : 7);

/**
 * Recomputes the given areas (all of one radio) into `targetTable`; `changed` is when each
 * area's cells first and last changed in the batch (by hex id), `now` for areas it does not name.
 */
export async function recomputeAreas(
  tx: PoolConnection, radio: StationRadio, targetTable: string, areaIds: readonly Buffer[], now: Date, regions: RegionLookup,
  changed: ReadonlyMap<string, AreaChange> = new Map(),
): Promise<{ updated: number; deleted: number }> {
  if (areaIds.length === 0) return { updated: 0, deleted: 0 };
  await lockAreas(tx, targetTable, areaIds);
  const cells = await loadPositionedCellsOfAreas(tx, stationTable("cell", radio), areaIds, radio === "nr" ? 8 : 4);
  const byArea = new Map<string, CellStation[]>();
  for (const cell of cells) {
    getOrCreate(byArea, areaKey(cell), () => []).push(cell);
  }
  const upserts: AreaRow[] = [];
  const gone: Buffer[] = [];
  for (const id of areaIds) {
    const area = decodeAreaId(id);
    const computed = computeCellArea(byArea.get(id.toString("hex")) ?? [], regions, area.mcc);
    if (!computed) gone.push(id);
    else upserts.push({ areaid: id, radio, mcc: area.mcc, mnc: area.mnc, lac: area.lac, ...computed, changed: changed.get(id.toString("hex")) });
  }
  await upsertAreas(tx, targetTable, upserts, now);
  await deleteAreas(tx, targetTable, gone);
  return { updated: upserts.length, deleted: gone.length };
}

const HEX_BYTES = /^(?:[0-9a-f]{2})+$/;

/** The area id and its radio, or an error naming the text (it ends in the dead letters). */
function parseAreaId(hex: unknown): { id: Buffer; radio: StationRadio } {
  const invalid = new Error(`${JSON.stringify(hex)} is not an area id`);
  // Buffer.from(…, "hex") stops at the first bad digit instead of failing: check first.
  if (typeof hex !== "string" || !HEX_BYTES.test(hex)) throw invalid;
  const id = Buffer.from(hex, "hex");
  const radio = id.length > 0 ? STATION_RADIOS.find((r) => RADIO_CODES[r] === id[0]) : undefined;
  if (!radio || id.length !== areaBytes(radio)) throw invalid;
  return { id, radio };
}

export function createAreaProjector(deps: { regions: RegionLookup }): ConsumerDescriptor<AreaUpdate> {
  return defineConsumer<AreaUpdate>({
    name: "cellarea",
    reads: "areas",
    start: "0",
    batchSize: 100,
    tables: ["cell_area", "cell_area_nr"],
    async project(batch, ctx) {
      const changes = new Map<string, AreaChange>();
      for (const e of batch) {
        // The cells' change time, carried by the entry: a restore appends the same updates anew.
        const at = typeof e.data.at === "number" && Number.isSafeInteger(e.data.at) ? new Date(e.data.at) : e.time;
        for (const hex of e.data.areas) {
          const seen = changes.get(hex);
          changes.set(hex, { created: seen?.created ?? at, modified: at });
        }
      }
      const byRadio = new Map<StationRadio, Buffer[]>();
      for (const hex of changes.keys()) {
        const { id, radio } = parseAreaId(hex);
        getOrCreate(byRadio, radio, () => []).push(id);
      }
      const now = batch[batch.length - 1]!.time;
      for (const [radio, ids] of byRadio) {
        await recomputeAreas(ctx.tx, radio, ctx.table(areaTable(radio)), ids, now, deps.regions, changes);
      }
    },
    async seedRebuild(ctx) {
      // Areas depend on every cell, not only on the retained history: start from all of them.
      const now = new Date(Math.floor(Date.now() / 1000) * 1000);
      for (const radio of STATION_RADIOS) {
        const ids = await loadAreaIdsOfCells(ctx.tx, stationTable("cell", radio), areaBytes(radio));
        for (let i = 0; i < ids.length; i += 500) {
          await recomputeAreas(ctx.tx, radio, ctx.table(areaTable(radio)), ids.slice(i, i + 500), now, deps.regions);
        }
        ctx.log.info({ radio, areas: ids.length }, "areas seeded from the cell table");
      }
    },
  });
}
