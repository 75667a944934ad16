import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Redis } from "ioredis";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { type ApiKey, DEFAULT_API_KEY } from "../../src/domain/api-key.ts";
import { createFallbackSource, type FallbackSource } from "../../src/locate/fallback/fallback-source.ts";
import { fallbackRateLimitKey } from "../../src/locate/fallback/fallback-keys.ts";
import type { FallbackQuery } from "../../src/locate/fallback/query.ts";
import { closeRedis, createRedis, type RedisClient } from "../../src/redis/create-redis.ts";
import { createLocateMetrics } from "../../src/metrics/locate-metrics.ts";
import { createMetricsRegistry, type MetricsRegistry } from "../../src/metrics/registry.ts";
import { captureLog } from "../support/capture-log.ts";
import { readMetrics, sampleSum } from "../support/metrics.ts";
import { redisUrl, uniquePrefix } from "../support/infra.ts";

interface Seen { path: string; userAgent: string | undefined; body: Record<string, unknown> }
type Reply = { status: number; body: string; delayMs?: number; headers?: Record<string, string> };

/** A provider on 127.0.0.1 answering by path; it records what it was sent. */
interface Provider { url(path: string): string; seen: Seen[]; replies: Map<string, Reply>; close(): Promise<void> }

async function startProvider(): Promise<Provider> {
  const seen: Seen[] = [];
  const replies = new Map<string, Reply>();
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let text = "";
    req.on("data", (chunk) => { text += chunk; });
    req.on("end", () => {
      const path = (req.url ?? "/").split("?")[0]!;
      seen.push({ path, userAgent: req.headers["user-agent"], body: JSON.parse(text || "{}") });
      const reply = replies.get(path) ?? { status: 404, body: "{}" };
      const send = () => { timers.delete(timer); res.writeHead(reply.status, { "content-type": "application/json", ...reply.headers }).end(reply.body); };
      const timer = setTimeout(send, reply.delayMs ?? 0);
      timers.add(timer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    seen,
    replies,
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

interface Ctx {
  provider: Provider; redis: RedisClient; deadRedis: Redis; prefix: string; source: FallbackSource; log: ReturnType<typeof captureLog>; registry: MetricsRegistry;
}

/** A fresh registry with the locate metrics on it, and the fallback's part of them. */
function fallbackMetrics() {
  const registry = createMetricsRegistry();
  return { registry, metrics: createLocateMetrics(registry).fallback };
}
const counted = async (registry: MetricsRegistry, name: string, status: string) => sampleSum(await readMetrics(registry), name, { status });
const S = suite<Ctx>("fallback source");
const NOW = 1_750_000_000_000;

S.before(async (ctx) => {
  ctx.provider = await startProvider();
  ctx.redis = createRedis({ url: await redisUrl(), name: "fallback-test" });
  // Nothing listens on port 1: every command fails fast instead of waiting for a reconnect.
  ctx.deadRedis = new Redis("redis://127.0.0.1:1", {
    lazyConnect: true, connectTimeout: 200, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: true,
  });
  ctx.deadRedis.on("error", () => {});
  ctx.prefix = uniquePrefix("fallback");
  ctx.log = captureLog();
  const { registry, metrics } = fallbackMetrics();
  ctx.registry = registry;
  ctx.source = createFallbackSource({ redis: ctx.redis, prefix: ctx.prefix, log: ctx.log.log, metrics, timeoutMs: 300, now: () => NOW });
});
S.after(async (ctx) => {
  // Guarded so a failed `before` reports its own error, not this hook's.
  if (ctx.redis) {
    const keys = await ctx.redis.keys(`${ctx.prefix}:*`);
    if (keys.length > 0) await ctx.redis.del(...keys);
    await closeRedis(ctx.redis);
  }
  if (ctx.deadRedis) await closeRedis(ctx.deadRedis);
  await ctx.provider?.close();
});
S.before.each((ctx) => {
  ctx.provider.seen.length = 0;
  ctx.provider.replies.clear();
});

let keyNo = 0;
function apiKey(path: string, ctx: Ctx, overrides: Partial<ApiKey> = {}): ApiKey {
  keyNo += 1;
  return {
    ...DEFAULT_API_KEY, validKey: `k${keyNo}`, allowFallback: true, fallbackName: `fall${keyNo}`,
    fallbackUrl: ctx.provider.url(path), fallbackRatelimit: 0, fallbackRatelimitInterval: 60, fallbackCacheExpire: 60,
    ...overrides,
  };
}

let macNo = 0x100000;
/** A wifi-only query with two fresh MACs, so tests never share cache entries. */
function wifiQuery(signal = -70): FallbackQuery {
  const macs = [macNo++, macNo++].map((n) => `aabbcc${n.toString(16).padStart(6, "0")}`);
  return wifiQueryFor(macs, signal);
}
function wifiQueryFor(macs: string[], signal: number): FallbackQuery {
  return {
    json: { wifiAccessPoints: macs.map((macAddress) => ({ macAddress, signalStrength: signal, frequency: 2412 })), fallbacks: { ipf: true, lacf: true } },
    counts: { blue: 0, wifi: macs.length, cell: 0 },
  };
}
const macsOf = (q: FallbackQuery) => ((q.json as { wifiAccessPoints: { macAddress: string }[] }).wifiAccessPoints).map((w) => w.macAddress);
const cacheKey = (ctx: Ctx, schema: string, type: string, id: string) => `${ctx.prefix}:cache:fallback:${schema}:v1:1:${type}:${id}`;
const found = (extra: Record<string, unknown> = {}) => ({ status: 200, body: JSON.stringify({ location: { lat: 51.5, lng: -0.12 }, accuracy: 100, ...extra }) });

S("a miss calls the provider and caches for exactly the key's expire; the next query makes no call", async (ctx) => {
  ctx.provider.replies.set("/ichnaea", found({ fallback: "lacf" }));
  const key = apiKey("/ichnaea", ctx);
  const query = wifiQuery();
  const first = await ctx.source.search(query, key);
  assert.equal(first, { lat: 51.5, lon: -0.12, accuracy: 100, score: 5.0, source: "fallback", fallback: "lacf", usedNetworks: [] });
  assert.is(ctx.provider.seen.length, 1);
  assert.is(ctx.provider.seen[0]!.userAgent, "ichnaea");
  assert.equal(ctx.provider.seen[0]!.body.fallbacks, { lacf: true, ipf: false });
  for (const mac of macsOf(query)) {
    const ttl = await ctx.redis.ttl(cacheKey(ctx, "ichnaea", "wifi", mac));
    assert.ok(ttl > 50 && ttl <= 60, `ttl ${ttl}`);
  }
  // Same networks, other signal strengths: the same cache entries answer.
  const before = await counted(ctx.registry, "ichnos_fallback_cache_total", "hit");
  const firstKey = cacheKey(ctx, "ichnaea", "wifi", macsOf(query)[0]!);
  await ctx.redis.expire(firstKey, 30);
  const second = await ctx.source.search(wifiQueryFor(macsOf(query), -40), key);
  assert.equal(second, first);
  assert.is(ctx.provider.seen.length, 1, "no second call");
  assert.is(await counted(ctx.registry, "ichnos_fallback_cache_total", "hit"), before + 1);
  assert.ok((await ctx.redis.ttl(firstKey)) <= 30, "a cached answer is not written again");
});

S("one 307 redirect is followed with the same POST body", async (ctx) => {
  ctx.provider.replies.set("/moved", { status: 307, body: "", headers: { location: "/ichnaea" } });
  ctx.provider.replies.set("/ichnaea", found());
  assert.is((await ctx.source.search(wifiQuery(), apiKey("/moved", ctx)))?.lat, 51.5);
  assert.equal(ctx.provider.seen.map((s) => s.path), ["/moved", "/ichnaea"]);
  assert.equal(ctx.provider.seen[1]!.body, ctx.provider.seen[0]!.body);
});

S("an untagged answer scores 10", async (ctx) => {
  ctx.provider.replies.set("/ichnaea", found());
  const result = await ctx.source.search(wifiQuery(), apiKey("/ichnaea", ctx));
  assert.is(result?.score, 10.0);
  assert.is(result?.fallback, null);
});

S("HTTP 404 is cached as \"404\" and the next query makes no call", async (ctx) => {
  const key = apiKey("/nothing", ctx);
  const query = wifiQuery();
  assert.is(await ctx.source.search(query, key), null);
  assert.is(await ctx.redis.get(cacheKey(ctx, "ichnaea", "wifi", macsOf(query)[0]!)), '"404"');
  assert.is(await ctx.source.search(query, key), null);
  assert.is(ctx.provider.seen.length, 1);
});

S("a query with two cells bypasses the cache", async (ctx) => {
  ctx.provider.replies.set("/ichnaea", found());
  const cell = { radioType: "lte", mobileCountryCode: 262, mobileNetworkCode: 1, locationAreaCode: 7, cellId: 99 };
  const query = { json: { cellTowers: [cell, { ...cell, cellId: 100 }] }, counts: { blue: 0, wifi: 0, cell: 2 } };
  const key = apiKey("/ichnaea", ctx);
  assert.ok(await ctx.source.search(query, key));
  assert.ok(await ctx.source.search(query, key));
  assert.is(ctx.provider.seen.length, 2);
  assert.equal(await ctx.redis.keys(`${ctx.prefix}:cache:fallback:ichnaea:v1:1:cell:*`), []);
});

S("with limit 10 the 11th call in an interval is refused; a pre-set counter blocks at once", async (ctx) => {
  ctx.provider.replies.set("/ichnaea", found());
  const key = apiKey("/ichnaea", ctx, { fallbackRatelimit: 10, fallbackCacheExpire: null });
  for (let i = 0; i < 10; i++) assert.ok(await ctx.source.search(wifiQuery(), key), `call ${i + 1}`);
  assert.is(await ctx.source.search(wifiQuery(), key), null);
  assert.is(ctx.provider.seen.length, 10);
  const counter = fallbackRateLimitKey(ctx.prefix, key.fallbackName!, 60, NOW);
  assert.ok((await ctx.redis.ttl(counter)) > 290, "EXPIRE interval*5");

  const other = apiKey("/ichnaea", ctx, { fallbackRatelimit: 10 });
  await ctx.redis.set(fallbackRateLimitKey(ctx.prefix, other.fallbackName!, 60, NOW), "10", "EX", 60);
  assert.is(await ctx.source.search(wifiQuery(), other), null);
  assert.is(ctx.provider.seen.length, 10);
});

S("a provider slower than timeoutMs gives null quickly", async (ctx) => {
  ctx.provider.replies.set("/slow", { ...found(), delayMs: 2000 });
  const started = Date.now();
  assert.is(await ctx.source.search(wifiQuery(), apiKey("/slow", ctx)), null);
  assert.ok(Date.now() - started < 1000, `${Date.now() - started} ms`);
  assert.ok((await counted(ctx.registry, "ichnos_fallback_lookups_total", "timeout")) >= 1);
});

S("500, 403, invalid JSON, an invalid body and a closed port give null and cache nothing", async (ctx) => {
  ctx.provider.replies.set("/500", { status: 500, body: "{}" });
  ctx.provider.replies.set("/403", { status: 403, body: "{}" });
  ctx.provider.replies.set("/garbage", { status: 200, body: "<html>" });
  ctx.provider.replies.set("/empty", { status: 200, body: "{}" });
  for (const path of ["/500", "/403", "/garbage", "/empty"]) {
    const query = wifiQuery();
    assert.is(await ctx.source.search(query, apiKey(path, ctx)), null, path);
    assert.is(await ctx.redis.get(cacheKey(ctx, "ichnaea", "wifi", macsOf(query)[0]!)), null, path);
  }
  const closed = { ...apiKey("/x", ctx), fallbackUrl: "http://127.0.0.1:1/" };
  assert.is(await ctx.source.search(wifiQuery(), closed), null);
  assert.ok(ctx.log.lines.some((l) => l.msg === "fallback provider answered with an error" && l.status === 403));
});

S("googlemaps/v1 sends considerIp false and no fallbacks; combain/v1 speaks the ichnaea body", async (ctx) => {
  ctx.provider.replies.set("/google", found());
  ctx.provider.replies.set("/combain", found({ fallback: "ipf" }));
  const google = await ctx.source.search(wifiQuery(), apiKey("/google", ctx, { fallbackSchema: "googlemaps/v1" }));
  assert.is(google?.lat, 51.5);
  assert.is(ctx.provider.seen[0]!.body.considerIp, false);
  assert.not.ok("fallbacks" in ctx.provider.seen[0]!.body);
  const query = wifiQuery();
  const combain = await ctx.source.search(query, apiKey("/combain", ctx, { fallbackSchema: "combain/v1" }));
  assert.is(combain?.fallback, null, "only lacf is passed through");
  assert.equal(ctx.provider.seen[1]!.body.fallbacks, { lacf: true, ipf: false });
  assert.ok(await ctx.redis.get(cacheKey(ctx, "combain", "wifi", macsOf(query)[0]!)));
});

S("unwiredlabs/v1 sends the token from the URL; 'No matches found' is a cached not-found", async (ctx) => {
  ctx.provider.replies.set("/unwired", { status: 200, body: JSON.stringify({ status: "ok", lat: 1, lon: 2, accuracy: 30, fallback: "lacf" }) });
  ctx.provider.replies.set("/unwired-none", { status: 200, body: JSON.stringify({ status: "error", message: "No matches found" }) });
  const ok = apiKey("/unwired", ctx, { fallbackSchema: "unwiredlabs/v1" });
  const result = await ctx.source.search(wifiQuery(), { ...ok, fallbackUrl: `${ok.fallbackUrl}#tok123` });
  assert.equal([result?.lat, result?.lon, result?.accuracy, result?.score], [1, 2, 30, 5.0]);
  assert.is(ctx.provider.seen[0]!.body.token, "tok123");
  assert.equal(Object.keys((ctx.provider.seen[0]!.body.wifi as object[])[0]!).sort(), ["bssid", "frequency", "signal"]);
  const none = apiKey("/unwired-none", ctx, { fallbackSchema: "unwiredlabs/v1" });
  const query = wifiQuery();
  assert.is(await ctx.source.search(query, none), null);
  assert.is(await ctx.redis.get(cacheKey(ctx, "unwiredlabs", "wifi", macsOf(query)[0]!)), '"404"');
});

S("with Redis down the rate limit refuses the call, but a failed cache read still calls out", async (ctx) => {
  ctx.provider.replies.set("/ichnaea", found());
  const { registry, metrics } = fallbackMetrics();
  const source = createFallbackSource({ redis: ctx.deadRedis, prefix: ctx.prefix, log: ctx.log.log, metrics, timeoutMs: 300, redisTimeoutMs: 300 });
  const started = Date.now();
  assert.is(await source.search(wifiQuery(), apiKey("/ichnaea", ctx, { fallbackRatelimit: 10 })), null);
  assert.is(ctx.provider.seen.length, 0);
  assert.is(await counted(registry, "ichnos_fallback_cache_total", "failure"), 1);
  const result = await source.search(wifiQuery(), apiKey("/ichnaea", ctx, { fallbackRatelimit: 0 }));
  assert.is(result?.lat, 51.5);
  assert.is(ctx.provider.seen.length, 1);
  assert.ok(Date.now() - started < 3000, `${Date.now() - started} ms`);
  assert.ok(ctx.log.lines.some((l) => l.msg === "fallback rate limit unavailable; external call skipped"));
});

S("a key that cannot fall back, or a query without networks, is not searched", async (ctx) => {
  ctx.provider.replies.set("/ichnaea", found());
  assert.is(await ctx.source.search(wifiQuery(), apiKey("/ichnaea", ctx, { allowFallback: false })), null);
  assert.is(await ctx.source.search({ json: {}, counts: { blue: 0, wifi: 0, cell: 0 } }, apiKey("/ichnaea", ctx)), null);
  assert.is(ctx.provider.seen.length, 0);
});

S.run();
