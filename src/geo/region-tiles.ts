/**
 * What region-locate.ts would answer for every point of a rectangle at once, when that is
 * provably one answer; the tile cache (tile-cache.ts) memoises these per tile.
 *
 * The argument: region(), inRegion() and anyRegion() combine (a) which parts' precise shapes
 * contain the point and (b) which regions have a boundary edge within BUFFER_DEGREES of it.
 * (a) is an even-odd crossing count, which can only change where a ring edge is crossed, and a
 *     box check; so with no ring edge meeting the rectangle, and the rectangle wholly inside or
 *     outside each part's box, one evaluation at the centre holds for all of it.
 * (b) per edge, is constant when the edge is farther than the buffer from the whole rectangle,
 *     or nearer than it from the whole rectangle (its farthest corner).
 * Both hold with a margin of MARGIN, far above the ~1e-13° rounding of the exact code, so its
 * floating-point answers at any point of the rectangle agree with the one computed here.
 * Anything else (tie-breaks between overlapping shapes or buffers) is left to the exact code.
 */
import Flatbush from "flatbush";
import { ringParity } from "./region-locate.ts";
import { BUFFER_DEGREES, type Part, type Shapes } from "./region-shapes.ts";
import { type Rect, segmentHitsRect, segmentRectDistance, segmentRectFarthest } from "./tile-geometry.ts";

const MARGIN = 1e-9;

/** A tile's answers; `undefined` means "differs within the tile, ask a smaller tile". */
export interface TileAnswers {
  readonly region: string | null | undefined;
  readonly any: boolean | undefined;
  /** Region numbers whose inRegion() is true everywhere in the tile. */
  readonly member: readonly number[];
  /** Region numbers whose inRegion() may vary; `undefined`: any region's may. */
  readonly unsure: readonly number[] | undefined;
}

const OPEN: TileAnswers = { region: undefined, any: undefined, member: [], unsure: undefined };

/** Every ring edge of every part, including the closing one inPart's loop visits. */
export interface PartEdges {
  readonly edges: Float64Array;
  readonly tree: Flatbush;
}

export function buildPartEdges(parts: readonly Part[]): PartEdges {
  const list: number[] = [];
  for (const ring of parts.flatMap((p) => p.rings)) {
    for (let i = 0, j = ring.length - 2; i < ring.length; j = i, i += 2) {
      list.push(ring[j]!, ring[j + 1]!, ring[i]!, ring[i + 1]!);
    }
  }
  const edges = Float64Array.from(list);
  const tree = new Flatbush(edges.length / 4);
  for (let i = 0; i < edges.length; i += 4) {
    const [x1, y1, x2, y2] = [edges[i]!, edges[i + 1]!, edges[i + 2]!, edges[i + 3]!];
    tree.add(Math.min(x1, x2), Math.min(y1, y2), Math.max(x1, x2), Math.max(y1, y2));
  }
  tree.finish();
  return { edges, tree };
}

function edgeHits(edges: Float64Array, i: number, r: Rect): boolean {
  return segmentHitsRect(edges[i * 4]!, edges[i * 4 + 1]!, edges[i * 4 + 2]!, edges[i * 4 + 3]!, r);
}

/** Regions whose precise shape holds the whole rectangle, or undefined if that varies in it. */
function insideCodes(s: Shapes, pe: PartEdges, r: Rect): Set<number> | undefined {
  const padded: Rect = [r[0] - MARGIN, r[1] - MARGIN, r[2] + MARGIN, r[3] + MARGIN];
  for (const i of pe.tree.search(...padded)) if (edgeHits(pe.edges, i, padded)) return undefined;
  const [cx, cy] = [(r[0] + r[2]) / 2, (r[1] + r[3]) / 2];
  const inside = new Set<number>();
  // Parts the index skips have buffered, hence also precise, boxes clear of the rectangle.
  for (const i of s.partTree.search(...r)) {
    const part = s.parts[i]!;
    if (!ringParity(part, cx, cy)) continue;
    const [minX, minY, maxX, maxY] = part.box;
    if (r[0] >= minX && r[2] <= maxX && r[1] >= minY && r[3] <= maxY) inside.add(part.code);
    else if (!(r[2] < minX || r[0] > maxX || r[3] < minY || r[1] > maxY)) return undefined;
  }
  return inside;
}

/** Regions with an edge within the buffer of all the rectangle, and of only part of it. */
function nearCodes(s: Shapes, r: Rect): { always: Set<number>; unsure: Set<number> } {
  const [always, unsure] = [new Set<number>(), new Set<number>()];
  const e = s.edges;
  for (const i of s.edgeTree.search(...r)) {
    const code = s.edgeCode[i]!;
    const [x1, y1, x2, y2] = [e[i * 4]!, e[i * 4 + 1]!, e[i * 4 + 2]!, e[i * 4 + 3]!];
    // A zero-length edge divides 0 by 0 in nearEdge and is never near; mirror that.
    if (always.has(code) || (x1 === x2 && y1 === y2)) continue;
    if (segmentRectDistance(x1, y1, x2, y2, r) > BUFFER_DEGREES + MARGIN) continue;
    if (segmentRectFarthest(x1, y1, x2, y2, r) < BUFFER_DEGREES - MARGIN) always.add(code);
    else unsure.add(code);
  }
  for (const code of always) unsure.delete(code);
  return { always, unsure };
}

/** Whether some part's buffered box (as stored in partTree) holds the whole rectangle. */
function covered(s: Shapes, r: Rect): boolean {
  return s.partTree.search(...r).some((i) => {
    const [minX, minY, maxX, maxY] = s.parts[i]!.box;
    const b = BUFFER_DEGREES;
    return minX - b <= r[0] && maxX + b >= r[2] && minY - b <= r[1] && maxY + b >= r[3];
  });
}

/** regionAt's steps over the tile: one precise shape wins; else a single buffer, else null. */
function tileRegion(s: Shapes, r: Rect, inside: Set<number>, near: ReturnType<typeof nearCodes>) {
  if (inside.size === 1) return s.codes[[...inside][0]!]!;
  if (inside.size > 1 || near.unsure.size > 0 || near.always.size > 1) return undefined;
  if (near.always.size === 0) return null;
  // regionAt returns null before looking at buffers when no buffered box holds the point.
  return covered(s, r) ? s.codes[[...near.always][0]!]! : undefined;
}

/** The answers for every point of `r` (closed), as far as they are provably uniform. */
export function classifyTile(s: Shapes, pe: PartEdges, r: Rect): TileAnswers {
  const inside = insideCodes(s, pe, r);
  if (inside === undefined) return OPEN;
  const near = nearCodes(s, r);
  let any: boolean | undefined = inside.size > 0 || near.always.size > 0;
  if (!any && near.unsure.size > 0) any = undefined;
  return {
    region: tileRegion(s, r, inside, near),
    any,
    member: [...new Set([...inside, ...near.always])],
    unsure: [...near.unsure].filter((code) => !inside.has(code)),
  };
}
