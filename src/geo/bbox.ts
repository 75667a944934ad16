/**
 * Bounding-box helpers for station and area positions (SPEC §4.8, §4.10).
 */
import { distance } from "./distance.ts";

export interface BBox {
  readonly minLat: number;
  readonly minLon: number;
  readonly maxLat: number;
  readonly maxLon: number;
}

/** The largest distance from the centre to any of the box's four corners, in metres (unrounded). */
export function circleRadius(lat: number, lon: number, box: BBox): number {
  return Math.max(
    distance(lat, lon, box.minLat, box.minLon),
    distance(lat, lon, box.minLat, box.maxLon),
    distance(lat, lon, box.maxLat, box.minLon),
    distance(lat, lon, box.maxLat, box.maxLon),
  );
}
