/**
 * `npm run screenshots [-- BASE_URL]`: the pages a person looks at, from a running Ichnos
 * (default http://localhost:8000/), into docs/screenshots/ for the README. Needs chromium.
 */
import { mkdirSync } from "node:fs";
import { launchBrowser } from "../test/support/browser.ts";

const base = process.argv[2] ?? "http://localhost:8000/";
const PAGES: readonly (readonly [string, string, string | null])[] = [
  ["home", "/", null], ["map", "/map", "#map[data-cells-drawn]"], ["stats", "/stats", null],
  ["regions", "/stats/regions", null], ["live", "/live", "#live-map[data-connected]"], ["api", "/api", null],
];

mkdirSync("docs/screenshots", { recursive: true });
const browser = await launchBrowser();
try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  for (const [name, path, ready] of PAGES) {
    await page.goto(new URL(path, base).href);
    if (ready) await page.locator(ready).waitFor({ timeout: 15_000 });
    await page.waitForTimeout(500);
    await page.screenshot({ path: `docs/screenshots/${name}.png` });
    process.stdout.write(`docs/screenshots/${name}.png\n`);
  }
} finally {
  await browser.close();
}
