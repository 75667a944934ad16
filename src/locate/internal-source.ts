/**
 * The internal locate source (SPEC §3.4, §3.6, §3.7, §3.11): the query's stations read from
 * MySQL — one round trip per station type, all types in parallel (DESIGN §5) — then handed to
 * the pure searchers in src/domain/locate, which drop blocked and unpositioned stations.
 * A failed read yields no stations of that type (logged); the request goes on with the other
 * sources (SPEC §3.6 step 1, §6.2 TestError).
 */
import { type AreaRecord, loadAreasForLocate, loadCellStationsForLocate, loadMacStationsForLocate } from "../db/locate-stations.ts";
import type { Pool } from "../db/pool.ts";
import { locateByAreas, locateByCells } from "../domain/locate/cell-position.ts";
import { locateByNetworks } from "../domain/locate/network-position.ts";
import type { Query } from "../domain/locate/query.ts";
import { ambiguousAreaLookups, searchRegions } from "../domain/locate/region-search.ts";
import type { PositionResult, RegionResult } from "../domain/locate/result.ts";
import type { LocateCellStation, LocateMacStation } from "../domain/station/station-row.ts";
import type { RegionLookup } from "../geo/region-lookup.ts";
import type { Logger } from "../logger.ts";

export interface InternalSourceDeps {
  readonly pool: Pick<Pool, "query">;
  readonly regions: Pick<RegionLookup, "maxRadius" | "mccRegions">;
  readonly log: Logger;
}

/** Whether the internal source has anything to look up (SPEC §3.4). */
export function hasNetworks(query: Query): boolean {
  return query.blue.length + query.wifi.length + query.cell.length + query.area.length > 0;
}

export function createInternalSource(deps: InternalSourceDeps) {
  const { pool, regions, log } = deps;

  /** A read that cannot fail the request: an error means "nothing found" for that type. */
  async function safely<T>(what: string, count: number, load: () => Promise<T[]>): Promise<T[]> {
    if (count === 0) return [];
    try {
      return await load();
    } catch (err) {
      log.error({ err, stations: what }, "station read failed; locating without these stations");
      return [];
    }
  }

  const blueOf = (q: Query): Promise<LocateMacStation[]> =>
    safely("blue", q.blue.length, () => loadMacStationsForLocate(pool, "blue", q.blue.map((b) => b.mac)));
  const wifiOf = (q: Query): Promise<LocateMacStation[]> =>
    safely("wifi", q.wifi.length, () => loadMacStationsForLocate(pool, "wifi", q.wifi.map((w) => w.mac)));

  /** SPEC §3.4: sub-searches blue, then WiFi, then cells (areas only when no cell answered). */
  async function positions(query: Query, now: Date): Promise<PositionResult[]> {
    const [blue, wifi, cells, areas] = await Promise.all([
      blueOf(query),
      wifiOf(query),
      safely<LocateCellStation>("cell", query.cell.length, () => loadCellStationsForLocate(pool, query.cell)),
      // Read with the others rather than after them: one round trip of latency, not two.
      safely<AreaRecord>("area", query.area.length, () => loadAreasForLocate(pool, query.area)),
    ]);
    const cellResults = locateByCells(query.cell, cells, now);
    return [
      ...locateByNetworks("blue", query.blue, blue, now),
      ...locateByNetworks("wifi", query.wifi, wifi, now),
      ...(cellResults.length > 0 ? cellResults : locateByAreas(query.area, areas, now)),
    ];
  }

  /** SPEC §3.11: station regions, MCC votes, and the areas of ambiguous MCCs. */
  async function regionResults(query: Query, now: Date): Promise<RegionResult[]> {
    const ambiguous = ambiguousAreaLookups(query.cell, query.area, regions);
    const [blue, wifi, ambiguousAreas] = await Promise.all([
      blueOf(query),
      wifiOf(query),
      safely<AreaRecord>("area", ambiguous.length, () => loadAreasForLocate(pool, ambiguous)),
    ]);
    return searchRegions({ blue, wifi, cells: query.cell, areas: query.area, ambiguousAreas }, now, regions);
  }

  return { positions, regions: regionResults };
}

export type InternalSource = ReturnType<typeof createInternalSource>;
