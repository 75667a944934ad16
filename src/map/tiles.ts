/**
 * The coverage map's tiles: Web Mercator tile z/x/y as a box of datamap grid units (thousandths
 * of a degree, domain/datamap/grid.ts), and the cell size each zoom draws — about two pixels of
 * a 256-pixel tile, so a tile never holds more cells than it can show.
 */
export const MAX_TILE_ZOOM = 13;

export interface TileBox {
  /** Inclusive bounds, in thousandths of a degree. */
  readonly latMin: number;
  readonly latMax: number;
  readonly lonMin: number;
  readonly lonMax: number;
}

export interface Tile {
  readonly z: number;
  readonly x: number;
  readonly y: number;
}

/** The tile named by a path's parts, or null when it names none (the route answers 404). */
export function parseTile(z: string, x: string, y: string): Tile | null {
  if (![z, x, y].every((p) => /^\d{1,5}$/.test(p))) return null;
  const [zn, xn, yn] = [Number(z), Number(x), Number(y)];
  if (zn > MAX_TILE_ZOOM || xn >= 2 ** zn || yn >= 2 ** zn) return null;
  return { z: zn, x: xn, y: yn };
}

const latOfRow = (y: number, z: number) => (Math.atan(Math.sinh(Math.PI * (1 - (2 * y) / 2 ** z))) * 180) / Math.PI;

export function tileBox(t: Tile): TileBox {
  const n = 2 ** t.z;
  return {
    latMin: Math.floor(latOfRow(t.y + 1, t.z) * 1000),
    latMax: Math.ceil(latOfRow(t.y, t.z) * 1000),
    lonMin: Math.floor(((t.x / n) * 360 - 180) * 1000),
    lonMax: Math.ceil((((t.x + 1) / n) * 360 - 180) * 1000),
  };
}

/** Grid units per drawn cell at zoom `z`: a power of two, 1 (≈112 m) from zoom 12 on. */
export function cellStep(z: number): number {
  const unitsPerPixel = 360_000 / 2 ** z / 256;
  return Math.max(1, 2 ** Math.ceil(Math.log2(unitsPerPixel * 2)));
}
