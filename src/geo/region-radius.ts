/**
 * Ichnaea's `radius` property: per boundary ring, the farthest vertex from the plain mean of the
 * ring's coordinates (closing vertex included, as numpy saw it); the region's radius is the
 * largest of those, rounded half-even to whole kilometres.
 */
import { distance } from "./distance.ts";
import { roundHalfEven } from "./round.ts";

function ringRadius(ring: Float64Array): number {
  let [sumLat, sumLon] = [0, 0];
  for (let i = 0; i < ring.length; i += 2) [sumLon, sumLat] = [sumLon + ring[i]!, sumLat + ring[i + 1]!];
  const [lat, lon] = [sumLat / (ring.length / 2), sumLon / (ring.length / 2)];
  let max = 0;
  for (let i = 0; i < ring.length; i += 2) max = Math.max(max, distance(lat, lon, ring[i + 1]!, ring[i]!));
  return max;
}

/** The unrounded radius in metres of a region given its boundary rings. */
export function regionRadius(rings: readonly Float64Array[]): number {
  return Math.max(...rings.map(ringRadius));
}

/** The published radius: whole kilometres, half-even, in metres. */
export function roundRadius(metres: number): number {
  return roundHalfEven(metres / 1000) * 1000;
}
