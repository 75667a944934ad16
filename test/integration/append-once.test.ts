import { suite } from "uvu";
import * as assert from "uvu/assert";
import { appendOnce, readSourceMarks, sourceMarksKey } from "../../src/stream/append-once.ts";
import { readRange } from "../../src/stream/stream-commands.ts";
import { createStreamTestEnv, type StreamTestEnv } from "../support/stream-setup.ts";

const S = suite<{ env: StreamTestEnv }>("append once per source entry");

S.before(async (ctx) => {
  ctx.env = await createStreamTestEnv("append-once");
});
S.after(async (ctx) => ctx.env.close());

S("an append moves the source mark, and a stale mark refuses the append without writing", async ({ env }) => {
  const target = env.keys.stream("obs:wifi:1");
  const source = "export:internal@reports:0";
  assert.equal([...(await readSourceMarks(env.redis, [target], source))], [[target, null]]);
  await appendOnce(env.redis, env.keys, source, "1700000000000-5", [{ stream: target, payload: { n: 1 }, expectedMark: null }]);
  assert.is((await readSourceMarks(env.redis, [target], source)).get(target), "1700000000000-5");

  const stale = await appendOnce(env.redis, env.keys, source, "1700000000000-9", [{ stream: target, payload: { n: 2 }, expectedMark: null }])
    .catch((e: Error) => e);
  assert.instance(stale, Error);
  assert.match((stale as Error).message, /MARKMOVED/);
  const entries = await readRange(env.redis, target, "-", 10);
  assert.equal(entries.map((e) => [e.seq, e.data]), [[1, { n: 1 }]]);
});

S("marks are kept per source, and sequence numbers stay dense across sources", async ({ env }) => {
  const target = env.keys.stream("obs:wifi:2");
  await appendOnce(env.redis, env.keys, "a@reports:0", "1-1", [{ stream: target, payload: 1, expectedMark: null }]);
  await appendOnce(env.redis, env.keys, "a@reports:1", "1-1", [{ stream: target, payload: 2, expectedMark: null }]);
  await appendOnce(env.redis, env.keys, "a@reports:0", "2-1", [{ stream: target, payload: 3, expectedMark: "1-1" }]);
  assert.equal(await env.redis.hgetall(sourceMarksKey(target)), { "a@reports:0": "2-1", "a@reports:1": "1-1" });
  assert.equal((await readRange(env.redis, target, "-", 10)).map((e) => [e.seq, e.data]), [[1, 1], [2, 2], [3, 3]]);
});

S("a lost sequence counter is re-seeded from the stream, so numbers never repeat", async ({ env }) => {
  const target = env.keys.stream("obs:wifi:3");
  await appendOnce(env.redis, env.keys, "s", "1-1", [{ stream: target, payload: 1, expectedMark: null }]);
  await appendOnce(env.redis, env.keys, "s", "1-2", [{ stream: target, payload: 2, expectedMark: "1-1" }]);
  await env.redis.del(env.keys.sequence(target));
  await appendOnce(env.redis, env.keys, "s", "1-3", [{ stream: target, payload: 3, expectedMark: "1-2" }]);
  assert.equal((await readRange(env.redis, target, "-", 10)).map((e) => e.seq), [1, 2, 3]);
});

S.run();
