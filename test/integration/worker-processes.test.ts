import { suite } from "uvu";
import * as assert from "uvu/assert";
import { loadCheckpoint } from "../../src/db/stream-checkpoint.ts";
import { createAppender } from "../../src/stream/append.ts";
import { readGroupStatus } from "../../src/stream/group-status.ts";
import { listDeadLetters } from "../../src/stream/dead-letters.ts";
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
  const consumer = countingConsumer(group, reads.split(","));
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
  assert.match(second.output(), /took over entries left pending by another consumer/);
  await stopGracefully(second);
});

S("a worker killed with entries pending is replaced by its restarted self, which applies them at once", async (ctx) => {
  const { env } = ctx;
  const stream = env.keys.stream("test:restart");
  await createAppender(env.redis, env.keys).append(stream, Array.from({ length: 60 }, (_, i) => ({ value: i })));
  // CLAIM_IDLE is a minute, as by default: only proof that the consumer is dead can free its entries sooner.
  const slow = { CLAIM_IDLE_MS: "60000", LIVENESS_MS: "15000" };
  const killed = start(ctx, "restart", "test:restart", { ...slow, CRASH_IN_PROJECT: "1", BATCH: "25" });
  const killedName = await killed.ready();
  assert.equal(await killed.exited, { code: null, signal: "SIGKILL" });
  assert.is(await pendingCount(env.redis, stream, "restart"), 25, "its batch is left pending");

  const began = Date.now();
  const restarted = start(ctx, "restart", "test:restart", slow);
  await restarted.ready();
  await waitDrained(env, "restart", "test:restart");
  const tookMs = Date.now() - began;
  assert.ok(tookMs < 10_000, `applied in ${tookMs} ms, not after CLAIM_IDLE (60 s)`);
  const rows = await appliedRows(env.pool, "restart");
  assert.is(rows.length, 60);
  assert.ok(rows.every((r) => r.times === 1));
  // The dead consumer held nothing once its entries were taken over: it is removed from the group.
  await waitFor("dead consumer removed", async () => {
    const consumers = (await env.redis.call("XINFO", ["CONSUMERS", stream, "restart"])) as string[][];
    return !consumers.some((c) => c[1] === killedName);
  }, 15_000);
  await stopGracefully(restarted);
});

S("an entry that kills every process handling it is dead-lettered after MAX_DELIVERIES deliveries; the rest is applied", async (ctx) => {
  const { env } = ctx;
  const stream = env.keys.stream("test:killer");
  const payloads = Array.from({ length: 40 }, (_, i) => (i === 17 ? { value: i, kill: true } : { value: i }));
  const ids = await createAppender(env.redis, env.keys).append(stream, payloads);
  const killerId = ids[17]!;
  const settings = { CLAIM_IDLE_MS: "60000", MAX_DELIVERIES: "3", KILL_ON_MARK: "1", BATCH: "10" };
  let deaths = 0;
  let survivor: WorkerHandle | null = null;
  for (let run = 0; run < 8 && !survivor; run++) {
    const worker = start(ctx, "killer", "test:killer", settings);
    await worker.ready();
    const outcome = await Promise.race([
      worker.exited.then((exit) => exit.signal),
      waitDrained(env, "killer", "test:killer").then(() => "drained" as const),
    ]);
    if (outcome === "drained") survivor = worker;
    else deaths += 1;
  }
  assert.ok(survivor, `the stream never drained after ${deaths} deaths`);
  // Delivered once in a batch, then claimed in a batch, then alone until MAX_DELIVERIES (3).
  assert.ok(deaths >= 2 && deaths <= 4, `the crash loop ended after ${deaths} deaths`);
  const dead = await listDeadLetters(env.redis, env.keys.dead("killer"));
  assert.equal(dead.map((d) => d.id), [killerId], "only the killing entry is set aside");
  assert.match(dead[0]!.error, /delivered 3 times without being acknowledged/);
  assert.is(JSON.parse(dead[0]!.payload).kill, true, "the dead letter keeps the entry's payload");
  const rows = await appliedRows(env.pool, "killer");
  assert.equal(rows.map((r) => r.entry_id), ids.filter((id) => id !== killerId), "every other entry applied, in order");
  assert.ok(rows.every((r) => r.times === 1), "nothing applied twice");
  await stopGracefully(survivor!);
});

/** Who holds each stream's reader lease of `group` now (stream-ownership.ts). */
async function readers(env: StreamTestEnv, group: string, streams: readonly string[]): Promise<(string | null)[]> {
  return Promise.all(streams.map((s) => env.redis.get(env.keys.readerLease(group, env.keys.stream(s)))));
}

S("two worker processes in one group share its streams: each stream is read by one of them, nothing is applied twice, and a stopped one's streams go to the other", async (ctx) => {
  const { env } = ctx;
  const logical = ["test:shared0", "test:shared1", "test:shared2", "test:shared3"];
  const settings = { BATCH: "25", PROJECT_DELAY_MS: "2", LIVENESS_MS: "2000" };
  const a = start(ctx, "shared", logical.join(","), settings);
  const b = start(ctx, "shared", logical.join(","), settings);
  const names = [await a.ready(), await b.ready()];
  // Whoever started first took every stream; it gives back its excess once it sees the other.
  const balanced = await waitFor("two streams read by each worker", async () => {
    const now = await readers(env, "shared", logical);
    return names.every((n) => now.filter((r) => r === n).length === 2) && now;
  }, 15_000);

  const appender = createAppender(env.redis, env.keys);
  for (let i = 0; i < 30; i++) {
    await Promise.all(logical.map((s, k) => appender.append(env.keys.stream(s), Array.from({ length: 25 }, (_, j) => ({ value: i * 100 + k * 25 + j })))));
    await new Promise((r) => setTimeout(r, 10));
  }
  await waitDrained(env, "shared", logical.join(","));
  const rows = await appliedRows(env.pool, "shared");
  assert.is(rows.length, 3000);
  assert.equal(rows.filter((r) => r.times > 1), [], "no entry applied twice");
  logical.forEach((s, k) => {
    const own = rows.filter((r) => r.stream === env.keys.stream(s));
    assert.equal(own.map((r) => r.seq), Array.from({ length: 750 }, (_, i) => i + 1), `${s}: every sequence number once`);
    assert.equal([...new Set(own.map((r) => r.applied_by))], [balanced[k]], `${s}: applied by its reader alone, in whole batches`);
  });

  // A graceful stop gives its leases back; the other worker reads every stream from then on.
  await stopGracefully(a);
  await waitFor("every stream read by the survivor", async () => (await readers(env, "shared", logical)).every((r) => r === names[1]), 10_000);
  await Promise.all(logical.map((s) => appender.append(env.keys.stream(s), [{ value: 9000 }, { value: 9001 }])));
  await waitDrained(env, "shared", logical.join(","));
  const after = await appliedRows(env.pool, "shared");
  assert.is(after.length, 3008);
  assert.ok(after.filter((r) => r.seq > 750).every((r) => r.applied_by === names[1]), "the survivor applied what came after");
  for (const s of logical) assert.is((await loadCheckpoint(env.pool, "shared", env.keys.stream(s)))?.applied, 752);
  await stopGracefully(b);
});

S.run();
