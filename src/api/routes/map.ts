/**
 * The coverage map (SPEC §1.1 `/map`, `/map.json`): the page, the datamap cells per tile
 * (`/map/data/{z}/{x}/{y}.json`, cached an hour in Redis and by browsers) and the country
 * borders (`/map/borders.json`, built once). `/map.json` names where the tiles are, as
 * Ichnaea's does, plus the raster base map if one is configured.
 */
import { type H3, HTTPError, HTTPResponse } from "h3";
import type { MapData } from "../../map/map-data.ts";
import { parseTile } from "../../map/tiles.ts";
import { mapPage } from "../../web/pages/map.ts";

export interface MapDeps {
  readonly data: MapData;
  /** MAP_TILES_URL. */
  readonly baseTilesUrl?: string;
}

/**
 * h3's HTTPResponse, not a web Response: h3 hands its text to node:http as it is, where a web
 * Response's body would become a ReadableStream of encoded chunks, read back chunk by chunk (a
 * fifth of a warm tile's CPU, BENCHMARKS.md).
 */
const json = (text: string, maxAge: number) =>
  new HTTPResponse(text, { headers: { "content-type": "application/json", "cache-control": `max-age=${maxAge}` } });

export function registerMapRoutes(app: H3, deps: MapDeps): void {
  const pageText = mapPage({ baseTilesUrl: deps.baseTilesUrl }).text;
  app.all("/map", () => new Response(pageText, { headers: { "content-type": "text/html; charset=utf-8", "cache-control": "max-age=3600" } }));
  const mapJson = JSON.stringify({ tiles_url: "/map/data/", base_tiles_url: deps.baseTilesUrl ?? null });
  app.all("/map.json", () => json(mapJson, 3600));
  app.get("/map/borders.json", () => json(deps.data.borders(), 86_400));
  app.get("/map/data/:z/:x/:file", async (event) => {
    const { z, x, file } = event.context.params ?? {};
    const y = /^(\d+)\.json$/.exec(file ?? "")?.[1];
    const tile = y === undefined ? null : parseTile(z ?? "", x ?? "", y);
    if (!tile) throw new HTTPError({ status: 404, statusText: "Not Found" });
    return json(await deps.data.tile(tile), 3600);
  });
}
