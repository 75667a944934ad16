/**
 * A consumer whose batch is full of entries that come after entries another consumer holds
 * waits for those first (entries are applied in order). When that holder dies, the waiting
 * consumer must still take them over: with no room left in its batch it used to claim nothing,
 * and the group stopped for good.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { createAppender } from "../../src/stream/append.ts";
import { THIS_PROCESS } from "../../src/stream/consumer-liveness.ts";
import { createConsumerRuntime } from "../../src/stream/consumer-runtime.ts";
import { createGroup, readGroup } from "../../src/stream/stream-commands.ts";
import { insertCheckpoint } from "../../src/db/stream-checkpoint.ts";
import { appliedRows, createStreamTestEnv, type StreamTestEnv, waitFor } from "../support/stream-setup.ts";
import { countingConsumer } from "../support/test-consumers.ts";

const S = suite<{ env: StreamTestEnv }>("taking over entries a waiting batch depends on");

S.before(async (ctx) => {
  ctx.env = await createStreamTestEnv("takeover");
});
S.after(async (ctx) => {
  await ctx.env.close();
});

/** A process that only stays alive until killed: the stand-in holder's PID. */
function idleProcess(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
  return new Promise((resolve, reject) => {
    child.once("spawn", () => resolve(child));
    child.once("error", reject);
  });
}

S("a full batch waiting for earlier entries takes them over when their holder dies", async ({ env }) => {
  const logical = "test:waiting";
  const stream = env.keys.stream(logical);
  const appender = createAppender(env.redis, env.keys);
  await appender.append(stream, Array.from({ length: 5 }, (_, i) => ({ value: i })));
  await createGroup(env.redis, stream, "waiting", "0");
  await insertCheckpoint(env.pool, "waiting", stream, "0-0", 0);

  // The holder: a consumer on this host whose liveness key names a running process, so it is
  // alive until that process is killed. It takes the first five entries and never acknowledges them.
  const holderProcess = await idleProcess();
  try {
    await env.redis.set(env.keys.alive("holder"), JSON.stringify({ ...THIS_PROCESS, pid: holderProcess.pid }), "PX", 600_000);
    assert.is((await readGroup(env.redis, stream, "waiting", "holder", 5, null)).length, 5);
    // Then more than a batch of later entries, which the runtime's consumer reads and must hold.
    await appender.append(stream, Array.from({ length: 30 }, (_, i) => ({ value: 5 + i })));

    const consumer = countingConsumer("waiting", logical, { batchSize: 10 });
    const runtime = createConsumerRuntime({
      ...env, consumers: [consumer],
      settings: { batchSize: 10, blockMs: 50, claimIdleMs: 600_000, maxDeliveries: 5, livenessMs: 400 },
    });
    runtime.start();
    try {
      await waitFor("the runtime's consumer to hold a full batch", async () => {
        const rows = (await env.redis.call("XINFO", ["CONSUMERS", stream, "waiting"])) as unknown[][];
        return rows.some((r) => r[1] !== "holder" && Number(r[3]) >= 10);
      });
      assert.is((await appliedRows(env.pool, "waiting")).length, 0, "nothing is applied past entries another consumer holds");

      holderProcess.kill("SIGKILL");
      const rows = await waitFor("every entry applied after the holder died", async () => {
        const applied = await appliedRows(env.pool, "waiting");
        return applied.length === 35 && applied;
      }, 10_000);
      assert.equal(rows.map((r) => r.seq), Array.from({ length: 35 }, (_, i) => i + 1), "applied in order");
      assert.ok(rows.every((r) => r.times === 1), "each entry once");
      const pending = (await env.redis.call("XPENDING", [stream, "waiting"])) as [number];
      assert.is(Number(pending[0]), 0, "nothing left pending");
    } finally {
      await runtime.stop();
    }
  } finally {
    holderProcess.kill("SIGKILL");
  }
});

S.run();
