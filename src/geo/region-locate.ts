/**
 * Point queries over the region shapes (SPEC §4.11): which region owns a point, and whether a
 * point lies in a given region's (or any region's) buffered shape.
 */
import { distance } from "./distance.ts";
import { BUFFER_DEGREES, type Part, type Shapes } from "./region-shapes.ts";

function inPart(part: Part, x: number, y: number): boolean {
  const [minX, minY, maxX, maxY] = part.box;
  if (x < minX || x > maxX || y < minY || y > maxY) return false;
  return ringParity(part, x, y);
}

/**
 * Even-odd crossing test over all of the part's rings, without the box check; exported so the
 * tile cache (region-tiles.ts) can evaluate the very same arithmetic at a tile's centre.
 */
export function ringParity(part: Part, x: number, y: number): boolean {
  let inside = false;
  for (const ring of part.rings) {
    for (let i = 0, j = ring.length - 2; i < ring.length; j = i, i += 2) {
      const yi = ring[i + 1]!;
      const yj = ring[j + 1]!;
      if (yi > y === yj > y) continue;
      const xi = ring[i]!;
      if (x < ((ring[j]! - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
  }
  return inside;
}

function nearEdge(edges: Float64Array, i: number, x: number, y: number): boolean {
  const [x1, y1] = [edges[i * 4]!, edges[i * 4 + 1]!];
  const [dx, dy] = [edges[i * 4 + 2]! - x1, edges[i * 4 + 3]! - y1];
  const t = Math.max(0, Math.min(1, ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy)));
  return (x1 + t * dx - x) ** 2 + (y1 + t * dy - y) ** 2 <= BUFFER_DEGREES ** 2;
}

/** Codes whose boundary passes within the buffer distance of the point (optionally just one). */
function nearCodes(s: Shapes, x: number, y: number, only?: number): Set<number> {
  const found = new Set<number>();
  for (const i of s.edgeTree.search(x, y, x, y)) {
    const code = s.edgeCode[i]!;
    if ((only === undefined || code === only) && !found.has(code) && nearEdge(s.edges, i, x, y)) found.add(code);
  }
  return found;
}

/** Region codes containing the point (precise shapes), and all codes whose buffered envelope does. */
function locate(s: Shapes, x: number, y: number): { candidates: Set<number>; inside: Set<number> } {
  const candidates = new Set<number>();
  const inside = new Set<number>();
  for (const i of s.partTree.search(x, y, x, y)) {
    const part = s.parts[i]!;
    candidates.add(part.code);
    if (!inside.has(part.code) && inPart(part, x, y)) inside.add(part.code);
  }
  return { candidates, inside };
}

/** SPEC §4.11 steps 4–5: the code owning the nearest (or farthest) boundary vertex. */
function vertexTieBreak(s: Shapes, codes: Iterable<number>, lat: number, lon: number, farthest: boolean): string {
  let best = farthest ? -1 : Infinity;
  let bestCode = -1;
  for (const code of codes) {
    const v = s.vertices[code]!;
    for (let i = 0; i < v.length; i += 2) {
      const d = distance(v[i + 1]!, v[i]!, lat, lon);
      if (farthest ? d >= best : d <= best) [best, bestCode] = [d, code];
    }
  }
  return s.codes[bestCode]!;
}

export function regionAt(s: Shapes, lat: number, lon: number): string | null {
  const { candidates, inside } = locate(s, lon, lat);
  if (candidates.size === 0) return null;
  // Buffered shapes contain their precise shapes, so one precise match settles steps 2–3 and
  // several go straight to step 5; only points outside every precise shape need the buffers.
  if (inside.size === 1) return s.codes[[...inside][0]!]!;
  if (inside.size > 1) return vertexTieBreak(s, inside, lat, lon, true);
  const near = nearCodes(s, lon, lat);
  if (near.size === 0) return null;
  if (near.size === 1) return s.codes[[...near][0]!]!;
  return vertexTieBreak(s, near, lat, lon, false);
}

export function inRegionAt(s: Shapes, lat: number, lon: number, code: string): boolean {
  const c = s.codeIndex.get(code);
  if (c === undefined) return false;
  for (const i of s.partTree.search(lon, lat, lon, lat)) {
    const part = s.parts[i]!;
    if (part.code === c && inPart(part, lon, lat)) return true;
  }
  return nearCodes(s, lon, lat, c).size > 0;
}

export function inAnyRegionAt(s: Shapes, lat: number, lon: number): boolean {
  return locate(s, lon, lat).inside.size > 0 || nearCodes(s, lon, lat).size > 0;
}
