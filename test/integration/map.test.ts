/**
 * The coverage map: datamap cells per tile (merged to the zoom's cell size, from the right
 * shards, cached an hour), the borders and `/map.json`; and in a real browser the page draws
 * the borders and the test's cells with no internet (screenshot in test-artifacts/).
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { datamapShard, encodeGrid, scaleDatamap } from "../../src/domain/datamap/grid.ts";
import { artifactPath } from "../support/artifacts.ts";
import { type BrowserWebEnv, closeBrowserWebEnv, createBrowserWebEnv } from "../support/browser-web-env.ts";
import type { WebTestEnv } from "../support/web-setup.ts";

const S = suite<BrowserWebEnv>("coverage map");

/** What the pixel count reads of a page's canvas (the tests compile without the DOM's types). */
interface PaintedCanvas {
  readonly width: number;
  readonly height: number;
  getContext(kind: "2d"): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } } | null;
}

async function seen(env: WebTestEnv, places: readonly (readonly [number, number])[]): Promise<void> {
  for (const [lat, lon] of places) {
    const [la, lo] = scaleDatamap(lat, lon);
    await env.pool.query(`INSERT IGNORE INTO datamap_${datamapShard(la, lo)} (grid, created, modified) VALUES (?, CURDATE(), CURDATE())`, [encodeGrid(la, lo)]);
  }
}

/** A street in London, cell by cell, and one place in Sydney. */
const LONDON = Array.from({ length: 40 }, (_, i) => [51.5, -0.17 + i * 0.001] as const);
const SYDNEY = [[-33.87, 151.21]] as const;

S.before(async (ctx) => {
  Object.assign(ctx, await createBrowserWebEnv("map", (env) => seen(env, [...LONDON, ...SYDNEY])));
});
S.after((ctx) => closeBrowserWebEnv(ctx));

const tile = async (env: WebTestEnv, path: string) => {
  const res = await env.app.request(path);
  assert.is(res.status, 200, path);
  assert.is(res.headers.get("cache-control"), "max-age=3600");
  return (await res.json()) as { step: number; cells: number[] };
};
const pairs = (cells: number[]) => Array.from({ length: cells.length / 2 }, (_, i) => [cells[2 * i]!, cells[2 * i + 1]!]);

S("a tile holds its datamap cells merged to the zoom's size; the world tile both cities", async ({ env }) => {
  const london = await tile(env, "/map/data/12/2046/1362.json");
  assert.is(london.step, 1);
  assert.is(london.cells.length / 2, 40, "every London cell, at the grid's own size");
  const city = await tile(env, "/map/data/8/127/85.json");
  assert.is(city.step, 16);
  assert.equal(pairs(city.cells).sort(), [[3218, -11], [3218, -10], [3218, -9]].sort(), "the street merged into three cells of 0.016°");
  const world = await tile(env, "/map/data/0/0/0.json");
  assert.equal(pairs(world.cells).sort(), [[-9, 36], [12, -1]].sort(), "London and Sydney in 4.096° cells");
  assert.equal((await tile(env, "/map/data/12/0/0.json")).cells, [], "nothing seen there");
});

S("tiles come from the cache for an hour; bad tile paths are 404", async ({ env }) => {
  await seen(env, [[48.85, 2.35]]);
  const first = await tile(env, "/map/data/3/4/2.json");
  await env.pool.query("DELETE FROM datamap_nw");
  assert.equal(await tile(env, "/map/data/3/4/2.json"), first);
  for (const path of ["/map/data/14/0/0.json", "/map/data/1/2/0.json", "/map/data/1/0/0.png", "/map/data/a/0/0.json"]) {
    assert.is((await env.app.request(path)).status, 404, path);
  }
  await seen(env, [...LONDON]);
});

S("/map.json names the tiles; /map/borders.json has every region's border", async ({ env }) => {
  assert.equal(await (await env.app.request("/map.json")).json(), { tiles_url: "/map/data/", base_tiles_url: null });
  const borders = (await (await env.app.request("/map/borders.json")).json()) as { features: { properties: { code: string } }[] };
  assert.ok(borders.features.length > 200);
  assert.ok(borders.features.some((f) => f.properties.code === "GB"));
});

S("in a real browser the map draws the borders and the cells, from Ichnos alone", async ({ server, browser }) => {
  const page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
  const outside: string[] = [];
  page.on("request", (r) => {
    if (!r.url().startsWith(server.url)) outside.push(r.url());
  });
  try {
    await page.goto(new URL("/map", server.url).href);
    const map = page.locator("#map[data-cells-drawn][data-borders-drawn]");
    await map.waitFor({ timeout: 15_000 });
    assert.ok(Number(await map.getAttribute("data-cells-drawn")) > 0, "cells were drawn");
    assert.ok(Number(await map.getAttribute("data-borders-drawn")) > 200, "the borders were drawn");
    // Pixels the coverage layer painted, over every tile canvas (a function: the page's CSP forbids eval).
    const painted = await page.locator(".leaflet-pane canvas").evaluateAll((canvases: readonly PaintedCanvas[]) => canvases.reduce((n, c) => {
      const d = c.getContext("2d")!.getImageData(0, 0, c.width, c.height).data;
      let m = n;
      for (let i = 3; i < d.length; i += 4) if (d[i]! > 0) m++;
      return m;
    }, 0));
    assert.ok(painted > 0, `the coverage canvases have painted pixels (${painted})`);
    assert.ok(await page.locator(".leaflet-overlay-pane path").count() > 0, "the borders are drawn as vector paths");
    await page.screenshot({ path: artifactPath("map.png") });
    assert.equal(outside, [], "nothing was fetched from anywhere but Ichnos");
  } finally {
    await page.close();
  }
});

S("the map opens at the view in its address (#zoom/lat/lon) and keeps the address up to date", async ({ server, browser }) => {
  const page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
  try {
    await page.goto(new URL("/map#12/51.5/-0.15", server.url).href);
    await page.locator("#map[data-cells-drawn]").waitFor({ timeout: 15_000 });
    const view = () => page.evaluate(() => {
      const map = (globalThis as unknown as { ichnosMap: { getZoom(): number; getCenter(): { lat: number; lng: number } } }).ichnosMap;
      return { zoom: map.getZoom(), lat: Math.round(map.getCenter().lat * 100) / 100, lon: Math.round(map.getCenter().lng * 100) / 100 };
    });
    assert.equal(await view(), { zoom: 12, lat: 51.5, lon: -0.15 });
    // The tests compile without the DOM's types.
    type Address = { location: { hash: string } };
    await page.locator(".leaflet-control-zoom-out").click();
    await page.waitForFunction(() => (globalThis as unknown as Address).location.hash.startsWith("#11/"), undefined, { timeout: 5_000 });
    assert.is(await page.evaluate(() => (globalThis as unknown as Address).location.hash), "#11/51.5000/-0.1500");
    await page.evaluate(() => {
      (globalThis as unknown as Address).location.hash = "#5/48.85/2.35";
    });
    await page.waitForFunction(() => (globalThis as unknown as { ichnosMap: { getZoom(): number } }).ichnosMap.getZoom() === 5, undefined, { timeout: 5_000 });
    assert.equal(await view(), { zoom: 5, lat: 48.85, lon: 2.35 });
  } finally {
    await page.close();
  }
});

S.run();
