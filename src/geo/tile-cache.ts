/**
 * A lazily filled quadtree of lon/lat tiles, from 3.2° down to 0.05°, each holding what
 * classifyTile (region-tiles.ts) proved about it. A query walks from the big tile to the small
 * ones until one answers, so country interiors and open sea resolve in one or two Map look-ups
 * while borders and coasts get 0.05° tiles (≈ 5 km: a city's stations share a few dozen), and
 * only the points of leaf tiles that straddle an edge or a buffer contour pay the exact code.
 */
import type { TileAnswers } from "./region-tiles.ts";
import type { Rect } from "./tile-geometry.ts";

const LEAF_DEGREES = 0.05;
const LEVELS = 7;
/**
 * Tiles are classified padded by this much, so a point rounded into a neighbouring index by
 * `(lon + 180) / size` still lies in the rectangle its answers were proved for.
 */
const PAD = 1e-9;

interface Level {
  readonly size: number;
  readonly columns: number;
  readonly base: number;
}

/** Level 0 is the coarsest; keys of all levels share one number space (< 2^26, Smis). */
const LEVEL_TABLE: readonly Level[] = (() => {
  const out: Level[] = [];
  let base = 0;
  for (let k = 0; k < LEVELS; k++) {
    const size = LEAF_DEGREES * 2 ** (LEVELS - 1 - k);
    const columns = Math.ceil(360 / size);
    out.push({ size, columns, base });
    base += columns * Math.ceil(180 / size);
  }
  return out;
})();

export interface TileCache {
  /** The first tile answer `pick` accepts, coarse to fine; undefined: ask the exact code. */
  query<T, A>(lat: number, lon: number, pick: (t: TileAnswers, arg: A) => T | undefined, arg: A): T | undefined;
  /** How many tiles are held now (at most the cap). */
  readonly size: number;
}

/**
 * `cap` bounds the tiles held: two generations of cap/2 each, the older dropped when the newer
 * fills, and hits in the older promoted — LRU-like without per-hit reordering.
 */
export function createTileCache(classify: (r: Rect) => TileAnswers, cap = 200_000): TileCache {
  let young = new Map<number, TileAnswers>();
  let old = new Map<number, TileAnswers>();
  const tile = (k: number, lat: number, lon: number): TileAnswers => {
    const { size, columns, base } = LEVEL_TABLE[k]!;
    const ix = Math.floor((lon + 180) / size);
    const iy = Math.floor((lat + 90) / size);
    const key = base + iy * columns + ix;
    const hit = young.get(key);
    if (hit !== undefined) return hit;
    const [x0, y0] = [ix * size - 180, iy * size - 90];
    const t = old.get(key) ?? classify([x0 - PAD, y0 - PAD, x0 + size + PAD, y0 + size + PAD]);
    if (young.size >= cap / 2) [old, young] = [young, new Map()];
    young.set(key, t);
    return t;
  };
  return {
    query(lat, lon, pick, arg) {
      // NaN and out-of-range positions have no tile; the exact code decides what they get.
      if (!(lat >= -90 && lat < 90 && lon >= -180 && lon < 180)) return undefined;
      for (let k = 0; k < LEVELS; k++) {
        const v = pick(tile(k, lat, lon), arg);
        if (v !== undefined) return v;
      }
      return undefined;
    },
    get size() {
      return young.size + old.size;
    },
  };
}
