/**
 * A cell area row computed from its cells (SPEC §4.10 step 2). Pure: the caller loads the cells
 * and writes (or deletes) the row.
 */
import type { BBox } from "../../geo/bbox.ts";
import { circleRadius } from "../../geo/bbox.ts";
import type { RegionLookup } from "../../geo/region-lookup.ts";
import { roundHalfEven } from "../../geo/round.ts";
import type { CellStation } from "../station/station-row.ts";

export interface CellAreaFields {
  lat: number;
  lon: number;
  /** Metres from the centre to the farthest corner of the cells' bounding box. */
  radius: number;
  region: string | null;
  /** Null when no cell has a radius (Ichnaea cast NaN to int32 there, SPEC §9.18). */
  avgCellRadius: number | null;
  numCells: number;
  /** `YYYY-MM-DD` of the most recently seen cell. */
  lastSeen: string | null;
}

type Positioned = CellStation & { lat: number; lon: number };

function extremes(values: readonly (number | null)[]): [number, number] | null {
  const present = values.filter((v): v is number => v !== null && !Number.isNaN(v));
  return present.length === 0 ? null : [Math.min(...present), Math.max(...present)];
}

/**
 * Like numpy's nanmax/nanmin over the stacked max and min columns: a cell missing one corner
 * still contributes its other one.
 */
function cellsBox(cells: readonly Positioned[]): BBox | null {
  const lats = extremes(cells.flatMap((c) => [c.maxLat, c.minLat]));
  const lons = extremes(cells.flatMap((c) => [c.maxLon, c.minLon]));
  if (!lats || !lons) return null;
  return { minLat: lats[0], maxLat: lats[1], minLon: lons[0], maxLon: lons[1] };
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

/**
 * The most common cell region; ties go to the first in sort order with null first (as ""), unless
 * the MCC-aware reverse geocode of the centre names a region.
 */
function areaRegion(cells: readonly Positioned[], regions: RegionLookup, mcc: number, lat: number, lon: number): string | null {
  const counts = new Map<string | null, number>();
  for (const c of cells) counts.set(c.region, (counts.get(c.region) ?? 0) + 1);
  if (counts.size === 1) return cells[0]!.region;
  const top = Math.max(...counts.values());
  const tied = [...counts].filter(([, n]) => n === top).map(([region]) => region ?? "").sort();
  const first = tied[0] || null;
  if (tied.length === 1) return first;
  return regions.regionForCell(lat, lon, mcc) ?? first;
}

export function computeCellArea(cells: readonly CellStation[], regions: RegionLookup, mcc: number): CellAreaFields | null {
  const positioned = cells.filter((c): c is Positioned => c.lat !== null && c.lon !== null);
  if (positioned.length === 0) return null;
  const lat = mean(positioned.map((c) => c.lat));
  const lon = mean(positioned.map((c) => c.lon));
  const box = cellsBox(positioned);
  const radii = positioned.map((c) => c.radius).filter((r): r is number => r !== null);
  const seen = positioned.map((c) => c.lastSeen).filter((d): d is string => d !== null).sort();
  return {
    lat,
    lon,
    // Ichnaea's circle_radius skips NaN corners (fmax), so a box without corners gives 0.
    radius: box ? roundHalfEven(circleRadius(lat, lon, box)) : 0,
    region: areaRegion(positioned, regions, mcc, lat, lon),
    avgCellRadius: radii.length > 0 ? roundHalfEven(mean(radii)) : null,
    numCells: positioned.length,
    lastSeen: seen.at(-1) ?? null,
  };
}
