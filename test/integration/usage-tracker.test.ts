/**
 * Usage counting (SPEC §2.3) against real Redis: limited keys are counted before their request
 * (`track`), the others in batches (`record` + flush), with the same keys, counts and TTLs.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { APILIMIT_TTL_S, APIUSER_TTL_S, createUsageTracker } from "../../src/api/usage-tracker.ts";
import { createLogger } from "../../src/logger.ts";
import { closeRedis, createRedis, type RedisClient } from "../../src/redis/create-redis.ts";
import { redisUrl, uniquePrefix } from "../support/infra.ts";
import { waitFor } from "../support/stream-setup.ts";

const S = suite<{ redis: RedisClient; prefix: string }>("usage tracker");
const log = createLogger("silent");
const NOW = new Date();
const DAY = NOW.toISOString().slice(0, 10);
const COMPACT = DAY.replaceAll("-", "");

S.before(async (ctx) => {
  ctx.redis = createRedis({ url: await redisUrl() });
});
S.before.each((ctx) => {
  ctx.prefix = uniquePrefix("usage");
});
S.after.each(async ({ redis, prefix }) => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
});
S.after(async ({ redis }) => closeRedis(redis));

S("recorded requests are sent together on flush: counts per key and path, unique IPs, TTLs", async ({ redis, prefix }) => {
  const usage = createUsageTracker(redis, prefix, log, { flushMs: 60_000 });
  for (let i = 0; i < 5; i++) usage.record("locate", "a", "v1.geolocate", i % 2 ? "192.0.2.1" : "192.0.2.2", NOW);
  usage.record("locate", "b", "v1.geolocate", "192.0.2.1", NOW);
  usage.record("submit", "a", "v2.geosubmit", "192.0.2.9", NOW);
  assert.equal(await redis.keys(`${prefix}:*`), [], "nothing is sent before the flush");
  await usage.flush();
  assert.is(await redis.get(`${prefix}:apilimit:a:v1.geolocate:${COMPACT}`), "5");
  assert.is(await redis.get(`${prefix}:apilimit:b:v1.geolocate:${COMPACT}`), "1");
  assert.is(await redis.get(`${prefix}:apilimit:a:v2.geosubmit:${COMPACT}`), "1");
  assert.is(await redis.pfcount(`${prefix}:apiuser:locate:a:${DAY}`), 2);
  assert.is(await redis.pfcount(`${prefix}:apiuser:submit:a:${DAY}`), 1);
  const limitTtl = await redis.ttl(`${prefix}:apilimit:a:v1.geolocate:${COMPACT}`);
  const usersTtl = await redis.ttl(`${prefix}:apiuser:locate:a:${DAY}`);
  assert.ok(limitTtl > APILIMIT_TTL_S - 10 && limitTtl <= APILIMIT_TTL_S, `apilimit TTL ${limitTtl}`);
  assert.ok(usersTtl > APIUSER_TTL_S - 10 && usersTtl <= APIUSER_TTL_S, `apiuser TTL ${usersTtl}`);

  // A second batch adds to the first; an empty flush sends nothing.
  usage.record("locate", "a", "v1.geolocate", "192.0.2.3", NOW);
  await usage.close();
  assert.is(await redis.get(`${prefix}:apilimit:a:v1.geolocate:${COMPACT}`), "6");
  assert.is(await redis.pfcount(`${prefix}:apiuser:locate:a:${DAY}`), 3);
  await usage.flush();
  assert.is(await redis.get(`${prefix}:apilimit:a:v1.geolocate:${COMPACT}`), "6");
});

S("the interval sends recorded counts without being asked; 0 sends each one at once", async ({ redis, prefix }) => {
  const timed = createUsageTracker(redis, prefix, log, { flushMs: 50 });
  timed.record("locate", "timed", "v1.geolocate", "192.0.2.1", NOW);
  await waitFor("the timed flush", async () => (await redis.get(`${prefix}:apilimit:timed:v1.geolocate:${COMPACT}`)) === "1", 2000);
  await timed.close();
  const direct = createUsageTracker(redis, prefix, log, { flushMs: 0 });
  direct.record("locate", "direct", "v1.geolocate", "192.0.2.1", NOW);
  await waitFor("the direct send", async () => (await redis.get(`${prefix}:apilimit:direct:v1.geolocate:${COMPACT}`)) === "1", 2000);
  await direct.close();
});

S("track counts at once and answers the day's count, mixed with recorded counts of the same key", async ({ redis, prefix }) => {
  const usage = createUsageTracker(redis, prefix, log, { flushMs: 60_000 });
  assert.is(await usage.track("locate", "limited", "v1.geolocate", "192.0.2.1", NOW), 1);
  assert.is(await usage.track("locate", "limited", "v1.geolocate", "192.0.2.2", NOW), 2);
  usage.record("locate", "limited", "v1.geolocate", "192.0.2.3", NOW);
  await usage.flush();
  assert.is(await usage.track("locate", "limited", "v1.geolocate", "192.0.2.1", NOW), 4);
  assert.is(await redis.pfcount(`${prefix}:apiuser:locate:limited:${DAY}`), 3);
  await usage.close();
});

S("with Redis unreachable, track answers null and a flush resolves: requests are never failed", async ({ prefix }) => {
  const dead = createRedis({ url: "redis://127.0.0.1:1", lazyConnect: true });
  dead.on("error", () => undefined);
  const warnings: string[] = [];
  const spyLog = createLogger("silent");
  spyLog.warn = ((_obj: unknown, msg: string) => void warnings.push(msg)) as typeof spyLog.warn;
  const usage = createUsageTracker(dead, prefix, spyLog, { flushMs: 60_000 });
  assert.is(await usage.track("locate", "k", "v1.geolocate", "192.0.2.1", NOW), null);
  usage.record("locate", "k", "v1.geolocate", "192.0.2.1", NOW);
  await usage.close();
  assert.ok(warnings.includes("could not send usage counts; these requests stay uncounted"), warnings.join("; "));
  dead.disconnect();
});

S.run();
