/**
 * Reverse geocoding (SPEC §4.11) over the borders shipped by @rapideditor/country-coder, built
 * once at load time. The shapes and the reasons they differ from Ichnaea's are in
 * region-shapes.ts; the point queries in region-locate.ts; the MCC table in mcc-regions.ts.
 */
import { buildMccRegions } from "./mcc-regions.ts";
import { inAnyRegionAt, inRegionAt, regionAt } from "./region-locate.ts";
import type { RegionLookup } from "./region-lookup.ts";
import { roundRadius } from "./region-radius.ts";
import { buildShapes } from "./region-shapes.ts";

export function createRegionLookup(): RegionLookup {
  const s = buildShapes();
  const mccs = buildMccRegions(new Set(s.codes));
  const lookup: RegionLookup = {
    region: (lat, lon) => regionAt(s, lat, lon),
    inRegion: (lat, lon, code) => inRegionAt(s, lat, lon, code),
    anyRegion: (lat, lon) => inAnyRegionAt(s, lat, lon),
    regionForCell(lat, lon, mcc) {
      const codes = lookup.mccRegions(mcc).filter((code) => inRegionAt(s, lat, lon, code));
      if (codes.length < 2) return codes[0] ?? null;
      return regionAt(s, lat, lon);
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
