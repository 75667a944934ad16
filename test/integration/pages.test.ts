/**
 * The website's pages (SPEC §1.1, §1.2, §6.5): each answers 200 HTML with an hour's cache and the
 * HTML security headers, for any method; the statistics pages show what the tables hold and
 * escape it; and in a real browser the statistics page draws its chart from the test's rows.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { STAT_KEYS } from "../../src/db/stat.ts";
import { artifactPath } from "../support/artifacts.ts";
import { type BrowserWebEnv, closeBrowserWebEnv, createBrowserWebEnv } from "../support/browser-web-env.ts";
import { insertStat } from "../support/stat-rows.ts";
import { clearContentCache } from "../support/web-setup.ts";

const S = suite<BrowserWebEnv>("website pages");
const PAGES = ["/", "/map", "/stats", "/stats/regions", "/live", "/api", "/privacy", "/terms", "/contact", "/optout"];

S.before(async (ctx) => {
  Object.assign(ctx, await createBrowserWebEnv("pages", async (env) => {
    for (const t of ["stat", "region_stat"]) await env.pool.query(`DELETE FROM \`${t}\``);
  }));
});
S.after((ctx) => closeBrowserWebEnv(ctx));
S.before.each(({ env }) => clearContentCache(env));

S("every page answers 200 HTML for any method, cached an hour, with the HTML security headers", async ({ env }) => {
  for (const path of PAGES) {
    for (const method of ["GET", "POST", "HEAD"]) {
      const res = await env.app.request(path, { method });
      assert.is(res.status, 200, `${method} ${path}`);
      assert.match(res.headers.get("content-type") ?? "", /^text\/html/, path);
      assert.is(res.headers.get("cache-control"), "max-age=3600", path);
      assert.match(res.headers.get("content-security-policy") ?? "", /'self'/, path);
      assert.is(res.headers.get("x-frame-options"), "DENY", path);
      assert.is(res.headers.get("x-content-type-options"), "nosniff", path);
      assert.match(res.headers.get("strict-transport-security") ?? "", /max-age=\d+; includeSubDomains/, path);
      if (method === "GET") {
        const body = await res.text();
        assert.match(body, /^<!doctype html>/, path);
        assert.match(body, /GeoLite2 data created by MaxMind/, `${path} carries the GeoLite2 attribution`);
        const current = [...body.matchAll(/<a href="([^"]+)" aria-current="page">/g)].map((m) => m[1]);
        if (current.length > 0) assert.equal(current, [path], `${path} marks itself, and only itself, in the navigation`);
        assert.ok(body.indexOf("/static/css/site.css") > body.lastIndexOf('rel="stylesheet" href="/static/vendor'), `${path}: the site's styles come last, so they win`);
      }
    }
  }
  assert.is((await env.app.request("/nobody-is-home")).status, 404);
});

S("/stats shows today's totals in millions; /stats/regions the regions, names escaped, most cells first", async ({ env }) => {
  const today = new Date().toISOString().slice(0, 10);
  await insertStat(env.pool, STAT_KEYS.unique_wifi, today, 2_345_678);
  await insertStat(env.pool, STAT_KEYS.unique_cell, today, 3_289_900);
  const stats = await (await env.app.request("/stats")).text();
  assert.match(stats, /<dt>Wifi Networks<\/dt><dd>2\.34 <small>million<\/small><\/dd>/);
  assert.match(stats, /<dt>MLS Cells<\/dt><dd>3\.28 <small>million<\/small><\/dd>/);
  assert.match(stats, /<dt>Bluetooth Networks<\/dt><dd>0\.00 /);

  await env.pool.query("INSERT INTO region_stat (region, gsm, wcdma, lte, nr, blue, wifi) VALUES ('DE', 2, 1, 0, 4, 0, 9), ('GB', 0, 0, 1, 0, 3, 0)");
  const regions = await (await env.app.request("/stats/regions")).text();
  const order = [...regions.matchAll(/data-region="([A-Z]{2})"/g)].map((m) => m[1]);
  assert.equal(order, ["DE", "GB"]);
  assert.match(regions, /<tr data-region="DE"><th scope="row">Germany<\/th><td>2<\/td><td>1<\/td><td>0<\/td><td>4<\/td><td>7<\/td><td>9<\/td><td>0<\/td><\/tr>/);
});

S("in a real browser: the home page reads as a page and the statistics page draws its chart", async ({ env, server, browser }) => {
  await env.pool.query("DELETE FROM stat");
  const now = new Date();
  // The first days of the five months before this one: inside the chart's one-year window.
  const months = [5, 4, 3, 2, 1].map((back) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1)).toISOString().slice(0, 10));
  for (const [i, day] of months.entries()) await insertStat(env.pool, STAT_KEYS.unique_wifi, day, (i + 1) * 250_000);
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  try {
    await page.goto(new URL("/", server.url).href);
    assert.is(await page.locator("h1").textContent(), "Ichnos");
    assert.ok(await page.locator("a[href='/stats']").first().isVisible());
    await page.screenshot({ path: artifactPath("home.png"), fullPage: true });

    await page.goto(new URL("/stats", server.url).href);
    const chart = page.locator("figure.chart svg").first();
    assert.is(await chart.getAttribute("data-points"), String(months.length), "the Wi-Fi chart has one point a month");
    const box = await page.locator("figure.chart polyline.series").first().boundingBox();
    assert.ok(box && box.width > 200 && box.height > 50, `the line is drawn across the chart: ${JSON.stringify(box)}`);
    assert.is(await page.locator("figure.chart circle.point").count(), months.length);
    await page.screenshot({ path: artifactPath("stats.png"), fullPage: true });
  } finally {
    await page.close();
  }
});

S.run();
