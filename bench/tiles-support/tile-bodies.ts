/**
 * Every tile of the sweep fetched once from the web process (from its cache, after the cold
 * passes), checked (200, one content-type and cache-control for all), and written under a
 * directory as `<z>/<x>/<y>.json` for the static ceiling (static-child.ts), so that both
 * servers send exactly the same body for each URL.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { SweepTile } from "./sweep.ts";

export interface TileBodies {
  readonly lengths: readonly number[];
  /** Seeded cells drawn per tile (after merging to the zoom's cell size). */
  readonly drawnCells: readonly number[];
  readonly contentType: string;
  readonly cacheControl: string;
}

export async function fetchTileBodies(url: string, tiles: readonly SweepTile[], dir: string): Promise<TileBodies> {
  const lengths: number[] = [];
  const drawnCells: number[] = [];
  let headers: { contentType: string; cacheControl: string } | null = null;
  for (const tile of tiles) {
    const res = await fetch(`${url}${tile.path}`);
    const body = Buffer.from(await res.arrayBuffer());
    if (res.status !== 200) throw new Error(`${tile.path}: ${res.status} ${body.toString("utf8").slice(0, 200)}`);
    const got = { contentType: res.headers.get("content-type") ?? "", cacheControl: res.headers.get("cache-control") ?? "" };
    headers ??= got;
    if (got.contentType !== headers.contentType || got.cacheControl !== headers.cacheControl) {
      throw new Error(`${tile.path}: headers ${JSON.stringify(got)}, not ${JSON.stringify(headers)} like the first tile`);
    }
    const parsed = JSON.parse(body.toString("utf8")) as { cells: number[] };
    lengths.push(body.length);
    drawnCells.push(parsed.cells.length / 2);
    await mkdir(join(dir, String(tile.z), String(tile.x)), { recursive: true });
    await writeFile(join(dir, String(tile.z), String(tile.x), `${tile.y}.json`), body);
  }
  if (!headers) throw new Error("the sweep has no tiles");
  return { lengths, drawnCells, ...headers };
}
