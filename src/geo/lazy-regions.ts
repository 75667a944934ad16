/**
 * The region lookup loads country boundaries (~100 ms); commands that never place a position
 * (groups, dead, trim) should not pay for it, so consumers get this stand-in that loads the
 * real lookup on first use.
 */
import type { RegionLookup } from "./region-lookup.ts";
import { getRegionLookup } from "./regions.ts";

export function lazyRegionLookup(): RegionLookup {
  let real: RegionLookup | null = null;
  const get = () => (real ??= getRegionLookup());
  return {
    region: (lat, lon) => get().region(lat, lon),
    inRegion: (lat, lon, code) => get().inRegion(lat, lon, code),
    anyRegion: (lat, lon) => get().anyRegion(lat, lon),
    regionForCell: (lat, lon, mcc) => get().regionForCell(lat, lon, mcc),
    mccRegions: (mcc) => get().mccRegions(mcc),
    maxRadius: (code) => get().maxRadius(code),
  };
}
