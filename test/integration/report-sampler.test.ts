/**
 * What the live feed reads (src/live/report-sampler.ts), against real streams: only what arrived
 * after "now", the newest entries across streams when more arrived than a frame holds with the
 * rest counted exactly, and no consumer group left behind.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { createReportSampler, type SampledStream } from "../../src/live/report-sampler.ts";
import { createAppender } from "../../src/stream/append.ts";
import { groupInfo } from "../../src/stream/stream-commands.ts";
import { createStreamTestEnv, type StreamTestEnv } from "../support/stream-setup.ts";

const S = suite<{ env: StreamTestEnv }>("live feed sampler");
S.before(async (ctx) => {
  ctx.env = await createStreamTestEnv("sampler");
});
S.after(async (ctx) => ctx.env.close());

function streamsOf(env: StreamTestEnv, names: readonly string[]): SampledStream[] {
  return names.map((name) => {
    const key = env.keys.stream(`test:${name}`);
    return { key, logical: `test:${name}`, sequenceKey: env.keys.sequence(key) };
  });
}
const values = (entries: readonly { text: string }[]) => entries.map((e) => (JSON.parse(e.text) as { v: number }).v);

S("it starts at now, returns what arrived since, oldest first, and creates no group", async ({ env }) => {
  const [a, b] = streamsOf(env, ["now-a", "now-b"]);
  const appender = createAppender(env.redis, env.keys);
  await appender.append(a!.key, [{ v: 1 }, { v: 2 }]);
  const sampler = createReportSampler(env.redis, [a!, b!], 10);
  await sampler.sync();
  assert.equal(await sampler.tick(), { entries: [], omitted: 0 }, "what was there before is not news");
  const pause = () => new Promise((r) => setTimeout(r, 5));
  await appender.append(a!.key, [{ v: 3 }]);
  await pause();
  await appender.append(b!.key, [{ v: 4 }]);
  await pause();
  await appender.append(a!.key, [{ v: 5 }]);
  const sample = await sampler.tick();
  assert.equal(values(sample.entries), [3, 4, 5]);
  assert.equal(sample.entries.map((e) => e.stream), ["test:now-a", "test:now-b", "test:now-a"]);
  assert.is(sample.omitted, 0);
  assert.equal(await sampler.tick(), { entries: [], omitted: 0 }, "nothing twice");
  assert.equal(await groupInfo(env.redis, a!.key), []);
});

S("more than a frame holds: the newest across streams, the others counted exactly", async ({ env }) => {
  const [a, b] = streamsOf(env, ["many-a", "many-b"]);
  const appender = createAppender(env.redis, env.keys);
  const sampler = createReportSampler(env.redis, [a!, b!], 4);
  await sampler.sync();
  await appender.append(a!.key, Array.from({ length: 30 }, (_, i) => ({ v: i })));
  // Ids order entries across streams only by their millisecond.
  await new Promise((r) => setTimeout(r, 5));
  await appender.append(b!.key, Array.from({ length: 7 }, (_, i) => ({ v: 100 + i })));
  const sample = await sampler.tick();
  assert.equal(values(sample.entries), [103, 104, 105, 106], "the newest four, all from the stream appended last");
  assert.is(sample.omitted, 33, "37 arrived, 4 shown");
  await appender.append(a!.key, [{ v: 30 }]);
  assert.equal(values((await sampler.tick()).entries), [30], "and it goes on after the newest it returned");
});

S("an empty stream whose entries were trimmed away starts after its last sequence number; reset skips to now", async ({ env }) => {
  const [a] = streamsOf(env, ["trimmed"]);
  const appender = createAppender(env.redis, env.keys);
  await appender.append(a!.key, [{ v: 1 }, { v: 2 }, { v: 3 }]);
  await env.redis.xtrim(a!.key, "MAXLEN", 0);
  const sampler = createReportSampler(env.redis, [a!], 10);
  await sampler.sync();
  await appender.append(a!.key, [{ v: 4 }, { v: 5 }]);
  assert.equal(await sampler.tick().then((s) => [values(s.entries), s.omitted]), [[4, 5], 0], "no phantom omitted count for the trimmed three");
  await appender.append(a!.key, [{ v: 6 }]);
  sampler.reset();
  assert.equal(await sampler.tick(), { entries: [], omitted: 0 }, "after a reset the first tick only finds now");
  await appender.append(a!.key, [{ v: 7 }]);
  assert.equal(values((await sampler.tick()).entries), [7], "6 arrived before now");
});

S.run();
