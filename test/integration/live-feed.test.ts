/**
 * The live feed end to end: a web process as `ichnos web` builds it follows the reports streams
 * and pushes each submission to connected WebSocket clients, coarse and without identifiers;
 * ADMIN_TOKEN gets the stored entries; a client that stops reading is dropped, then disconnected,
 * while submissions go on and the others get every frame; and in a real browser `/live` shows a report submitted over
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

interface Client {
  ws: WebSocket;
  /** The frames as received. */
  frames: string[];
  /** The reports of every frame, in order. */
  reports: Record<string, unknown>[];
  /** Reports counted in the frames' `omitted`. */
  omitted: number;
}

/**
 * The `ws` client, which crossws's Node build picks when given options: the stalled-reader test
 * pauses its socket. Node 22 and later also have a global WebSocket (undici), which crossws
 * prefers otherwise and which has no socket to pause.
 */
const WsClient = WebSocket as unknown as new (url: string, protocols: string[], options: object) => WebSocket;

function connect(url: string): Promise<Client> {
  const ws = new WsClient(url, [], {});
  const client: Client = { ws, frames: [], reports: [], omitted: 0 };
  ws.addEventListener("message", (e) => {
    // Text frames, as a browser's JSON.parse(e.data) needs: a binary frame would arrive as bytes.
    if (typeof e.data !== "string") throw new Error(`a binary frame arrived: ${typeof e.data}`);
    const text = e.data;
    const frame = JSON.parse(text) as { reports: Record<string, unknown>[]; omitted: number };
    client.frames.push(text);
    client.reports.push(...frame.reports);
    client.omitted += frame.omitted;
  });
  return new Promise((resolve, reject) => {
    ws.addEventListener("open", () => resolve(client));
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
    // No wait: a connection starts the feed at "now" as of its opening, so what follows is shown.
    assert.is((await submit(web, 52.520_812, 13.409_421)).status, 200);
    await waitFor("both clients got it", async () => pub.reports.length === 1 && admin.reports.length === 1, 5000);
    assert.is(pub.frames.length, 1, "one frame");
    const message = pub.reports[0]!;
    assert.equal({ ...message, id: undefined, received: undefined }, { id: undefined, received: undefined, cell: [52.52, 13.409], wifi: 2, cells: 0, blue: 0, client: "NeoStumbler" });
    for (const secret of ["02:00:00", "52.5208", "13.4094"]) assert.not.ok(pub.frames[0]!.includes(secret), secret);
    const full = admin.reports[0] as { stream: string; entry: { report: { wifiAccessPoints: unknown[]; position: { latitude: number } } } };
    assert.match(full.stream, /^reports:[01]$/);
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

S("a client that stops reading misses frames and is disconnected while submissions go on; the others get every frame", async ({ web, services }) => {
  const healthy = await connect(feedUrl(web, `?token=${TOKEN}`));
  const stalled = await connect(feedUrl(web, `?token=${TOKEN}`));
  const closed = new Promise<number>((resolve) => stalled.ws.addEventListener("close", (e) => resolve(e.code)));
  // Stop reading: the server's socket buffer for this client fills up.
  (stalled.ws as unknown as { _socket: { pause(): void } })._socket.pause();
  await new Promise((r) => setTimeout(r, 300));
  const before = web.live.stats();
  const appender = createAppender(services.redis, services.keys);
  const padding = "x".repeat(2000);
  // Reports keep arriving (about 2,000/s) until the server gives up on the stalled client.
  let total = 0;
  const started = Date.now();
  while (web.live.stats().disconnected === before.disconnected && Date.now() - started < 30_000) {
    const batch = Array.from({ length: 200 }, (_, j) => ({
      api_key: null, source: "gnss", received: Date.now(), user_agent: padding,
      report: { timestamp: Date.now(), position: { latitude: 10, longitude: (total + j) / 1000 }, wifiAccessPoints: [], cellTowers: [], bluetoothBeacons: [] },
    }));
    await appender.append(services.keys.reportStreams()[total % 2]!, batch);
    total += batch.length;
    await new Promise((r) => setTimeout(r, 100));
  }
  await waitFor("the healthy client got every report, in frames or counted as omitted", async () => healthy.reports.length + healthy.omitted === total, 10_000);
  const stats = web.live.stats();
  assert.ok(stats.dropped > before.dropped, `frames to the stalled client were dropped (${JSON.stringify(stats)})`);
  assert.is(stats.disconnected - before.disconnected, 1, "and it was disconnected");
  assert.ok(healthy.frames.length > 10, "frames went out all along");
  (stalled.ws as unknown as { _socket: { resume(): void } })._socket.resume();
  assert.is(await closed, 1013, "with the documented close code");
  assert.ok(stalled.reports.length < total);
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
