import { suite } from "uvu";
import * as assert from "uvu/assert";
import { readBoundedRange } from "../../src/stream/bounded-range.ts";
import { createStreamTestEnv, type StreamTestEnv } from "../support/stream-setup.ts";

const S = suite<{ env: StreamTestEnv; stream: string; ids: string[] }>("byte-bounded XRANGE");
const KIB = 1024;
// Field bytes of each entry: "d" plus the value.
const SIZES_KIB = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 50, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1];

S.before(async (ctx) => {
  ctx.env = await createStreamTestEnv("bounded-range", 1);
  ctx.stream = `${ctx.env.prefix}:bounded`;
  ctx.ids = [];
  for (const kib of SIZES_KIB) ctx.ids.push((await ctx.env.redis.xadd(ctx.stream, "*", "d", "x".repeat(kib * KIB - 1)))!);
});
S.after(async (ctx) => ctx.env.close());

S("stops before the summed field bytes would pass the bound, and says so", async ({ env, stream, ids }) => {
  const r = await readBoundedRange(env.redis, stream, "-", "+", 1000, 5 * KIB);
  assert.equal(r.entries.map((e) => e.id), ids.slice(0, 5));
  assert.equal(r.entries.map((e) => e.bytes), [KIB, KIB, KIB, KIB, KIB]);
  assert.is(r.full, true);
});

S("an entry larger than the bound comes alone, so a reader always moves on", async ({ env, stream, ids }) => {
  const r = await readBoundedRange(env.redis, stream, `(${ids[9]}`, "+", 1000, 5 * KIB);
  assert.equal([r.entries.map((e) => e.id), r.full], [[ids[10]], true]);
  const before = await readBoundedRange(env.redis, stream, ids[8]!, "+", 1000, 5 * KIB);
  assert.equal(before.entries.map((e) => e.id), [ids[8], ids[9]], "the large entry waits for the next read");
});

S("the count bound and the end of the range stop it too", async ({ env, stream, ids }) => {
  const counted = await readBoundedRange(env.redis, stream, ids[11]!, "+", 3, 1024 * KIB);
  assert.equal([counted.entries.map((e) => e.id), counted.full], [ids.slice(11, 14), true]);
  const all = await readBoundedRange(env.redis, stream, ids[11]!, "+", 1000, 1024 * KIB);
  assert.equal([all.entries.map((e) => e.id), all.full], [ids.slice(11), false]);
  const upTo = await readBoundedRange(env.redis, stream, "-", ids[3]!, 1000, 1024 * KIB);
  assert.equal([upTo.entries.map((e) => e.id), upTo.full], [ids.slice(0, 4), false]);
});

S("a start at or past the end, even strictly after the greatest id, is an empty range", async ({ env, stream, ids }) => {
  const max = "18446744073709551615-18446744073709551615";
  for (const [start, end] of [[`(${max}`, max], [`(${max}`, "+"], [`(${ids[3]}`, ids[3]!], [ids[4]!, ids[3]!]] as const) {
    assert.equal(await readBoundedRange(env.redis, stream, start, end, 10, KIB), { entries: [], full: false }, start);
  }
  const missing = await readBoundedRange(env.redis, stream.replace("bounded", "missing"), "-", "+", 10, KIB);
  assert.equal(missing, { entries: [], full: false });
});

S.run();
