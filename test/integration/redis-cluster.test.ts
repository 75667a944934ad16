/**
 * Ichnos on a Redis Cluster of three masters (REDIS_CLUSTER_NODES), built by the production
 * composition (createServices) and the real `ichnos` executable: a process started before the
 * cluster is serving answers in time and serves once it is (FINDINGS: "a process that starts on
 * a fresh cluster can stay dead"); submissions are drained by worker processes into stations that
 * locate answers from; replay --rebuild, dead letters and trimming work; and every Lua script and
 * multi-key command the code sends stays within one slot (Redis refuses CROSSSLOT, ioredis a
 * pipeline spanning nodes, so running each one proves it).
 */
import { Cluster, Redis } from "ioredis";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import type { ApiKey } from "../../src/domain/api-key.ts";
import { createUsageTracker, usageKeys } from "../../src/api/usage-tracker.ts";
import { recordUploadAttempt } from "../../src/archive/upload-attempts.ts";
import { createFallbackCache } from "../../src/locate/fallback/cache.ts";
import { createFallbackRateLimit } from "../../src/locate/fallback/rate-limit.ts";
import { unreadyConnections } from "../../src/redis/connection-readiness.ts";
import { duplicateForBlocking, closeRedis } from "../../src/redis/create-redis.ts";
import { checkEvictionPolicy } from "../../src/redis/eviction-policy.ts";
import { tryLease } from "../../src/redis/lease.ts";
import { appendAsRecorded, createAppender } from "../../src/stream/append.ts";
import { readBoundedRange } from "../../src/stream/bounded-range.ts";
import { findDeadConsumers } from "../../src/stream/consumer-liveness.ts";
import { listDeadLetters, writeDeadLetters } from "../../src/stream/dead-letters.ts";
import type { GroupStreamStatus } from "../../src/stream/group-status.ts";
import { readRange } from "../../src/stream/stream-commands.ts";
import { createOutageWebEnv, type OutageWebEnv } from "../support/outage-web-setup.ts";
import { startRedisCluster, type TestRedisCluster } from "../support/redis-cluster.ts";
import { runCli } from "../support/run-cli.ts";
import { waitFor } from "../support/stream-setup.ts";
import { syntheticGeosubmits } from "../support/synthetic-reports.ts";
import { snapshotTables } from "../support/table-snapshot.ts";

interface Ctx { cluster: TestRedisCluster; web: OutageWebEnv; cli: Record<string, string>; reports: number }
const S = suite<Ctx>("Redis Cluster");

const BOUND_MS = 2500;
const SYNTHETIC = { reports: 150, seed: 21 };

S.before(async (ctx) => {
  ctx.cluster = await startRedisCluster({ create: false });
  const env = { REDIS_CLUSTER_NODES: ctx.cluster.env.REDIS_CLUSTER_NODES, REDIS_TIMEOUT: "500ms", USAGE_FLUSH: "0s" };
  ctx.web = await createOutageWebEnv("cluster", ctx.cluster.env.REDIS_URL, env);
  await ctx.web.services.pool.query("INSERT INTO api_key (valid_key, maxreq, allow_locate, store_sample_locate, store_sample_submit) VALUES ('test', 0, 1, 100, 100), ('limited', 1000, 1, 100, 100)");
  const { config } = ctx.web.services;
  ctx.cli = {
    ...ctx.cluster.env, DATABASE_URL: ctx.web.databaseUrl, REDIS_PREFIX: config.redisPrefix, STREAM_PARTITIONS: String(config.streamPartitions),
    CONSUMER_BLOCK: "100ms", LOG_LEVEL: "error",
  };
  ctx.reports = 0;
});
S.after(async (ctx) => {
  await ctx.web?.close();
  await ctx.cluster?.close();
});

async function post(web: OutageWebEnv, path: string, body: unknown): Promise<{ status: number; ms: number; json: unknown }> {
  const started = performance.now();
  // The test's own bound: a request that hangs fails here instead of hanging the suite.
  const res = await Promise.race([
    web.app.request(path, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${path} got no answer within 10 s`)), 10_000)),
  ]);
  const text = await res.text();
  return { status: res.status, ms: Math.round(performance.now() - started), json: text ? JSON.parse(text) : null };
}

async function heartbeat(web: OutageWebEnv): Promise<{ status: number; ms: number; redisUp: boolean }> {
  const started = performance.now();
  const res = await web.app.request("/__heartbeat__");
  const body = (await res.json()) as { redis: { up: boolean } };
  return { status: res.status, ms: Math.round(performance.now() - started), redisUp: body.redis.up };
}

async function cli(ctx: Ctx, args: string[], env: Record<string, string> = {}): Promise<string> {
  const out = await runCli(args, { ...ctx.cli, ...env }, 120_000);
  assert.is(out.code, 0, `ichnos ${args.join(" ")}: ${out.stderr}`);
  return out.stdout;
}

async function groups(ctx: Ctx): Promise<GroupStreamStatus[]> {
  return JSON.parse(await cli(ctx, ["groups", "--json"])) as GroupStreamStatus[];
}

async function assertDrained(ctx: Ctx, what: string): Promise<GroupStreamStatus[]> {
  const rows = await groups(ctx);
  const behind = rows.filter((r) => r.lag !== 0 || r.pending !== 0 || r.lost !== 0);
  assert.equal(behind, [], `${what}: every group at lag 0, nothing pending or lost`);
  return rows;
}

S("a web process started before the cluster serves answers within REDIS_TIMEOUT, says Redis is down, and serves once the cluster is created", async (ctx) => {
  const item = { timestamp: Date.now(), position: { latitude: 51.5, longitude: -0.1 }, wifiAccessPoints: [{ macAddress: "a82066000001" }] };
  for (let i = 0; i < 3; i++) {
    const submit = await post(ctx.web, "/v2/geosubmit", { items: [item] });
    assert.is(submit.status, 503, `submit ${i + 1} while the cluster is not serving`);
    assert.ok(submit.ms < BOUND_MS, `submit ${i + 1} took ${submit.ms} ms`);
  }
  const down = await heartbeat(ctx.web);
  assert.equal([down.status, down.redisUp], [503, false]);
  assert.ok(down.ms < BOUND_MS, `heartbeat took ${down.ms} ms`);
  // The heartbeat counts a client that stays unready as down by its status, not only by PINGs.
  assert.is.not(ctx.web.services.redis.status, "ready");
  assert.ok(unreadyConnections(ctx.web.services.redis, Date.now() + 10_000).length > 0);

  await ctx.cluster.create();
  // The same client, never restarted, comes up on its own.
  await waitFor("a submit accepted", async () => (await post(ctx.web, "/v2/geosubmit", { items: [item] })).status === 200, 20_000);
  ctx.reports += 1;
  const up = await heartbeat(ctx.web);
  assert.equal([up.status, up.redisUp], [200, true]);
});

S("submissions over HTTP are drained by worker processes, and locate answers from the stations they learned", async (ctx) => {
  const bodies = syntheticGeosubmits(SYNTHETIC);
  for (const [i, body] of bodies.entries()) {
    // Half with a key that has a daily limit (counted before serving), half without (buffered).
    const res = await post(ctx.web, `/v2/geosubmit?key=${i % 2 ? "limited" : "test"}`, body);
    assert.is(res.status, 200);
    ctx.reports += body.items.length;
  }
  await cli(ctx, ["drain", "--processes", "2", "--timeout", "90s"]);
  const rows = await assertDrained(ctx, "after the drain");
  const split = rows.filter((r) => r.group === "export:internal").reduce((n, r) => n + r.applied, 0);
  assert.is(split, ctx.reports, `the splitter applied every report once: ${JSON.stringify(rows.filter((r) => r.group === "export:internal"))}`);
  assert.ok(rows.some((r) => r.group.startsWith("station:wifi:") && r.applied > 0));

  const report = bodies[1]!.items[10] as { position: { latitude: number; longitude: number }; wifiAccessPoints: unknown[] };
  const located = await post(ctx.web, "/v1/geolocate?key=test", { wifiAccessPoints: report.wifiAccessPoints, considerIp: false });
  assert.is(located.status, 200, JSON.stringify(located.json));
  const { location } = located.json as { location: { lat: number; lng: number } };
  const metres = Math.hypot(location.lat - report.position.latitude, (location.lng - report.position.longitude) * 0.62) * 111_000;
  assert.ok(metres < 500, `located ${Math.round(metres)} m from where the report was made`);

  // Usage counters: the limited key's count (one script per request on a single node, single
  // commands per slot on a Cluster) and the buffered key's, both under the day's key.
  const redis = ctx.web.services.redis;
  const limited = usageKeys(ctx.cli.REDIS_PREFIX!, "submit", "limited", "v2.geosubmit", new Date()).limit;
  const test = usageKeys(ctx.cli.REDIS_PREFIX!, "submit", "test", "v2.geosubmit", new Date()).limit;
  assert.equal([Number(await redis.get(limited)), Number(await redis.get(test))], [Math.floor(bodies.length / 2), Math.ceil(bodies.length / 2)]);
});

S("replay --rebuild of a group re-projects its history over the cluster into the same rows", async (ctx) => {
  const tables = ["datamap_ne", "datamap_nw", "datamap_se", "datamap_sw"];
  const before = await snapshotTables(ctx.web.services.pool, tables);
  await cli(ctx, ["replay", "datamap", "--from", "start", "--rebuild"]);
  await cli(ctx, ["drain", "--timeout", "60s"]);
  await assertDrained(ctx, "after the rebuild");
  assert.equal(await snapshotTables(ctx.web.services.pool, tables), before);
});

S("an entry no group can decode is dead-lettered by each group that reads it, and the groups carry on", async (ctx) => {
  const stream = ctx.web.services.keys.stream("reports:1");
  await createAppender(ctx.web.services.redis, ctx.web.services.keys).appendMany([{ stream, payloads: ["{not json"], encoded: true }]);
  await cli(ctx, ["drain", "--timeout", "60s"]);
  await assertDrained(ctx, "after the poison entry");
  const dead = JSON.parse(await cli(ctx, ["dead", "list", "export:internal", "--json"])) as { error: string; stream: string }[];
  assert.is(dead.length, 1);
  assert.match(dead[0]!.error, /not JSON/);
  await cli(ctx, ["dead", "drop", "export:internal", "--all"]);
  assert.equal(JSON.parse(await cli(ctx, ["dead", "list", "export:internal", "--json"])), []);
});

S("the trimmer trims every stream to the slowest group and nothing is lost", async (ctx) => {
  const before = await Promise.all(ctx.web.services.keys.reportStreams().map((s) => ctx.web.services.redis.xlen(s)));
  await new Promise((r) => setTimeout(r, 1100));
  const out = await cli(ctx, ["trim"], { STREAM_RETENTION: "1s" });
  assert.match(out, /reports:0: trimmed [1-9]/, out);
  const after = await Promise.all(ctx.web.services.keys.reportStreams().map((s) => ctx.web.services.redis.xlen(s)));
  assert.ok(after.every((n, i) => n < before[i]!), `stream lengths ${before} → ${after}`);
  await assertDrained(ctx, "after trimming");
});

S("every script and multi-key command stays within one slot", async (ctx) => {
  const { redis, keys, log } = ctx.web.services;
  const prefix = keys.prefix;
  // Leases (the job scheduler's): SET NX PX, and the release script.
  const lease = await tryLease(redis, keys.lease("cluster-test"), 10_000);
  assert.ok(lease);
  assert.is(await tryLease(redis, keys.lease("cluster-test"), 10_000), null);
  await lease.release();
  assert.is(await redis.exists(keys.lease("cluster-test")), 0);

  // Usage counters, both paths.
  const usage = createUsageTracker(redis, prefix, log, { flushMs: 0 });
  assert.is(await usage.track("locate", "k1", "v1.geolocate", "192.0.2.1", new Date()), 1);
  usage.record("locate", "k2", "v1.geolocate", "192.0.2.2", new Date());
  usage.record("locate", "k3", "v1.geolocate", "192.0.2.3", new Date());
  await usage.close();
  assert.is(await redis.get(usageKeys(prefix, "locate", "k3", "v1.geolocate", new Date()).limit), "1");

  // The fallback cache (one key per network, in different slots) and its rate limit (MULTI).
  const key = { fallbackName: "fb", fallbackCacheExpire: 60, fallbackRatelimit: 2, fallbackRatelimitInterval: 60 } as unknown as ApiKey;
  const cache = createFallbackCache({ redis, prefix, log });
  const wifi = ["aabbccddee01", "aabbccddee02", "aabbccddee03"].map((macAddress) => ({ macAddress }));
  const query = { json: { wifiAccessPoints: wifi }, counts: { blue: 0, wifi: 3, cell: 0 } };
  await cache.set("ichnaea/v1", query, key, { kind: "found", lat: 51.5, lon: -0.1, accuracy: 20, fallback: null });
  const hit = await cache.get("ichnaea/v1", query, key);
  assert.is(hit.status, "hit", JSON.stringify(hit));
  const limit = createFallbackRateLimit({ redis, prefix, log });
  assert.equal([await limit.allow(key), await limit.allow(key), await limit.allow(key)], [true, true, false]);

  // Liveness keys of consumers in different slots, read together.
  await Promise.all(["c-a", "c-b", "c-c", "c-d"].map((c) => redis.set(keys.alive(c), JSON.stringify({ host: "elsewhere", pidns: "x", pid: 1 }), "PX", 10_000)));
  const dead = await findDeadConsumers(redis, keys, ["c-a", "c-b", "c-c", "c-d", "c-gone"].map((name) => ({ name, idleMs: 60_000 })), 15_000);
  assert.equal([...dead], ["c-gone"]);

  // Streams: sequenced appends to several streams at once, restored entries, a bounded range,
  // dead letters, and the archive's record of upload attempts.
  const streams = ["areas", "obs:wifi:0", "obs:cell:lte"].map((s) => keys.stream(s));
  const ids = await createAppender(redis, keys).appendMany(streams.map((stream) => ({ stream, payloads: [{ n: 1 }, { n: 2 }] })));
  assert.equal(ids.map((i) => i.length), [2, 2, 2]);
  const restored = keys.stream("reports:0");
  await appendAsRecorded(redis, `${restored}-copy`, [{ id: "1-1", seq: 1, version: 1, text: "{}" }, { id: "1-2", seq: 2, version: 1, text: "{}" }]);
  assert.is((await readRange(redis, `${restored}-copy`, "-", 10)).length, 2);
  const range = await readBoundedRange(redis, streams[1]!, "-", "+", 10, 1 << 20);
  assert.is(range.entries.length >= 2, true);
  const [first] = await readRange(redis, streams[1]!, "-", 1);
  await writeDeadLetters(redis, keys.dead("cluster-test"), "cluster-test", [{ entry: first!, error: "test", deliveries: 1 }]);
  assert.is((await listDeadLetters(redis, keys.dead("cluster-test"))).length, 1);
  const record = { redis, key: keys.archiveAttempts(restored, "export:backup") };
  assert.equal(await recordUploadAttempt(record, "b", "p", "s", "k1"), { known: false, keys: [] });
  assert.equal(await recordUploadAttempt(record, "b", "p", "s", "k2"), { known: true, keys: ["k1"] });
  assert.is(await checkEvictionPolicy(redis, log), "noeviction");

  // A blocking reader duplicated from the Cluster client carries its blocking settings.
  const reader = duplicateForBlocking(redis, keys.connection("cluster-reader"));
  try {
    assert.ok(reader instanceof Cluster);
    assert.is(reader.options.redisOptions?.connectionName, keys.connection("cluster-reader"));
    assert.is(reader.options.redisOptions?.commandTimeout, ctx.web.services.config.consumerBlockMs + 1000);
    await reader.call("XREAD", ["BLOCK", 50, "STREAMS", streams[0]!, "$"]);
    const master = await ctx.cluster.masterFor(streams[0]!);
    const observer = new Redis(master.port, "127.0.0.1");
    try {
      assert.match(String(await observer.call("CLIENT", "LIST")), new RegExp(`name=${keys.connection("cluster-reader")} `));
    } finally {
      observer.disconnect();
    }
  } finally {
    await closeRedis(reader);
  }
});

S.run();
