/**
 * What `ichnos groups` and the checkpoints say after Redis loses data: restarted from an older
 * snapshot, or with no data at all. Entries a group applied are never counted as lost; entries
 * known to have existed (another group's checkpoint, the recorded stream head) that the group
 * never applied are.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { loadCheckpoint } from "../../src/db/stream-checkpoint.ts";
import type { RedisClient } from "../../src/redis/create-redis.ts";
import { createAppender } from "../../src/stream/append.ts";
import { createConsumerRuntime } from "../../src/stream/consumer-runtime.ts";
import type { AnyConsumer } from "../../src/stream/define-consumer.ts";
import { drainGroups } from "../../src/stream/drain.ts";
import { readGroupStatus } from "../../src/stream/group-status.ts";
import { trimStreams } from "../../src/stream/trimmer.ts";
import { captureLog } from "../support/capture-log.ts";
import { startPrivateRedis, type PrivateRedis } from "../support/private-redis.ts";
import { appliedRows, createStreamTestEnv, waitFor, type StreamTestEnv } from "../support/stream-setup.ts";
import { countingConsumer } from "../support/test-consumers.ts";

const S = suite<{ server: PrivateRedis; env: StreamTestEnv }>("LOST after Redis loses data");
const settings = { batchSize: 25, blockMs: 50, claimIdleMs: 500, maxDeliveries: 3 };

S.before(async (ctx) => {
  ctx.server = await startPrivateRedis();
  ctx.env = await createStreamTestEnv("dataloss", 2, ctx.server.url);
});
S.after(async (ctx) => {
  await ctx.env.close();
  await ctx.server.close();
});

async function drain(env: StreamTestEnv, consumers: AnyConsumer[], log = env.log) {
  const runtime = createConsumerRuntime({ ...env, log, consumers, settings });
  const result = await drainGroups(env, runtime, consumers, { timeoutMs: 20_000 });
  assert.ok(result.drained, `drained: ${JSON.stringify(result.rows)}`);
}

async function reconnected(redis: RedisClient) {
  await waitFor("Redis answers again", () => redis.ping().then((r) => r === "PONG", () => false), 15_000);
}

const values = (from: number, count: number) => Array.from({ length: count }, (_, i) => ({ value: from + i }));

async function status(env: StreamTestEnv, consumers: AnyConsumer[]) {
  const names = new Set(consumers.map((c) => c.name));
  const rows = (await readGroupStatus(env.redis, env.pool, env.keys, consumers)).filter((r) => names.has(r.group));
  return Object.fromEntries(rows.map((r) => [r.group, { lag: r.lag, lost: r.lost }]));
}

/** Two groups: `fast` applied 80 entries, `slow` only the first 50. */
async function fastAndSlow(env: StreamTestEnv, name: string, between?: () => Promise<void>) {
  const stream = env.keys.stream(`test:${name}`);
  const fast = countingConsumer(`${name}-fast`, `test:${name}`);
  const slow = countingConsumer(`${name}-slow`, `test:${name}`);
  const appender = createAppender(env.redis, env.keys);
  await appender.append(stream, values(0, 50));
  await drain(env, [fast, slow]);
  await between?.();
  await appender.append(stream, values(50, 30));
  await drain(env, [fast]);
  return { stream, fast, slow, appender };
}

S("restored to an older snapshot: the group that applied everything lost nothing, the other lost what it never applied", async (ctx) => {
  const { env, server } = ctx;
  let snapshot = "";
  const { stream, fast, slow, appender } = await fastAndSlow(env, "snap", async () => {
    snapshot = await server.snapshot();
  });
  await server.kill();
  server.restoreSnapshot(snapshot);
  await server.start();
  await reconnected(env.redis);

  assert.equal(await status(env, [fast, slow]), { "snap-fast": { lag: 0, lost: 0 }, "snap-slow": { lag: 0, lost: 30 } });
  await appender.append(stream, values(100, 20));
  assert.equal(await status(env, [fast, slow]), { "snap-fast": { lag: 20, lost: 0 }, "snap-slow": { lag: 20, lost: 30 } });

  const { log, lines } = captureLog();
  await drain(env, [fast, slow], log);
  const fastCp = await loadCheckpoint(env.pool, "snap-fast", stream);
  const slowCp = await loadCheckpoint(env.pool, "snap-slow", stream);
  assert.equal([fastCp?.applied, fastCp?.lost], [100, 0]);
  assert.equal([slowCp?.applied, slowCp?.lost], [70, 30]);
  assert.ok((await appliedRows(env.pool, "snap-fast")).every((r) => r.times === 1), "nothing applied twice");
  assert.equal(await status(env, [fast, slow]), { "snap-fast": { lag: 0, lost: 0 }, "snap-slow": { lag: 0, lost: 30 } });

  const incident = lines.find((l) => l.incident === "redis-data-loss" && l.group === "snap-slow");
  assert.ok(incident, "the loss is logged as an incident");
  assert.is(incident!.level, 50);
  assert.is(incident!.lost, 30);
  assert.equal((incident!.knownHead as { seq: number }).seq, 80);
  assert.equal((incident!.checkpoint as { seq: number }).seq, 50);
  assert.equal((incident!.resumedAt as { seq: number }).seq, 51);
});

S("restarted with an empty Redis: the entries known from another group's checkpoint are counted for the group that lacks them", async (ctx) => {
  const { env, server } = ctx;
  const { stream, fast, slow, appender } = await fastAndSlow(env, "empty");
  await server.kill();
  server.wipe();
  await server.start();
  await reconnected(env.redis);

  assert.equal(await status(env, [fast, slow]), { "empty-fast": { lag: 0, lost: 0 }, "empty-slow": { lag: 0, lost: 30 } });
  await drain(env, [fast, slow]);
  await appender.append(stream, values(200, 20));
  assert.equal(await status(env, [fast, slow]), { "empty-fast": { lag: 20, lost: 0 }, "empty-slow": { lag: 20, lost: 30 } });
  await drain(env, [fast, slow]);
  assert.equal([(await loadCheckpoint(env.pool, "empty-fast", stream))?.lost, (await loadCheckpoint(env.pool, "empty-slow", stream))?.lost], [0, 30]);
  assert.equal((await appliedRows(env.pool, "empty-slow")).length, 70);
  assert.equal(await status(env, [fast, slow]), { "empty-fast": { lag: 0, lost: 0 }, "empty-slow": { lag: 0, lost: 30 } });
});

S("entries no group applied are known from the head the trimmer recorded", async (ctx) => {
  const { env, server } = ctx;
  const logical = "test:head";
  const stream = env.keys.stream(logical);
  const a = countingConsumer("head-a", logical);
  const b = countingConsumer("head-b", logical);
  const appender = createAppender(env.redis, env.keys);
  await appender.append(stream, values(0, 50));
  await drain(env, [a, b]);
  await appender.append(stream, values(50, 30));
  await trimStreams(env, [stream], { retentionMs: 86_400_000, maxBytes: 1024 ** 3 });
  await server.kill();
  server.wipe();
  await server.start();
  await reconnected(env.redis);

  assert.equal(await status(env, [a, b]), { "head-a": { lag: 0, lost: 30 }, "head-b": { lag: 0, lost: 30 } });
  await appender.append(stream, values(100, 5));
  await drain(env, [a, b]);
  assert.equal(await status(env, [a, b]), { "head-a": { lag: 0, lost: 30 }, "head-b": { lag: 0, lost: 30 } });
  assert.equal((await appliedRows(env.pool, "head-a")).length, 55);
});

S.run();
