/**
 * What the coverage map draws: per tile, the datamap cells seen (merged to the zoom's cell size,
 * tiles.ts), cached an hour in Redis as the JSON text the route sends, so that a tile costs MySQL
 * once an hour whoever asks, and held a minute in the web process's memory in front of that
 * (tile-memory.ts); and the country borders of the boundaries Ichnos ships, as one GeoJSON
 * document built once.
 */
import { datamapCellsIn } from "../db/datamap-read.ts";
import { DATAMAP_SHARDS, datamapTable } from "../db/datamap.ts";
import type { ReadPool } from "../db/read-pools.ts";
import { datamapShard } from "../domain/datamap/grid.ts";
import { regionPolygons } from "../geo/region-codes.ts";
import type { Logger } from "../logger.ts";
import type { RedisClient } from "../redis/create-redis.ts";
import { cachedText } from "../stats/content-cache.ts";
import { KEY_FORMATS } from "../stream/keys.ts";
import { createTileMemory } from "./tile-memory.ts";
import { cellStep, type Tile, tileBox, type TileBox } from "./tiles.ts";

/** How long a web process keeps a tile it read from Redis or MySQL, and how much tile text at most. */
export const TILE_MEMORY_MS = 60_000;
export const TILE_MEMORY_BYTES = 32 * 2 ** 20;

export interface TileData {
  /** Cell size in thousandths of a degree. */
  readonly step: number;
  /** Flat `[lat index, lon index, …]`: cell i covers `[index × step, (index + 1) × step)`. */
  readonly cells: readonly number[];
}

export interface MapData {
  /** The tile's TileData as JSON text. */
  tile(t: Tile): Promise<string>;
  /** The borders as GeoJSON text. */
  borders(): string;
}

/** The shard tables a box touches (datamapShard's split at 36° N and 5° E). */
function tablesFor(box: TileBox): string[] {
  const corners = [[box.latMin, box.lonMin], [box.latMin, box.lonMax], [box.latMax, box.lonMin], [box.latMax, box.lonMax]] as const;
  const shards = new Set(corners.map(([la, lo]) => datamapShard(la, lo)));
  // Its four corners lie in every shard it touches: the split lines are straight.
  return DATAMAP_SHARDS.filter((s) => shards.has(s)).map(datamapTable);
}

const round3 = (v: number) => Math.round(v * 1000) / 1000;

function bordersGeoJson(): string {
  const features = [...regionPolygons()].map(([code, polygons]) => ({
    type: "Feature", properties: { code },
    geometry: { type: "MultiPolygon", coordinates: polygons.map((poly) => poly.map((ring) => ring.map(([lon, lat]) => [round3(lon!), round3(lat!)]))) },
  }));
  return JSON.stringify({ type: "FeatureCollection", features });
}

export function createMapData(deps: {
  readonly pool: ReadPool; readonly redis: RedisClient; readonly prefix: string; readonly log: Logger; readonly now?: () => number;
}): MapData {
  let borders: string | null = null;
  const memory = createTileMemory({ ttlMs: TILE_MEMORY_MS, maxBytes: TILE_MEMORY_BYTES, now: deps.now ?? Date.now });
  const load = (t: Tile) => cachedText(deps.redis, KEY_FORMATS.contentCache(deps.prefix, `datamap:1:${t.z}/${t.x}/${t.y}`), deps.log, async () => {
    const box = tileBox(t);
    const step = cellStep(t.z);
    const cells = await datamapCellsIn(deps.pool, tablesFor(box), box, step);
    return JSON.stringify({ step, cells: cells.flat() } satisfies TileData);
  });
  return {
    tile: (t) => memory.read(`${t.z}/${t.x}/${t.y}`, () => load(t)),
    borders: () => (borders ??= bordersGeoJson()),
  };
}
