/**
 * Groups found Wi-Fi / Bluetooth networks into clusters of nearby stations (SPEC §3.6 step 4):
 * complete-linkage agglomerative clustering on Vincenty distances (ml-hclust), cut so that no
 * two members of a cluster are farther apart than `maxDistance`.
 */
import { agnes } from "ml-hclust";
import { distance, geoPoint, pointDistance } from "../../geo/distance.ts";

export interface Positioned {
  readonly lat: number;
  readonly lon: number;
}

function distanceMatrix(items: readonly Positioned[]): { matrix: number[][]; largest: number } {
  const matrix = items.map(() => new Array<number>(items.length).fill(0));
  const points = items.map((p) => geoPoint(p.lat, p.lon));
  let largest = 0;
  for (let i = 0; i < items.length; i++) {
    for (let j = i + 1; j < items.length; j++) {
      const d = pointDistance(points[i]!, points[j]!);
      matrix[i]![j] = d;
      matrix[j]![i] = d;
      if (d > largest) largest = d;
    }
  }
  return { matrix, largest };
}

/**
 * Clusters with at least two members, each in input order; clusters are ordered by their first
 * member, as Ichnaea's dict of `fcluster` labels is. A lone network is never a cluster: one real
 * network plus an unknown one must not reveal the real network's position.
 */
export function clusterNetworks<T extends Positioned>(items: readonly T[], maxDistance: number): T[][] {
  if (items.length < 2) return [];
  if (items.length === 2) {
    const [a, b] = items as readonly [T, T];
    return distance(a.lat, a.lon, b.lat, b.lon) <= maxDistance ? [[a, b]] : [];
  }
  // For complete linkage a node's height is the largest pairwise distance inside it, so cutting
  // at maxDistance equals scipy's fcluster(criterion="distance") — and when no pair is farther
  // apart than maxDistance (the usual query: one place) the answer is one cluster of everything,
  // without building the tree.
  const { matrix, largest } = distanceMatrix(items);
  if (largest <= maxDistance) return [[...items]];
  const root = agnes(matrix, { method: "complete", isDistanceMatrix: true });
  return root
    .cut(maxDistance)
    .map((cluster) => cluster.indices().sort((x, y) => x - y))
    .filter((indices) => indices.length >= 2)
    .sort((x, y) => x[0]! - y[0]!)
    .map((indices) => indices.map((i) => items[i]!));
}
