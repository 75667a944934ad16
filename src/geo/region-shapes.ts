/**
 * The region shapes and their spatial indexes, built once from the borders shipped by
 * @rapideditor/country-coder; no geometry lives in this repository.
 *
 * Differences from Ichnaea's own files, which came from Natural Earth 50 m subunits:
 * country-coder's borders are much coarser on land and include generalised territorial waters,
 * so points close to a border or a coast can code differently (see test/unit/regions.test.ts).
 */
import Flatbush from "flatbush";
import { boundaryRings } from "./region-boundaries.ts";
import { type RegionPolygons, regionPolygons } from "./region-codes.ts";
import { regionRadius } from "./region-radius.ts";

/**
 * Ichnaea's buffered file was `region.buffer(0.5)` in plain lon/lat degrees (its
 * `scripts/region_json.py`), so "in the buffered shape" is: inside the precise shape, or within
 * 0.5° planar distance of its boundary. Both indexes are padded by this much.
 */
export const BUFFER_DEGREES = 0.5;

/** One polygon of a region: its rings as flat [lon, lat, …] arrays and the outer ring's box. */
export interface Part {
  readonly code: number;
  readonly rings: readonly Float64Array[];
  readonly box: readonly [number, number, number, number];
}

/** Regions are numbered by their position in `codes`; `code` fields below are those numbers. */
export interface Shapes {
  readonly codes: readonly string[];
  readonly codeIndex: ReadonlyMap<string, number>;
  readonly parts: readonly Part[];
  readonly partTree: Flatbush;
  /** Boundary edges of each region's union, 4 numbers (x1, y1, x2, y2) per edge. */
  readonly edges: Float64Array;
  readonly edgeCode: Uint16Array;
  readonly edgeTree: Flatbush;
  readonly vertices: readonly Float64Array[];
  /** Unrounded radius in metres per region code. */
  readonly radius: ReadonlyMap<string, number>;
}

function toPart(code: number, polygon: number[][][]): Part {
  const rings = polygon.map((ring) => Float64Array.from(ring.flat()));
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
  for (let i = 0; i < rings[0]!.length; i += 2) {
    const x = rings[0]![i]!;
    const y = rings[0]![i + 1]!;
    [minX, minY, maxX, maxY] = [Math.min(minX, x), Math.min(minY, y), Math.max(maxX, x), Math.max(maxY, y)];
  }
  return { code, rings, box: [minX, minY, maxX, maxY] };
}

function partTree(parts: readonly Part[]): Flatbush {
  const tree = new Flatbush(parts.length);
  for (const { box } of parts) {
    tree.add(box[0] - BUFFER_DEGREES, box[1] - BUFFER_DEGREES, box[2] + BUFFER_DEGREES, box[3] + BUFFER_DEGREES);
  }
  tree.finish();
  return tree;
}

function edgeTree(edges: Float64Array): Flatbush {
  const tree = new Flatbush(edges.length / 4);
  for (let i = 0; i < edges.length; i += 4) {
    const [x1, y1, x2, y2] = [edges[i]!, edges[i + 1]!, edges[i + 2]!, edges[i + 3]!];
    tree.add(Math.min(x1, x2) - BUFFER_DEGREES, Math.min(y1, y2) - BUFFER_DEGREES,
      Math.max(x1, x2) + BUFFER_DEGREES, Math.max(y1, y2) + BUFFER_DEGREES);
  }
  tree.finish();
  return tree;
}

/** Every ring's consecutive vertex pairs as edges, each tagged with its region's number. */
function flattenEdges(ringsByCode: readonly Float64Array[][]): { edges: Float64Array; edgeCode: Uint16Array } {
  const edgeList: number[] = [];
  const edgeCodes: number[] = [];
  ringsByCode.forEach((codeRings, i) => {
    for (const ring of codeRings) {
      for (let j = 0; j + 3 < ring.length; j += 2) {
        edgeList.push(ring[j]!, ring[j + 1]!, ring[j + 2]!, ring[j + 3]!);
        edgeCodes.push(i);
      }
    }
  });
  return { edges: Float64Array.from(edgeList), edgeCode: Uint16Array.from(edgeCodes) };
}

export function buildShapes(): Shapes {
  const polygonsByCode: [string, RegionPolygons][] = [...regionPolygons()].sort(([a], [b]) => (a < b ? -1 : 1));
  const codes = polygonsByCode.map(([code]) => code);
  const parts = polygonsByCode.flatMap(([, polygons], i) => polygons.map((p) => toPart(i, p)));
  const rings = polygonsByCode.map(([, polygons]) => boundaryRings(polygons));
  const { edges, edgeCode } = flattenEdges(rings);
  return {
    codes,
    codeIndex: new Map(codes.map((c, i) => [c, i])),
    parts,
    partTree: partTree(parts),
    edges,
    edgeCode,
    edgeTree: edgeTree(edges),
    vertices: rings.map((codeRings) => Float64Array.from(codeRings.flatMap((r) => [...r]))),
    radius: new Map(codes.map((code, i) => [code, regionRadius(rings[i]!)])),
  };
}
