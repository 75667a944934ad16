import { suite } from "uvu";
import * as assert from "uvu/assert";
import { closeRedis, createRedis } from "../../src/redis/create-redis.ts";
import { createAppender } from "../../src/stream/append.ts";
import { readRange } from "../../src/stream/stream-commands.ts";
import { createStreamTestEnv, type StreamTestEnv } from "../support/stream-setup.ts";

const S = suite<{ env: StreamTestEnv }>("append");

S.before(async (ctx) => {
  ctx.env = await createStreamTestEnv("append");
});
S.after(async (ctx) => {
  await ctx.env.close();
});

S("appendMany writes several streams in one call, ids in order, each entry versioned and numbered", async ({ env }) => {
  const [p0, p1] = env.keys.reportStreams();
  const ids = await createAppender(env.redis, env.keys).appendMany([
    { stream: p0!, payloads: [{ a: 1 }, { a: 2 }, { a: 3 }] },
    { stream: p1!, payloads: [{ b: 1 }] },
    { stream: p0!, payloads: [{ a: 4 }] },
  ]);
  assert.equal(ids.map((x) => x.length), [3, 1, 1]);
  const entries = await readRange(env.redis, p0!, "-", 10);
  assert.equal(entries.map((e) => [e.id, e.seq, e.version, e.data]), [
    [ids[0]![0], 1, 1, { a: 1 }], [ids[0]![1], 2, 1, { a: 2 }], [ids[0]![2], 3, 1, { a: 3 }], [ids[2]![0], 4, 1, { a: 4 }],
  ]);
  assert.equal((await readRange(env.redis, p1!, "-", 10)).map((e) => e.seq), [1]);
});

S("sequence numbers stay dense and unique under concurrent appenders", async ({ env }) => {
  const stream = env.keys.stream("test:concurrent");
  const other = createRedis({ url: env.redisUrl });
  try {
    const a = createAppender(env.redis, env.keys);
    const b = createAppender(other, env.keys);
    await Promise.all(Array.from({ length: 40 }, (_, i) =>
      (i % 2 ? a : b).append(stream, Array.from({ length: 25 }, (_, j) => ({ i, j })))));
  } finally {
    await closeRedis(other);
  }
  const entries = await readRange(env.redis, stream, "-", 2000);
  assert.is(entries.length, 1000);
  assert.equal(entries.map((e) => e.seq), Array.from({ length: 1000 }, (_, k) => k + 1), "1…1000 in stream order");
});

S("large batches are split into several script calls and keep their order", async ({ env }) => {
  const stream = env.keys.stream("test:large");
  const ids = await createAppender(env.redis, env.keys).append(stream, Array.from({ length: 1234 }, (_, i) => ({ i })));
  assert.is(ids.length, 1234);
  const entries = await readRange(env.redis, stream, "-", 2000);
  assert.equal(entries.map((e) => (e.data as { i: number }).i), Array.from({ length: 1234 }, (_, i) => i));
  assert.equal(entries.map((e) => e.id), ids);
});

S("a lost sequence counter is re-seeded from the newest entry, so numbers never repeat", async ({ env }) => {
  const stream = env.keys.stream("test:reseed");
  const appender = createAppender(env.redis, env.keys);
  await appender.append(stream, [{ x: 1 }, { x: 2 }, { x: 3 }]);
  await env.redis.del(env.keys.sequence(stream));
  await appender.append(stream, [{ x: 4 }, { x: 5 }]);
  assert.equal((await readRange(env.redis, stream, "-", 10)).map((e) => e.seq), [1, 2, 3, 4, 5]);
});

S("the script is reloaded when Redis forgets it", async ({ env }) => {
  const [p0, p1] = env.keys.reportStreams();
  const appender = createAppender(env.redis, env.keys);
  await appender.appendMany([{ stream: p0!, payloads: [{ k: 1 }] }, { stream: p1!, payloads: [{ k: 2 }] }]);
  await env.redis.script("FLUSH");
  const ids = await appender.appendMany([{ stream: p0!, payloads: [{ k: 3 }] }, { stream: p1!, payloads: [{ k: 4 }] }]);
  assert.equal(ids.map((x) => x.length), [1, 1]);
});

S("payloads that are not JSON-serialisable are refused before anything is written", async ({ env }) => {
  const stream = env.keys.stream("test:refuse");
  const error = await createAppender(env.redis, env.keys).append(stream, [{ ok: 1 }, undefined]).then(() => null, (e: Error) => e);
  assert.match(error?.message ?? "", /JSON-serialisable/);
  assert.is(Number(await env.redis.xlen(stream)), 0);
});

S.run();
