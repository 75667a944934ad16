import { suite } from "uvu";
import * as assert from "uvu/assert";
import { loadCheckpoint, loadCheckpoints } from "../../src/db/stream-checkpoint.ts";
import { createAppender } from "../../src/stream/append.ts";
import { createConsumerRuntime } from "../../src/stream/consumer-runtime.ts";
import { drainGroups } from "../../src/stream/drain.ts";
import { readGroupStatus } from "../../src/stream/group-status.ts";
import { firstEntryFrom } from "../../src/stream/stream-commands.ts";
import { trimStream, trimStreams } from "../../src/stream/trimmer.ts";
import { runCli } from "../support/run-cli.ts";
import { appliedRows, createStreamTestEnv, type StreamTestEnv } from "../support/stream-setup.ts";
import { countingConsumer } from "../support/test-consumers.ts";

const S = suite<{ env: StreamTestEnv }>("trimmer");
const settings = { batchSize: 50, blockMs: 50, claimIdleMs: 500, maxDeliveries: 3 };
const NO_CAP = 1024 ** 4;

S.before(async (ctx) => {
  ctx.env = await createStreamTestEnv("trimmer");
});
S.after(async (ctx) => {
  await ctx.env.close();
});

async function drain(env: StreamTestEnv, consumer: ReturnType<typeof countingConsumer>) {
  const runtime = createConsumerRuntime({ ...env, consumers: [consumer], settings });
  const result = await drainGroups(env, runtime, [consumer], { timeoutMs: 20_000 });
  assert.ok(result.drained);
}

const payload = (i: number) => ({ value: i, pad: "x".repeat(200) });

S("retention trims what every group has applied and nothing a group still needs", async ({ env }) => {
  const fast = countingConsumer("fast", "test:retain");
  const slow = countingConsumer("slow", "test:retain");
  const stream = env.keys.stream("test:retain");
  const appender = createAppender(env.redis, env.keys);
  await appender.append(stream, Array.from({ length: 300 }, (_, i) => payload(i)));
  await drain(env, slow); // slow stops at entry 300
  await appender.append(stream, Array.from({ length: 700 }, (_, i) => payload(300 + i)));
  await drain(env, fast); // fast has everything

  // Retention of 1 ms: only the slow group's checkpoint holds entries back.
  const report = await trimStream(env, stream, await loadCheckpoints(env.pool), { retentionMs: 1, maxBytes: NO_CAP });
  assert.is(report.forced, 0);
  assert.ok(report.trimmed > 0, "entries both groups applied were trimmed");
  const first = await firstEntryFrom(env.redis, stream);
  assert.ok(first!.seq <= 301, `entry 301 onwards kept (first kept: ${first!.seq})`);

  await drain(env, slow);
  assert.is((await appliedRows(env.pool, "slow")).length, 1000, "slow group lost nothing");
  assert.is((await loadCheckpoint(env.pool, "slow", stream))?.lost, 0);

  // A long retention keeps even what every group applied.
  await appender.append(stream, [payload(1000)]);
  const kept = await trimStream(env, stream, await loadCheckpoints(env.pool), { retentionMs: 86_400_000, maxBytes: NO_CAP });
  assert.is(kept.trimmed, 0);
});

S("over STREAM_MAX_BYTES the stream is cut past a lagging group, which counts exactly what it lost and carries on", async ({ env }) => {
  const lagging = countingConsumer("lagging", "test:capped");
  const stream = env.keys.stream("test:capped");
  const appender = createAppender(env.redis, env.keys);
  await appender.append(stream, Array.from({ length: 100 }, (_, i) => payload(i)));
  await drain(env, lagging); // checkpoint at 100
  await appender.append(stream, Array.from({ length: 2000 }, (_, i) => payload(100 + i)));

  const bytes = Number(await env.redis.call("MEMORY", ["USAGE", stream]));
  const [report] = await trimStreams(env, [stream], { retentionMs: 86_400_000, maxBytes: Math.floor(bytes / 4) });
  assert.ok(report!.forced > 0, "the cap forced a trim");
  const first = await firstEntryFrom(env.redis, stream);
  const expectedLost = first!.seq - 1 - 100;
  assert.ok(expectedLost > 0);
  assert.is(report!.lostByGroup.lagging, expectedLost);
  const usage = Number(await env.redis.call("MEMORY", ["USAGE", stream]));
  assert.ok(usage <= bytes / 4, `stream now ${usage} bytes, cap ${Math.floor(bytes / 4)}`);

  // Reported before the group even notices…
  let [status] = await readGroupStatus(env.redis, env.pool, env.keys, [lagging]);
  assert.is(status!.lost, expectedLost);
  assert.is(status!.lag, 2100 - 100 - expectedLost);

  // …and counted exactly once it carries on.
  await drain(env, lagging);
  const cp = await loadCheckpoint(env.pool, "lagging", stream);
  assert.is(cp?.lost, expectedLost);
  assert.is(cp?.lastEntry, 2100);
  assert.is((await appliedRows(env.pool, "lagging")).length, 2100 - expectedLost);
  [status] = await readGroupStatus(env.redis, env.pool, env.keys, [lagging]);
  assert.is(status!.lost, expectedLost);
  assert.is(status!.lag, 0);

  // The operator's view: `ichnos groups --json` shows the same count.
  const cli = await runCli(["groups", "--json"], { DATABASE_URL: env.databaseUrl, REDIS_URL: env.redisUrl, REDIS_PREFIX: env.prefix, STREAM_PARTITIONS: "2" });
  assert.is(cli.code, 0, cli.stderr);
  const row = (JSON.parse(cli.stdout) as { group: string; stream: string; lost: number }[])
    .find((r) => r.group === "lagging" && r.stream === "test:capped");
  assert.is(row?.lost, expectedLost);
  const table = await runCli(["groups"], { DATABASE_URL: env.databaseUrl, REDIS_URL: env.redisUrl, REDIS_PREFIX: env.prefix });
  assert.match(table.stdout, new RegExp(`lagging\\s+test:capped\\s+\\S+\\s+\\S+\\s+0\\s+0\\s+0\\s+${expectedLost}\\s`));
});

S("consumers that hold nothing and have been idle long are removed; ones with pending entries stay", async ({ env }) => {
  const stream = env.keys.stream("test:consumers");
  await createAppender(env.redis, env.keys).append(stream, [payload(1), payload(2)]);
  await env.redis.call("XGROUP", ["CREATE", stream, "g", "0"]);
  await env.redis.call("XGROUP", ["CREATECONSUMER", stream, "g", "gone-idle"]);
  await env.redis.call("XREADGROUP", ["GROUP", "g", "crashed-holding", "COUNT", 1, "STREAMS", stream, ">"]);
  await new Promise((r) => setTimeout(r, 60));
  const report = await trimStream(env, stream, [], { retentionMs: 86_400_000, maxBytes: NO_CAP, consumerIdleMs: 50 });
  assert.is(report.prunedConsumers, 1);
  const left = ((await env.redis.call("XINFO", ["CONSUMERS", stream, "g"])) as string[][]).map((c) => c[1]);
  assert.equal(left, ["crashed-holding"]);
});

S.run();
