/**
 * `npm run screenshots -- [--demo] [--map Z/LAT/LON] [BASE_URL]`: the pages a person looks at,
 * from a running Ichnos (default http://localhost:8000/), into docs/screenshots/ for the README.
 * Needs chromium (test/support/browser.ts).
 *
 * --demo: the installation is one filled by `npm run demo:seed`: the map is zoomed on its first
 * city, and a few demo reports are POSTed to /v2/geosubmit while /live is open, so the feed shows
 * them arriving. Without it nothing is submitted (never do that to a real installation's data).
 * --map: the map's view, as in /map#Z/LAT/LON.
 */
import { mkdirSync } from "node:fs";
import { parseArgs } from "node:util";
import type { Page } from "playwright-core";
import { launchBrowser } from "../test/support/browser.ts";
import { DEMO_CITIES, type DemoUpload, demoUploads } from "./demo/cities.ts";
import { postUpload } from "./demo/submit.ts";

const { values, positionals } = parseArgs({ options: { demo: { type: "boolean" }, map: { type: "string" } }, allowPositionals: true });
const base = positionals[0] ?? "http://localhost:8000/";
const demo = values.demo ?? false;
const first = DEMO_CITIES[0]!;
const mapView = values.map ?? (demo ? `12/${first.lat}/${first.lon}` : null);
const LIVE_REPORTS = 2;

interface Shot {
  readonly name: string;
  readonly path: string;
  /** Waits until the page shows what it is for. */
  readonly ready?: (page: Page) => Promise<void>;
  /** The page from its top down to the bottom of this element, instead of the viewport. */
  readonly downTo?: string;
}

const settled = (page: Page) => page.waitForLoadState("networkidle", { timeout: 15_000 });

/** The last reports of each city's first upload, one report an upload, the cities taking turns. */
function liveUploads(): DemoUpload[] {
  const firsts = new Map<string, DemoUpload>();
  for (const u of demoUploads(50 * DEMO_CITIES.length, Date.now())) if (!firsts.has(u.city)) firsts.set(u.city, u);
  return Array.from({ length: LIVE_REPORTS }, (_, i) =>
    [...firsts.values()].map((u) => ({ ...u, body: { items: [u.body.items[u.body.items.length - 1 - i]!] } }))).flat();
}

async function liveReady(page: Page): Promise<void> {
  await page.locator("#live-map[data-connected]").waitFor({ timeout: 15_000 });
  await settled(page);
  if (!demo) return void (await page.waitForTimeout(3000));
  const uploads = liveUploads();
  for (const u of uploads) {
    await postUpload(base, u);
    await page.waitForTimeout(250);
  }
  await page.locator(`#live-list li:nth-child(${uploads.length})`).waitFor({ timeout: 15_000 });
  // The rate is recounted every second.
  await page.waitForTimeout(1000);
}

const SHOTS: readonly Shot[] = [
  { name: "home", path: "/" },
  {
    name: "map", path: mapView ? `/map#${mapView}` : "/map",
    ready: async (page) => {
      await page.locator("#map[data-borders-drawn]").waitFor({ timeout: 15_000 });
      await settled(page);
    },
  },
  { name: "stats", path: "/stats", downTo: "figure.chart" },
  { name: "regions", path: "/stats/regions" },
  { name: "live", path: "/live", ready: liveReady },
  { name: "api", path: "/api" },
  { name: "downloads", path: "/downloads" },
];

mkdirSync("docs/screenshots", { recursive: true });
const browser = await launchBrowser();
try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  for (const shot of SHOTS) {
    const res = await page.goto(new URL(shot.path, base).href);
    if (res?.status() === 404) {
      process.stdout.write(`${shot.path}: 404, no screenshot\n`);
      continue;
    }
    if (!res?.ok()) throw new Error(`${shot.path} answered ${res?.status()}`);
    await (shot.ready ?? settled)(page);
    await page.waitForTimeout(500);
    const box = shot.downTo ? await page.locator(shot.downTo).first().boundingBox() : null;
    const clip = box ? { x: 0, y: 0, width: 1200, height: Math.ceil(box.y + box.height + 24) } : undefined;
    await page.screenshot({ path: `docs/screenshots/${shot.name}.png`, fullPage: clip !== undefined, clip });
    process.stdout.write(`docs/screenshots/${shot.name}.png\n`);
  }
} finally {
  await browser.close();
}
