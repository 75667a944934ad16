import { suite } from "uvu";
import * as assert from "uvu/assert";
import { loadCheckpoint } from "../../src/db/stream-checkpoint.ts";
import { createAppender } from "../../src/stream/append.ts";
import { readGroupStatus } from "../../src/stream/group-status.ts";
import { pendingCount } from "../../src/stream/stream-commands.ts";
import { spawnWorker, type WorkerHandle } from "../support/spawn-worker.ts";
import { appliedRows, createStreamTestEnv, waitFor, type StreamTestEnv } from "../support/stream-setup.ts";
import { countingConsumer } from "../support/test-consumers.ts";

const S = suite<{ env: StreamTestEnv; workers: WorkerHandle[] }>("worker processes");

S.before(async (ctx) => {
  ctx.env = await createStreamTestEnv("workers");
  ctx.workers = [];
});
S.after.each((ctx) => {
  for (const w of ctx.workers.splice(0)) if (w.child.exitCode === null) w.child.kill("SIGKILL");
});
S.after(async (ctx) => {
  await ctx.env.close();
});

function start(ctx: { env: StreamTestEnv; workers: WorkerHandle[] }, group: string, reads: string, extra: Record<string, string> = {}) {
  const worker = spawnWorker({
    DATABASE_URL: ctx.env.databaseUrl, REDIS_URL: ctx.env.redisUrl, PREFIX: ctx.env.prefix, GROUP: group, READS: reads, ...extra,
  });
  ctx.workers.push(worker);
  return worker;
}

async function waitDrained(env: StreamTestEnv, group: string, reads: string) {
  const consumer = countingConsumer(group, reads);
  return waitFor(`${group} drained`, async () => {
    const rows = await readGroupStatus(env.redis, env.pool, env.keys, [consumer]);
    return rows.every((r) => r.lag === 0 && r.pending === 0) && rows;
  }, 30_000);
}

async function stopGracefully(worker: WorkerHandle) {
  worker.child.kill("SIGTERM");
  const exit = await worker.exited;
  assert.equal(exit, { code: 0, signal: null }, `graceful exit:\n${worker.output()}`);
}

S("a consumer that crashes after COMMIT and before XACK applies nothing twice after restart", async (ctx) => {
  const { env } = ctx;
  const stream = env.keys.stream("test:crash-commit");
  await createAppender(env.redis, env.keys).append(stream, Array.from({ length: 100 }, (_, i) => ({ value: i })));

  const crashing = start(ctx, "crash-commit", "test:crash-commit", { CRASH_AFTER_COMMIT: "1", BATCH: "20" });
  assert.equal(await crashing.exited, { code: null, signal: "SIGKILL" });
  assert.is((await appliedRows(env.pool, "crash-commit")).length, 20, "first batch committed");
  assert.is(await pendingCount(env.redis, stream, "crash-commit"), 20, "…but never acknowledged");

  const restarted = start(ctx, "crash-commit", "test:crash-commit", { CLAIM_IDLE_MS: "300" });
  await restarted.ready();
  await waitDrained(env, "crash-commit", "test:crash-commit");
  const rows = await appliedRows(env.pool, "crash-commit");
  assert.is(rows.length, 100);
  assert.equal(rows.filter((r) => r.times > 1), [], "no entry applied twice");
  await stopGracefully(restarted);
});

S("a consumer killed with entries pending: a second consumer of the group claims and applies them", async (ctx) => {
  const { env } = ctx;
  const stream = env.keys.stream("test:killed");
  await createAppender(env.redis, env.keys).append(stream, Array.from({ length: 60 }, (_, i) => ({ value: i })));

  const killed = start(ctx, "killed", "test:killed", { CRASH_IN_PROJECT: "1", BATCH: "25" });
  assert.equal(await killed.exited, { code: null, signal: "SIGKILL" });
  assert.is((await appliedRows(env.pool, "killed")).length, 0, "nothing committed");
  assert.is(await pendingCount(env.redis, stream, "killed"), 25, "its batch is left pending");

  const second = start(ctx, "killed", "test:killed", { CLAIM_IDLE_MS: "300" });
  const secondName = await second.ready();
  await waitDrained(env, "killed", "test:killed");
  const rows = await appliedRows(env.pool, "killed");
  assert.is(rows.length, 60);
  assert.ok(rows.every((r) => r.times === 1 && r.applied_by === secondName));
  assert.match(second.output(), /reclaimed entries left pending by another consumer/);
  await stopGracefully(second);
});

S("two worker processes in one group share a stream without applying any entry twice", async (ctx) => {
  const { env } = ctx;
  const stream = env.keys.stream("test:shared");
  const a = start(ctx, "shared", "test:shared", { BATCH: "25", PROJECT_DELAY_MS: "2" });
  const b = start(ctx, "shared", "test:shared", { BATCH: "25", PROJECT_DELAY_MS: "2" });
  const names = [await a.ready(), await b.ready()];
  const appender = createAppender(env.redis, env.keys);
  for (let i = 0; i < 30; i++) {
    await appender.append(stream, Array.from({ length: 100 }, (_, j) => ({ value: i * 100 + j })));
    await new Promise((r) => setTimeout(r, 10));
  }
  await waitDrained(env, "shared", "test:shared");
  const rows = await appliedRows(env.pool, "shared");
  assert.is(rows.length, 3000);
  assert.equal(rows.filter((r) => r.times > 1), [], "no entry applied twice");
  assert.equal(rows.map((r) => r.seq), Array.from({ length: 3000 }, (_, i) => i + 1), "every sequence number once");
  for (const name of names) assert.ok(rows.some((r) => r.applied_by === name), `${name} applied a share`);
  const cp = await loadCheckpoint(env.pool, "shared", stream);
  assert.is(cp?.applied, 3000);
  await Promise.all([stopGracefully(a), stopGracefully(b)]);
});

S.run();
