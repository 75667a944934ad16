/**
 * The live feed end to end: a web process as `ichnos web` builds it follows the reports streams
 * and pushes each submission to connected WebSocket clients, coarse and without identifiers;
 * ADMIN_TOKEN gets the stored entries; a client that stops reading is dropped, then disconnected,
 * while the others get everything; and in a real browser `/live` shows a report submitted over
 * HTTP within 2 s, with no MAC or exact position in anything the page received.
 */
import type { Browser } from "playwright-core";
import WebSocket from "crossws/websocket";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { createServices, type Services } from "../../src/cli/services.ts";
import { loadConfig } from "../../src/config.ts";
import { applyMigrations } from "../../src/db/migrate.ts";
import { createLogger } from "../../src/logger.ts";
import { createWebProcess, type WebProcess } from "../../src/process/web-process.ts";
import { createAppender } from "../../src/stream/append.ts";
import { launchBrowser } from "../support/browser.ts";
import { createTestDatabase, redisUrl, uniquePrefix } from "../support/infra.ts";
import { waitFor } from "../support/stream-setup.ts";

interface Ctx {
  services: Services;
  web: WebProcess;
  browser: Browser;
  drop: () => Promise<void>;
}
const S = suite<Ctx>("live feed");
const TOKEN = "live-admin-token";
const MAC = "02:00:00:ab:cd:ef";

S.before(async (ctx) => {
  const log = createLogger((process.env.TEST_LOG_LEVEL as "info") ?? "silent");
  const db = await createTestDatabase("live-feed");
  ctx.drop = db.drop;
  await applyMigrations({ databaseUrl: db.url, log });
  const config = loadConfig({
    DATABASE_URL: db.url, REDIS_URL: await redisUrl(), REDIS_PREFIX: uniquePrefix("live"), PORT: "0", HOST: "127.0.0.1", ADMIN_TOKEN: TOKEN, STREAM_PARTITIONS: "2",
  });
  ctx.services = createServices(config, log);
  ctx.web = await createWebProcess(ctx.services);
  ctx.browser = await launchBrowser();
});
S.after(async (ctx) => {
  await ctx.browser?.close();
  await ctx.web?.stop();
  const found = await ctx.services.redis.keys(`${ctx.services.config.redisPrefix}:*`);
  if (found.length) await ctx.services.redis.del(...found);
  await ctx.services.close();
  await ctx.drop();
});

const feedUrl = (web: WebProcess, query = "") => `${web.server.url.replace(/^http/, "ws")}live/feed${query}`;

function connect(url: string): Promise<{ ws: WebSocket; messages: string[] }> {
  const ws = new WebSocket(url);
  const messages: string[] = [];
  ws.addEventListener("message", (e) => messages.push(String(e.data)));
  return new Promise((resolve, reject) => {
    ws.addEventListener("open", () => resolve({ ws, messages }));
    ws.addEventListener("error", () => reject(new Error(`could not connect to ${url}`)));
  });
}

const submit = (web: WebProcess, lat: number, lon: number, userAgent = "NeoStumbler/2.1") => fetch(new URL("v2/geosubmit", web.server.url), {
  method: "POST", headers: { "content-type": "application/json", "user-agent": userAgent },
  body: JSON.stringify({ items: [{ position: { latitude: lat, longitude: lon }, wifiAccessPoints: [{ macAddress: MAC }, { macAddress: "02:00:00:ab:cd:f0" }] }] }),
});

S("a submission reaches a connected client as its grid cell, counts and app, nothing more; the admin gets the entry", async ({ web }) => {
  const pub = await connect(feedUrl(web));
  const admin = await connect(feedUrl(web, `?token=${TOKEN}`));
  try {
    await new Promise((r) => setTimeout(r, 300)); // the followers start at "now"
    assert.is((await submit(web, 52.520_812, 13.409_421)).status, 200);
    await waitFor("both clients got it", async () => pub.messages.length === 1 && admin.messages.length === 1, 5000);
    const message = JSON.parse(pub.messages[0]!);
    assert.equal({ ...message, id: undefined, received: undefined }, { id: undefined, received: undefined, cell: [52.52, 13.409], wifi: 2, cells: 0, blue: 0, client: "NeoStumbler" });
    for (const secret of ["02:00:00", "52.5208", "13.4094"]) assert.not.ok(pub.messages[0]!.includes(secret), secret);
    const full = JSON.parse(admin.messages[0]!);
    assert.is(full.entry.report.wifiAccessPoints.length, 2, "the stored entry, networks included");
    assert.is(full.entry.report.position.latitude, 52.520_812);
  } finally {
    pub.ws.close();
    admin.ws.close();
  }
});

S("a wrong token is refused", async ({ web }) => {
  const refused = await connect(feedUrl(web, "?token=guess")).then(({ ws }) => {
    ws.close();
    return false;
  }, () => true);
  assert.ok(refused, "the upgrade was refused");
});

S("a client that stops reading misses messages and is disconnected; the others get every one", async ({ web, services }) => {
  const healthy = await connect(feedUrl(web, `?token=${TOKEN}`));
  const stalled = await connect(feedUrl(web, `?token=${TOKEN}`));
  const closed = new Promise<number>((resolve) => stalled.ws.addEventListener("close", (e) => resolve(e.code)));
  // Stop reading: the server's socket buffer for this client fills up.
  (stalled.ws as unknown as { _socket: { pause(): void } })._socket.pause();
  await new Promise((r) => setTimeout(r, 300));
  const before = web.live.stats();
  const appender = createAppender(services.redis, services.keys);
  const padding = "x".repeat(2000);
  const total = 12_000;
  for (let i = 0; i < total; i += 500) {
    const batch = Array.from({ length: 500 }, (_, j) => ({
      api_key: null, source: "gnss", received: Date.now(), user_agent: padding,
      report: { timestamp: Date.now(), position: { latitude: 10, longitude: (i + j) / 1000 }, wifiAccessPoints: [], cellTowers: [], bluetoothBeacons: [] },
    }));
    await appender.append(services.keys.reportStreams()[i % 2]!, batch);
  }
  await waitFor("the healthy client got every report", async () => healthy.messages.length === total, 20_000);
  const stats = web.live.stats();
  assert.ok(stats.dropped > before.dropped, `messages to the stalled client were dropped (${JSON.stringify(stats)})`);
  assert.is(stats.disconnected - before.disconnected, 1, "and it was disconnected");
  (stalled.ws as unknown as { _socket: { resume(): void } })._socket.resume();
  assert.is(await closed, 1013, "with the documented close code");
  assert.ok(stalled.messages.length < total);
  healthy.ws.close();
});

S("in a real browser /live shows a report submitted over HTTP within 2 s, and nothing it received names a MAC or the exact position", async ({ web, browser }) => {
  const page = await browser.newPage();
  const received: string[] = [];
  page.on("websocket", (ws) => ws.on("framereceived", (f) => received.push(String(f.payload))));
  page.on("response", async (r) => {
    if (!r.url().endsWith("/map/borders.json")) received.push(await r.text().catch(() => ""));
  });
  try {
    await page.goto(new URL("live", web.server.url).href);
    await page.locator("#live-map[data-connected]").waitFor({ timeout: 10_000 });
    const started = Date.now();
    assert.is((await submit(web, 48.858_370, 2.294_481, "TowerCollector/3.0")).status, 200);
    await page.locator("#live-list li").first().waitFor({ timeout: 2000 });
    const elapsed = Date.now() - started;
    const text = (await page.locator("#live-list li").first().textContent()) ?? "";
    assert.match(text, /48\.858, 2\.294 · 2 Wi-Fi, 0 cells, 0 Bluetooth · TowerCollector/);
    assert.ok(elapsed <= 2000, `shown after ${elapsed} ms`);
    const all = received.join("\n");
    for (const secret of ["02:00:00", "0200000", "48.85837", "2.29448"]) assert.not.ok(all.includes(secret), `the page never received ${secret}`);
  } finally {
    await page.close();
  }
});

S.run();
