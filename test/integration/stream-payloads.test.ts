/**
 * The runtime decodes each entry once and checks its payload against its stream's type in the
 * catalogue (src/stream/streams.ts): a projection only sees payloads of that type, each with the
 * entry's time; one that is not goes straight to the dead letters with the reason.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { loadCheckpoint } from "../../src/db/stream-checkpoint.ts";
import { createAppender } from "../../src/stream/append.ts";
import { createConsumerRuntime } from "../../src/stream/consumer-runtime.ts";
import { listDeadLetters } from "../../src/stream/dead-letters.ts";
import { defineConsumer } from "../../src/stream/define-consumer.ts";
import { drainGroups } from "../../src/stream/drain.ts";
import { appliedRows, createStreamTestEnv, type StreamTestEnv } from "../support/stream-setup.ts";
import { countingConsumer } from "../support/test-consumers.ts";

const S = suite<{ env: StreamTestEnv }>("stream payloads");
const settings = { batchSize: 50, blockMs: 50, claimIdleMs: 500, maxDeliveries: 3 };

S.before(async (ctx) => {
  ctx.env = await createStreamTestEnv("payloads");
});
S.after(async (ctx) => ctx.env.close());

S("an entry whose payload is not of its stream's type is dead-lettered at once with the reason; the rest is applied", async ({ env }) => {
  const areas = env.keys.stream("areas");
  await createAppender(env.redis, env.keys).append(areas, [{ areas: ["0a"] }, { nope: 1 }, { areas: [], at: "soon" }, { areas: ["0b"], at: 5 }]);
  const consumer = countingConsumer("area-count", "areas");
  const runtime = createConsumerRuntime({ ...env, consumers: [consumer], settings });
  assert.ok((await drainGroups(env, runtime, [consumer], { timeoutMs: 20_000 })).drained);

  assert.equal((await appliedRows(env.pool, "area-count")).map((r) => r.seq), [1, 4], "the two area updates reached the projection, once each");
  const dead = await listDeadLetters(env.redis, env.keys.dead("area-count"));
  assert.equal(dead.map((d) => [d.seq, d.error, d.deliveries]), [
    [2, "undecodable entry: not an area update (no areas list)", 1],
    [3, 'undecodable entry: not an area update (at "soon" is not a time in ms)', 1],
  ]);
  const cp = await loadCheckpoint(env.pool, "area-count", areas);
  assert.equal([cp?.lastEntry, cp?.applied], [4, 2], "the checkpoint moved past all four");
});

S("each entry comes with the time it was appended", async ({ env }) => {
  const seen: { id: string; time: number }[] = [];
  const consumer = defineConsumer({
    name: "timed", reads: "areas", start: "0",
    async project(batch) {
      for (const e of batch) seen.push({ id: e.id, time: e.time.getTime() });
    },
  });
  const runtime = createConsumerRuntime({ ...env, consumers: [consumer], settings });
  assert.ok((await drainGroups(env, runtime, [consumer], { timeoutMs: 20_000 })).drained);
  assert.is(seen.length, 2);
  for (const e of seen) assert.is(e.time, Number(e.id.split("-")[0]), e.id);
});

S.run();
