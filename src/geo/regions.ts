/**
 * Reverse geocoding (SPEC §4.11) over the borders shipped by @rapideditor/country-coder, built
 * once at load time. The shapes and the reasons they differ from Ichnaea's are in
 * region-shapes.ts; the point queries in region-locate.ts; the MCC table in mcc-regions.ts.
 * Queries go through a tile cache first (tile-cache.ts): positions cluster (a city's stations
 * and reports), and most tiles provably share one answer, which is computed once.
 */
import { buildMccRegions } from "./mcc-regions.ts";
import { inAnyRegionAt, inRegionAt, regionAt } from "./region-locate.ts";
import type { RegionLookup } from "./region-lookup.ts";
import { roundRadius } from "./region-radius.ts";
import { buildShapes } from "./region-shapes.ts";
import { buildPartEdges, classifyTile, type TileAnswers } from "./region-tiles.ts";
import { createTileCache, type TileCache } from "./tile-cache.ts";

export interface RegionLookupOptions {
  /** Answer from memoised tiles where provably exact (default true); false: always exact. */
  readonly tileCache?: boolean;
  /** Most tiles held at once (default 200 000, ≈ 30 MB). */
  readonly tileCacheSize?: number;
}

const pickRegion = (t: TileAnswers): string | null | undefined => t.region;
const pickAny = (t: TileAnswers): boolean | undefined => t.any;
const pickIn = (t: TileAnswers, code: number): boolean | undefined => {
  if (t.member.includes(code)) return true;
  return t.unsure === undefined || t.unsure.includes(code) ? undefined : false;
};

export function createRegionLookup(options: RegionLookupOptions = {}): RegionLookup {
  const s = buildShapes();
  const mccs = buildMccRegions(new Set(s.codes));
  let tiles: TileCache | undefined;
  if (options.tileCache ?? true) {
    const pe = buildPartEdges(s.parts);
    tiles = createTileCache((r) => classifyTile(s, pe, r), options.tileCacheSize);
  }
  const inRegion = (lat: number, lon: number, code: string): boolean => {
    const c = s.codeIndex.get(code);
    if (c === undefined) return false;
    return tiles?.query(lat, lon, pickIn, c) ?? inRegionAt(s, lat, lon, code);
  };
  const lookup: RegionLookup = {
    region(lat, lon) {
      const cached = tiles?.query(lat, lon, pickRegion, undefined);
      return cached !== undefined ? cached : regionAt(s, lat, lon);
    },
    inRegion,
    anyRegion: (lat, lon) => tiles?.query(lat, lon, pickAny, undefined) ?? inAnyRegionAt(s, lat, lon),
    regionForCell(lat, lon, mcc) {
      const codes = lookup.mccRegions(mcc).filter((code) => inRegion(lat, lon, code));
      if (codes.length < 2) return codes[0] ?? null;
      return lookup.region(lat, lon);
    },
    mccRegions: (mcc) => mccs.get(mcc) ?? [],
    maxRadius(code) {
      const r = s.radius.get(code);
      return r === undefined ? null : roundRadius(r);
    },
  };
  return lookup;
}

let shared: RegionLookup | undefined;

/** The process-wide lookup; the indexes are built on first use (~100 ms). */
export function getRegionLookup(): RegionLookup {
  shared ??= createRegionLookup();
  return shared;
}
