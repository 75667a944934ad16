/**
 * The zoom sweep: for each zoom 0…MAX_TILE_ZOOM the tiles a map viewer of the seeded areas asks
 * for. Where the whole world has at most `perZoom` tiles (zooms 0–3 with the default), every
 * tile, the empty ones too, as a viewer of the whole map loads them; above, a seeded sample of
 * `perZoom` of the tiles that hold at least one seeded cell (all of them when there are fewer).
 * The URLs are in zoom order, so a run cycling through them keeps requests of one zoom together.
 * Beside them, `spare`: covering tiles of the top zoom that the sweep did not take, for warming up
 * a fresh web process's code without putting any sweep tile in its memory.
 */
import { MAX_TILE_ZOOM, type Tile } from "../../src/map/tiles.ts";
import { prng } from "../../src/util/prng.ts";
import type { DatamapWorld } from "./datamap-world.ts";

export interface SweepTile extends Tile {
  readonly path: string;
  /** Seeded cells whose centre lies in the tile. */
  readonly cells: number;
}

export interface ZoomPlan {
  readonly z: number;
  /** Tiles with at least one seeded cell at this zoom. */
  readonly covering: number;
  readonly chosen: number;
  /** Whether every tile of the world was taken. */
  readonly wholeWorld: boolean;
}

export interface Sweep {
  readonly tiles: readonly SweepTile[];
  readonly zooms: readonly ZoomPlan[];
  readonly spare: readonly SweepTile[];
}

const SPARE_TILES = 60;

/** Web Mercator tile column and row of a point in degrees (the slippy-map formulas). */
export function tileOf(lat: number, lon: number, z: number): { x: number; y: number } {
  const n = 2 ** z;
  const phi = (lat * Math.PI) / 180;
  const x = Math.floor(((lon + 180) / 360) * n);
  const y = Math.floor(((1 - Math.log(Math.tan(phi) + 1 / Math.cos(phi)) / Math.PI) / 2) * n);
  return { x: Math.min(n - 1, Math.max(0, x)), y: Math.min(n - 1, Math.max(0, y)) };
}

const tilePath = (z: number, x: number, y: number) => `/map/data/${z}/${x}/${y}.json`;

function shuffled<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

export function buildSweep(world: DatamapWorld, options: { readonly perZoom: number; readonly seed: number }): Sweep {
  const random = prng(options.seed ^ 0x711e5);
  const tiles: SweepTile[] = [];
  const zooms: ZoomPlan[] = [];
  let spare: SweepTile[] = [];
  for (let z = 0; z <= MAX_TILE_ZOOM; z++) {
    const n = 2 ** z;
    const counts = new Map<number, number>();
    for (let i = 0; i < world.count; i++) {
      const { x, y } = tileOf((world.cells[2 * i]! + 0.5) / 1000, (world.cells[2 * i + 1]! + 0.5) / 1000, z);
      counts.set(y * n + x, (counts.get(y * n + x) ?? 0) + 1);
    }
    const wholeWorld = n * n <= options.perZoom;
    const order = wholeWorld ? Array.from({ length: n * n }, (_, k) => k) : shuffled([...counts.keys()].sort((a, b) => a - b), random);
    const tileAt = (k: number): SweepTile => {
      const x = k % n;
      const y = Math.floor(k / n);
      return { z, x, y, path: tilePath(z, x, y), cells: counts.get(k) ?? 0 };
    };
    const keys = order.slice(0, options.perZoom).sort((a, b) => a - b);
    tiles.push(...keys.map(tileAt));
    spare = order.slice(options.perZoom, options.perZoom + SPARE_TILES).map(tileAt);
    zooms.push({ z, covering: counts.size, chosen: keys.length, wholeWorld });
  }
  return { tiles, zooms, spare };
}
