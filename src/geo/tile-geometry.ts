/**
 * Planar segment-vs-rectangle tests in lon/lat degrees for the region tile cache
 * (region-tiles.ts). Callers keep a margin far above these functions' rounding error (~1e-13°),
 * so their answers can be trusted for every point of a rectangle.
 */

/** [minX, minY, maxX, maxY], closed. */
export type Rect = readonly [number, number, number, number];

/** Euclidean distance from a point to a segment (a zero-length segment is a point). */
export function pointSegmentDistance(px: number, py: number, x1: number, y1: number, x2: number, y2: number): number {
  const [dx, dy] = [x2 - x1, y2 - y1];
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - x1) * dx + (py - y1) * dy) / len2));
  return Math.hypot(x1 + t * dx - px, y1 + t * dy - py);
}

function pointRectDistance(px: number, py: number, r: Rect): number {
  return Math.hypot(Math.max(r[0] - px, 0, px - r[2]), Math.max(r[1] - py, 0, py - r[3]));
}

/** Liang–Barsky clipping: whether the closed segment meets the closed rectangle. */
export function segmentHitsRect(x1: number, y1: number, x2: number, y2: number, r: Rect): boolean {
  const [dx, dy] = [x2 - x1, y2 - y1];
  const p = [-dx, dx, -dy, dy];
  const q = [x1 - r[0], r[2] - x1, y1 - r[1], r[3] - y1];
  let [t0, t1] = [0, 1];
  for (let k = 0; k < 4; k++) {
    const [pk, qk] = [p[k]!, q[k]!];
    if (pk === 0) {
      if (qk < 0) return false;
      continue;
    }
    const t = qk / pk;
    if (pk < 0) t0 = Math.max(t0, t);
    else t1 = Math.min(t1, t);
    if (t0 > t1) return false;
  }
  return true;
}

/**
 * Smallest distance between a segment and a rectangle: zero if they meet, otherwise it is
 * reached at a rectangle corner or a segment end (both are convex).
 */
export function segmentRectDistance(x1: number, y1: number, x2: number, y2: number, r: Rect): number {
  if (segmentHitsRect(x1, y1, x2, y2, r)) return 0;
  return Math.min(
    pointRectDistance(x1, y1, r),
    pointRectDistance(x2, y2, r),
    ...corners(r).map(([cx, cy]) => pointSegmentDistance(cx, cy, x1, y1, x2, y2)),
  );
}

/** Largest distance from a rectangle's points to a segment: distance is convex, so a corner's. */
export function segmentRectFarthest(x1: number, y1: number, x2: number, y2: number, r: Rect): number {
  return Math.max(...corners(r).map(([cx, cy]) => pointSegmentDistance(cx, cy, x1, y1, x2, y2)));
}

function corners(r: Rect): [number, number][] {
  return [
    [r[0], r[1]],
    [r[2], r[1]],
    [r[0], r[3]],
    [r[2], r[3]],
  ];
}
