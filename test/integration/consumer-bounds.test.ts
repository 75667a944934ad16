import { suite } from "uvu";
import * as assert from "uvu/assert";
import { createAppender } from "../../src/stream/append.ts";
import { createConsumerRuntime } from "../../src/stream/consumer-runtime.ts";
import { defineConsumer, type AnyConsumer } from "../../src/stream/define-consumer.ts";
import { drainGroups } from "../../src/stream/drain.ts";
import type { LoopSettings } from "../../src/stream/consumer-loop.ts";
import { createGroup, readGroup } from "../../src/stream/stream-commands.ts";
import { insertCheckpoint } from "../../src/db/stream-checkpoint.ts";
import { appliedRows, createStreamTestEnv, type StreamTestEnv } from "../support/stream-setup.ts";
import { countingConsumer } from "../support/test-consumers.ts";

const S = suite<{ env: StreamTestEnv }>("consumer batches bounded in bytes");
const KB = 1024;

S.before(async (ctx) => {
  ctx.env = await createStreamTestEnv("bounds");
});
S.after(async (ctx) => {
  await ctx.env.close();
});

/** The counting projection, recording the payload bytes of every batch it is handed. */
function measuring(name: string, reads: string) {
  const counting = countingConsumer(name, reads);
  const batches: number[][] = [];
  const consumer = defineConsumer<{ value?: number; pad?: string }>({
    ...counting,
    async project(batch, ctx) {
      batches.push(batch.map((e) => JSON.stringify(e.data).length));
      await counting.project(batch as never, ctx);
    },
  });
  return { consumer, batches };
}

async function drain(env: StreamTestEnv, consumers: AnyConsumer[], settings: LoopSettings) {
  const runtime = createConsumerRuntime({ ...env, consumers, settings });
  const result = await drainGroups(env, runtime, consumers, { timeoutMs: 30_000 });
  assert.ok(result.drained, `drained: ${JSON.stringify(result.rows)}`);
}

const pad = (bytes: number, i: number) => ({ value: i, pad: "x".repeat(bytes) });

S("a batch never holds more than CONSUMER_BATCH_BYTES, however many entries it may count", async ({ env }) => {
  const stream = "test:bounded";
  await createAppender(env.redis, env.keys).append(env.keys.stream(stream), Array.from({ length: 30 }, (_, i) => pad(100 * KB, i)));
  const { consumer, batches } = measuring("bounded", stream);
  await drain(env, [consumer], { batchSize: 500, blockMs: 50, claimIdleMs: 500, maxDeliveries: 3, batchBytes: 350 * KB });
  const rows = await appliedRows(env.pool, "bounded");
  assert.is(rows.length, 30);
  assert.ok(rows.every((r) => r.times === 1));
  const sums = batches.map((b) => b.reduce((a, n) => a + n, 0));
  assert.ok(Math.max(...sums) <= 350 * KB, `largest batch ${Math.max(...sums)} bytes`);
  assert.ok(batches.length >= 10, `${batches.length} batches of at most 3 entries`);
});

S("an entry larger than the byte bound is applied on its own, and the entries around it go on in bounded batches", async ({ env }) => {
  const stream = "test:oversized";
  const payloads = Array.from({ length: 12 }, (_, i) => pad(i === 5 ? 1024 * KB : 20 * KB, i));
  await createAppender(env.redis, env.keys).append(env.keys.stream(stream), payloads);
  const { consumer, batches } = measuring("oversized", stream);
  await drain(env, [consumer], { batchSize: 500, blockMs: 50, claimIdleMs: 500, maxDeliveries: 3, batchBytes: 100 * KB });
  assert.is((await appliedRows(env.pool, "oversized")).length, 12);
  const alone = batches.find((b) => b.some((n) => n > 1000 * KB));
  assert.equal(alone?.length, 1, "the large entry came alone");
  for (const b of batches.filter((x) => x !== alone)) assert.ok(b.reduce((a, n) => a + n, 0) <= 100 * KB);
});

S("entries taken over from a dead consumer are claimed within the byte bound too", async ({ env }) => {
  const logical = "test:claimed";
  const stream = env.keys.stream(logical);
  await createAppender(env.redis, env.keys).append(stream, Array.from({ length: 20 }, (_, i) => pad(50 * KB, i)));
  // A consumer that read everything and vanished without a liveness key (as a crashed process
  // whose key lapsed does).
  await createGroup(env.redis, stream, "claimed", "0");
  await insertCheckpoint(env.pool, "claimed", stream, "0-0", 0);
  const taken = await readGroup(env.redis, stream, "claimed", "ghost", 100, null);
  assert.is(taken.length, 20);
  await new Promise((r) => setTimeout(r, 1200));
  const { consumer, batches } = measuring("claimed", logical);
  await drain(env, [consumer], { batchSize: 500, blockMs: 50, claimIdleMs: 60_000, maxDeliveries: 5, batchBytes: 160 * KB, livenessMs: 1000 });
  const rows = await appliedRows(env.pool, "claimed");
  assert.is(rows.length, 20);
  assert.ok(rows.every((r) => r.times === 1));
  assert.ok(batches.every((b) => b.reduce((a, n) => a + n, 0) <= 160 * KB), JSON.stringify(batches.map((b) => b.length)));
  const consumers = (await env.redis.call("XINFO", ["CONSUMERS", stream, "claimed"])) as string[][];
  assert.not.ok(consumers.some((c) => c[1] === "ghost"), "the dead consumer is removed once it holds nothing");
});

S.run();
