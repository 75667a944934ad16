/**
 * A consumer loop that hangs in one step (here a projection that waits on something that does
 * not answer) is named: a warning with its group, stream and step, the
 * `ichnos_consumer_loop_stuck_seconds` gauge, and a line when it moves on again.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { createMetricsRegistry } from "../../src/metrics/registry.ts";
import { registerStuckLoopGauge } from "../../src/metrics/loop-gauges.ts";
import { createAppender } from "../../src/stream/append.ts";
import { createConsumerRuntime } from "../../src/stream/consumer-runtime.ts";
import { defineConsumer } from "../../src/stream/define-consumer.ts";
import { captureLog } from "../support/capture-log.ts";
import { appliedRows, createStreamTestEnv, type StreamTestEnv, waitFor } from "../support/stream-setup.ts";
import { countingConsumer, type TestPayload } from "../support/test-consumers.ts";

const S = suite<{ env: StreamTestEnv }>("a stuck consumer loop is reported");

S.before(async (ctx) => {
  ctx.env = await createStreamTestEnv("stuck");
});
S.after(async (ctx) => {
  await ctx.env.close();
});

S("a projection that never returns is named in the log and the gauge until it moves on", async ({ env }) => {
  const logical = "test:stuck";
  let open!: () => void;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  const counting = countingConsumer("stalled", logical);
  const consumer = defineConsumer<TestPayload>({
    ...counting,
    async project(batch, ctx) {
      await gate;
      await counting.project(batch, ctx);
    },
  });
  const { log, lines } = captureLog("info");
  const runtime = createConsumerRuntime({
    ...env, log, consumers: [consumer],
    settings: { batchSize: 10, blockMs: 50, claimIdleMs: 60_000, maxDeliveries: 5, stuckAfterMs: 300 },
  });
  const registry = createMetricsRegistry();
  const unwatch = registerStuckLoopGauge(registry, runtime.watch);
  runtime.start();
  try {
    await createAppender(env.redis, env.keys).append(env.keys.stream(logical), [{ value: 1 }, { value: 2 }]);
    const warning = await waitFor("the stuck warning", async () => lines.find((l) => String(l.msg).includes("stuck in one step")), 5000);
    assert.is(warning.group, "stalled");
    assert.is(warning.step, "applying a batch");
    assert.is(warning.level, 40);
    assert.ok(String(warning.stream).startsWith("test:stuck"), String(warning.stream));

    const exposition = await registry.metrics();
    const gaugeLine = exposition.split("\n").find((l) => l.startsWith("ichnos_consumer_loop_stuck_seconds{"));
    assert.ok(gaugeLine, exposition.slice(0, 500));
    assert.match(gaugeLine!, /group="stalled",stream="test:stuck(:\d)?",step="applying a batch"\} \d/, gaugeLine);
    assert.ok(Number(gaugeLine!.split(" ").pop()) >= 0.3, gaugeLine);

    open();
    await waitFor("the entries applied", async () => (await appliedRows(env.pool, "stalled")).length === 2);
    await waitFor("the end of the stall logged", async () => lines.some((l) => l.msg === "a stuck consumer loop moved on" && l.step === "applying a batch"));
    assert.equal(runtime.watch.stuck(), []);
    assert.not.match(await registry.metrics(), /^ichnos_consumer_loop_stuck_seconds\{/m);
    assert.is(lines.filter((l) => String(l.msg).includes("stuck in one step")).length, 1, "reported once per stall");
  } finally {
    open();
    unwatch();
    await runtime.stop();
  }
});

S.run();
