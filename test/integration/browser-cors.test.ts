/**
 * In a real browser: a web page on another origin POSTs JSON to the API. `Content-Type:
 * application/json` makes the browser send a CORS preflight first, which must allow the header
 * and the method (a deliberate difference from Ichnaea, whose preflight allows neither).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser } from "playwright-core";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { createServices, type Services } from "../../src/cli/services.ts";
import { loadConfig } from "../../src/config.ts";
import { applyMigrations } from "../../src/db/migrate.ts";
import { createLogger } from "../../src/logger.ts";
import { createWebProcess, type WebProcess } from "../../src/process/web-process.ts";
import { readRange } from "../../src/stream/stream-commands.ts";
import { launchBrowser } from "../support/browser.ts";
import { createTestDatabase, redisUrl, uniquePrefix } from "../support/infra.ts";

interface Ctx {
  services: Services;
  web: WebProcess;
  page: Server;
  pageUrl: string;
  browser: Browser;
  drop: () => Promise<void>;
}
const S = suite<Ctx>("cross-origin requests from a browser");

/** A page that posts one report to `api` and shows the outcome in its title. */
const PAGE = (api: string) => `<!doctype html><title>pending</title><script>
fetch(${JSON.stringify(`${api}v2/geosubmit`)}, {
  method: "POST", headers: { "Content-Type": "application/json" },
  body: JSON.stringify({ items: [{ position: { latitude: 48.85, longitude: 2.35 }, wifiAccessPoints: [{ macAddress: "02:00:00:00:00:07" }] }] }),
}).then((r) => { document.title = "status " + r.status; }, (e) => { document.title = "blocked " + e; });
</script>`;

S.before(async (ctx) => {
  const log = createLogger((process.env.TEST_LOG_LEVEL as "info") ?? "silent");
  const db = await createTestDatabase("browser-cors");
  ctx.drop = db.drop;
  await applyMigrations({ databaseUrl: db.url, log });
  const config = loadConfig({ DATABASE_URL: db.url, REDIS_URL: await redisUrl(), REDIS_PREFIX: uniquePrefix("browser-cors"), PORT: "0", HOST: "127.0.0.1" });
  ctx.services = createServices(config, log);
  ctx.web = await createWebProcess(ctx.services);
  const api = ctx.web.server.url;
  ctx.page = createServer((_req, res) => res.writeHead(200, { "content-type": "text/html" }).end(PAGE(api)));
  await new Promise<void>((resolve) => ctx.page.listen(0, "127.0.0.1", resolve));
  ctx.pageUrl = `http://127.0.0.1:${(ctx.page.address() as AddressInfo).port}/`;
  ctx.browser = await launchBrowser();
});
S.after(async (ctx) => {
  await ctx.browser?.close();
  await new Promise((resolve) => ctx.page?.close(resolve));
  await ctx.web?.stop();
  const found = await ctx.services.redis.keys(`${ctx.services.config.redisPrefix}:*`);
  if (found.length) await ctx.services.redis.del(...found);
  await ctx.services.close();
  await ctx.drop();
});

S("a page on another origin submits JSON: the preflight allows it and the report arrives", async ({ services, pageUrl, browser }) => {
  const page = await browser.newPage();
  try {
    await page.goto(pageUrl);
    await page.waitForFunction("document.title !== 'pending'", undefined, { timeout: 10_000 });
    assert.is(await page.title(), "status 200");
  } finally {
    await page.close();
  }
  const entries = (await Promise.all(services.keys.reportStreams().map((s) => readRange(services.redis, s, "-", 10)))).flat();
  assert.is(entries.length, 1, "the report reached the reports streams");
});

S.run();
