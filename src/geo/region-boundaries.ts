/**
 * The rings of the union of a region's polygons. Ichnaea unioned each region's subunits before
 * taking boundaries; country-coder's parts (England, Scotland, …) share identical edges, so
 * dropping every edge used twice and re-linking the rest gives the union's boundary.
 */
import type { RegionPolygons } from "./region-codes.ts";

type Edge = readonly [number, number];

/** Boundary rings as flat [lon, lat, lon, lat, …] arrays. */
export function boundaryRings(polygons: RegionPolygons): Float64Array[] {
  const coords: number[] = [];
  const vertexId = createVertexIds(coords);
  const edgeKey = (a: number, b: number): number => Math.min(a, b) * 2 ** 26 + Math.max(a, b);
  const uses = new Map<number, number>();
  const edges: Edge[] = [];
  for (const ring of polygons.flat()) {
    for (let i = 0; i + 1 < ring.length; i++) {
      const [a, b] = [vertexId(ring[i]![0]!, ring[i]![1]!), vertexId(ring[i + 1]![0]!, ring[i + 1]![1]!)];
      if (a === b) continue;
      uses.set(edgeKey(a, b), (uses.get(edgeKey(a, b)) ?? 0) + 1);
      edges.push([a, b]);
    }
  }
  return linkRings(edges.filter(([a, b]) => uses.get(edgeKey(a, b)) === 1), coords);
}

/** Numbers each distinct (x, y) once, appending its coordinates to `coords`. */
function createVertexIds(coords: number[]): (x: number, y: number) => number {
  const ids = new Map<number, Map<number, number>>();
  return (x, y) => {
    const column = ids.get(x) ?? ids.set(x, new Map()).get(x)!;
    const known = column.get(y);
    if (known !== undefined) return known;
    column.set(y, coords.length / 2);
    return coords.push(x, y) / 2 - 1;
  };
}

function linkRings(edges: readonly Edge[], coords: readonly number[]): Float64Array[] {
  const at = new Map<number, number[]>();
  edges.forEach(([a, b], i) => {
    for (const v of [a, b]) at.get(v)?.push(i) ?? at.set(v, [i]);
  });
  const used = new Uint8Array(edges.length);
  const rings: Float64Array[] = [];
  for (let first = 0; first < edges.length; first++) {
    if (used[first]) continue;
    used[first] = 1;
    const ring = walkRing(edges, at, used, edges[first]!);
    rings.push(Float64Array.from(ring.flatMap((v) => [coords[v * 2]!, coords[v * 2 + 1]!])));
  }
  return rings;
}

/** Follows unused edges from `first` until the ring closes (or runs out); marks them used. */
function walkRing(edges: readonly Edge[], at: ReadonlyMap<number, number[]>, used: Uint8Array, first: Edge): number[] {
  const [start, second] = first;
  const ring = [start, second];
  for (let v = second; v !== start; ) {
    const next = at.get(v)!.find((i) => !used[i]);
    if (next === undefined) break;
    used[next] = 1;
    const [a, b] = edges[next]!;
    v = a === v ? b : a;
    ring.push(v);
  }
  return ring;
}
