import { suite } from "uvu";
import * as assert from "uvu/assert";
import { createAppender } from "../../src/stream/append.ts";
import { createConsumerRuntime } from "../../src/stream/consumer-runtime.ts";
import { drainGroups } from "../../src/stream/drain.ts";
import { readGroupStatus } from "../../src/stream/group-status.ts";
import { loadCheckpoint } from "../../src/db/stream-checkpoint.ts";
import { appliedRows, createStreamTestEnv, type StreamTestEnv } from "../support/stream-setup.ts";
import { countingConsumer } from "../support/test-consumers.ts";

const S = suite<{ env: StreamTestEnv }>("consumer runtime");
const settings = { batchSize: 50, blockMs: 50, claimIdleMs: 500, maxDeliveries: 3 };

S.before(async (ctx) => {
  ctx.env = await createStreamTestEnv("runtime");
});
S.after(async (ctx) => {
  await ctx.env.close();
});

S("every entry of every partition is applied exactly once and checkpointed", async ({ env }) => {
  const consumer = countingConsumer("count-all", "reports");
  const appender = createAppender(env.redis, env.keys);
  const [p0, p1] = env.keys.reportStreams();
  const ids = await appender.appendMany([
    { stream: p0!, payloads: Array.from({ length: 230 }, (_, i) => ({ value: i })) },
    { stream: p1!, payloads: Array.from({ length: 170 }, (_, i) => ({ value: 1000 + i })) },
  ]);
  const runtime = createConsumerRuntime({ ...env, consumers: [consumer], settings });
  const result = await drainGroups(env, runtime, [consumer], { timeoutMs: 15_000 });
  assert.ok(result.drained, "drained");
  const rows = await appliedRows(env.pool, "count-all");
  assert.is(rows.length, 400);
  assert.ok(rows.every((r) => r.times === 1), "no entry applied twice");
  const cp0 = await loadCheckpoint(env.pool, "count-all", p0!);
  assert.is(cp0?.lastId, ids[0]!.at(-1));
  assert.is(cp0?.lastEntry, 230);
  assert.is(cp0?.applied, 230);
  const status = await readGroupStatus(env.redis, env.pool, env.keys, [consumer]);
  assert.equal(status.map((s) => [s.stream, s.lag, s.pending, s.lost]), [["reports:0", 0, 0, 0], ["reports:1", 0, 0, 0]]);
});

S.run();
