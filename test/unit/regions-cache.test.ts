/**
 * The tile cache must never change an answer: compare the cached lookup with the exact one on
 * random points worldwide and, densely, where tiles get hard (borders, coasts, buffer contours,
 * tile corners, polygon vertices).
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { buildShapes } from "../../src/geo/region-shapes.ts";
import { createRegionLookup } from "../../src/geo/regions.ts";

type Point = readonly [number, number];

const exact = createRegionLookup({ tileCache: false });
const cached = createRegionLookup();
// A tiny cache rotates its generations constantly, so eviction and promotion get exercised.
const tiny = createRegionLookup({ tileCacheSize: 500 });

let seed = 20240601;
/** mulberry32: reproducible, so a failure can be replayed. */
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), seed | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

const around = (lat: number, lon: number, dLat: number, dLon: number, n: number): Point[] =>
  Array.from({ length: n }, () => [lat + (random() * 2 - 1) * dLat, lon + (random() * 2 - 1) * dLon] as const);

function worldwide(n: number): Point[] {
  return Array.from({ length: n }, () => [random() * 180 - 90, random() * 360 - 180] as const);
}

/** Boundary vertices, points a hair off them, and points near the 0.5° buffer contour. */
function nearEdges(n: number): Point[] {
  const e = buildShapes().edges;
  const out: Point[] = [];
  while (out.length < n) {
    const i = Math.floor((random() * e.length) / 4) * 4;
    const [x1, y1, x2, y2] = [e[i]!, e[i + 1]!, e[i + 2]!, e[i + 3]!];
    const len = Math.hypot(x2 - x1, y2 - y1) || 1;
    const t = random();
    const off = (random() < 0.5 ? 0.5 : 0) + (random() * 2 - 1) * 10 ** -(3 + Math.floor(random() * 10));
    const side = random() < 0.5 ? -1 : 1;
    const [x, y] = [x1 + t * (x2 - x1) + (side * off * -(y2 - y1)) / len, y1 + t * (y2 - y1) + (side * off * (x2 - x1)) / len];
    out.push(random() < 0.1 ? [y1, x1] : [y, x]);
  }
  return out;
}

/** Exact tile corners and edges in Europe, where a point's tile index is decided by rounding. */
function tileCorners(n: number): Point[] {
  return Array.from({ length: n }, () => {
    const step = [0.05, 0.1, 0.4, 3.2][Math.floor(random() * 4)]!;
    const lat = -90 + Math.round((126 + random() * 34) / step) * step;
    const lon = -180 + Math.round((170 + random() * 50) / step) * step;
    return [random() < 0.5 ? lat : lat + (random() - 0.5) * 1e-12, lon] as const;
  });
}

/** A walk through Berlin, like one city's stations and reports. */
function cityWalk(n: number): Point[] {
  let [lat, lon] = [52.52, 13.4];
  return Array.from({ length: n }, () => {
    lat = 52.52 + Math.max(-0.15, Math.min(0.15, lat - 52.52 + (random() - 0.5) * 0.004));
    lon = 13.4 + Math.max(-0.25, Math.min(0.25, lon - 13.4 + (random() - 0.5) * 0.006));
    return [lat, lon] as const;
  });
}

const CODES = ["FR", "CH", "GB", "ES", "GI", "DE", "US", "RU", "XX"];

/** Asserts equal answers; the message (and its string building) only on a mismatch. */
function same<T>(got: T, want: T, what: string, lat: number, lon: number): void {
  if (!Object.is(got, want)) assert.is(got, want, `${what} at (${lat}, ${lon})`);
}

function compare(points: readonly Point[], lookup = cached): number {
  for (const [lat, lon] of points) {
    const region = exact.region(lat, lon);
    same(lookup.region(lat, lon), region, "region", lat, lon);
    same(lookup.anyRegion(lat, lon), exact.anyRegion(lat, lon), "anyRegion", lat, lon);
    for (const code of [CODES[Math.floor(random() * CODES.length)]!, region ?? "FR"]) {
      same(lookup.inRegion(lat, lon, code), exact.inRegion(lat, lon, code), `inRegion ${code}`, lat, lon);
    }
  }
  return points.length;
}

test("cached answers equal exact ones on 200 000+ points", () => {
  let n = compare(worldwide(60_000));
  n += compare(around(46.2, 6.1, 0.6, 0.8, 25_000)); // Geneva: CH/FR border, lake
  n += compare(around(50.5, 0.5, 1.2, 2.5, 20_000)); // the Channel: two coasts and buffers
  n += compare(around(36.1, -5.4, 0.6, 0.8, 15_000)); // Gibraltar: GI, ES, MA
  n += compare(around(47.6, 9.5, 0.4, 0.6, 10_000)); // Lake Constance: DE/AT/CH
  n += compare(around(55.6, 12.7, 0.5, 0.8, 10_000)); // Øresund: DK/SE
  n += compare(around(50, 10, 15, 25, 20_000)); // Europe at large
  n += compare(nearEdges(20_000));
  n += compare(tileCorners(10_000));
  n += compare(cityWalk(10_000));
  assert.ok(n >= 200_000, `${n} points`);
});

test("a tiny, constantly evicting cache answers the same", () => {
  compare(around(46.2, 6.1, 0.6, 0.8, 5_000), tiny);
  compare(worldwide(5_000), tiny);
});

test("positions off the grid fall back to the exact answers", () => {
  const odd: Point[] = [[90, 0], [-90, 0], [0, 180], [0, -180], [45, 200], [100, 0], [Number.NaN, 0], [0, Number.NaN]];
  compare(odd);
});

test("regionForCell follows the cached lookups", () => {
  for (const [lat, lon] of around(46.2, 6.1, 0.6, 0.8, 2_000)) {
    for (const mcc of [208, 228, 295]) assert.is(cached.regionForCell(lat, lon, mcc), exact.regionForCell(lat, lon, mcc));
  }
});

test.run();
