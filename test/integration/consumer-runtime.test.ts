import { suite } from "uvu";
import * as assert from "uvu/assert";
import type mysql from "mysql2/promise";
import { loadCheckpoint } from "../../src/db/stream-checkpoint.ts";
import { createAppender } from "../../src/stream/append.ts";
import { createConsumerRuntime } from "../../src/stream/consumer-runtime.ts";
import { listDeadLetters } from "../../src/stream/dead-letters.ts";
import { retryDeadLetters } from "../../src/stream/dead-letter-retry.ts";
import type { AnyConsumer } from "../../src/stream/define-consumer.ts";
import { drainGroups } from "../../src/stream/drain.ts";
import { readGroupStatus } from "../../src/stream/group-status.ts";
import { parseFrom, replayGroup } from "../../src/stream/replay.ts";
import { applyMigrations } from "../../src/db/migrate.ts";
import { createPool } from "../../src/db/pool.ts";
import { createTestDatabase } from "../support/infra.ts";
import { runCli } from "../support/run-cli.ts";
import { appliedRows, createStreamTestEnv, waitFor, type StreamTestEnv } from "../support/stream-setup.ts";
import { captureLog } from "../support/capture-log.ts";
import { countingConsumer, createTestTables, reportWithValue, totalsConsumer } from "../support/test-consumers.ts";

const S = suite<{ env: StreamTestEnv }>("consumer runtime");
const settings = { batchSize: 50, blockMs: 50, claimIdleMs: 500, maxDeliveries: 3 };

S.before(async (ctx) => {
  ctx.env = await createStreamTestEnv("runtime");
});
S.after(async (ctx) => {
  await ctx.env.close();
});

async function drain(env: StreamTestEnv, consumers: AnyConsumer[]) {
  const runtime = createConsumerRuntime({ ...env, consumers, settings });
  const result = await drainGroups(env, runtime, consumers, { timeoutMs: 20_000 });
  assert.ok(result.drained, `drained: ${JSON.stringify(result.rows)}`);
  return result.rows;
}

S("every entry of every partition is applied exactly once and checkpointed", async ({ env }) => {
  const consumer = countingConsumer("count-all", "reports");
  const appender = createAppender(env.redis, env.keys);
  const [p0, p1] = env.keys.reportStreams();
  const ids = await appender.appendMany([
    { stream: p0!, payloads: Array.from({ length: 230 }, (_, i) => reportWithValue(i)) },
    { stream: p1!, payloads: Array.from({ length: 170 }, (_, i) => reportWithValue(1000 + i)) },
  ]);
  await drain(env, [consumer]);
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

S("checkpoints record the consumer's version, and a worker running another version stops applying the group", async ({ env }) => {
  const stream = env.keys.stream("test:versioned");
  const appender = createAppender(env.redis, env.keys);
  const v1 = countingConsumer("versioned", "test:versioned");
  await appender.append(stream, [{ value: 1 }, { value: 2 }, { value: 3 }]);
  await drain(env, [v1]);
  assert.equal((await loadCheckpoint(env.pool, "versioned", stream))?.stamp, { version: 1, definition: "" });

  // A newer build rebuilt the group (its swap stamps version 2); this worker still runs version 1.
  await env.pool.query("UPDATE stream_checkpoint SET version = 2 WHERE group_name = 'versioned'");
  await appender.append(stream, [{ value: 4 }, { value: 5 }]);
  const { log, lines } = captureLog();
  const runtime = createConsumerRuntime({ ...env, log, consumers: [v1], settings });
  runtime.start();
  try {
    await waitFor("the loop to end", async () => lines.some((l) => l.msg === "the group's checkpoint records another version of its consumer; this loop ends"));
  } finally {
    await runtime.stop();
  }
  assert.is((await appliedRows(env.pool, "versioned")).length, 3, "no entry applied by the older code");
  const said = lines.find((l) => l.msg === "the group's checkpoint records another version of its consumer; this loop ends");
  assert.match(String((said?.err as { message?: string })?.message), "was rebuilt by version 2 of its consumer; this worker runs version 1");

  // The current code (version 2) applies them.
  await drain(env, [{ ...v1, version: 2 }]);
  assert.is((await appliedRows(env.pool, "versioned")).length, 5);
});

S("an entry that throws every time is dead-lettered after MAX_DELIVERIES, the rest is applied, and retry re-drives it", async ({ env }) => {
  let refuse = true;
  const consumer = countingConsumer("poisoned", "test:poison", { refusePoison: () => refuse });
  const stream = env.keys.stream("test:poison");
  const payloads = Array.from({ length: 40 }, (_, i) => ({ value: i, poison: i === 17 }));
  const ids = await createAppender(env.redis, env.keys).append(stream, payloads);
  const rows = await drain(env, [consumer]);

  const applied = await appliedRows(env.pool, "poisoned");
  assert.is(applied.length, 39, "all but the poison entry applied");
  assert.not.ok(applied.some((r) => r.entry_id === ids[17]));
  const dead = await listDeadLetters(env.redis, env.keys.dead("poisoned"));
  assert.is(dead.length, 1);
  assert.is(dead[0]!.id, ids[17]);
  assert.is(dead[0]!.deliveries, settings.maxDeliveries);
  assert.match(dead[0]!.error, /poison entry refused/);
  assert.equal(JSON.parse(dead[0]!.payload), { value: 17, poison: true });
  assert.is(rows[0]!.deadLetters, 1);
  assert.is((await loadCheckpoint(env.pool, "poisoned", stream))?.lastEntry, 40, "checkpoint moved past it");

  // The operator's view of the same dead letter.
  const cliEnv = { DATABASE_URL: env.databaseUrl, REDIS_URL: env.redisUrl, REDIS_PREFIX: env.prefix };
  const listed = await runCli(["dead", "list", "poisoned", "--json"], cliEnv);
  assert.is(listed.code, 0, listed.stderr);
  assert.equal((JSON.parse(listed.stdout) as { id: string; deliveries: number }[]).map((d) => [d.id, d.deliveries]), [[ids[17], 3]]);
  const table = await runCli(["dead", "list", "poisoned"], cliEnv);
  assert.match(table.stdout, new RegExp(`test:poison\\s+${ids[17]}\\s+3\\s+\\S+\\s+poison entry refused`));

  // Still broken: retry keeps it dead with the new error.
  let outcomes = await retryDeadLetters(env, consumer, env.keys.dead("poisoned"));
  assert.equal(outcomes.map((o) => o.ok), [false]);
  refuse = false;
  outcomes = await retryDeadLetters(env, consumer, env.keys.dead("poisoned"));
  assert.equal(outcomes.map((o) => o.ok), [true]);
  assert.is((await appliedRows(env.pool, "poisoned")).length, 40);
  assert.is((await listDeadLetters(env.redis, env.keys.dead("poisoned"))).length, 0);
});

S("dead drop removes the named dead letters, or all of them with --all", async ({ env }) => {
  const dead = env.keys.dead("dropme");
  for (let i = 0; i < 3; i++) await env.redis.xadd(dead, "*", "group", "dropme", "stream", "s", "id", `1-${i}`, "n", i + 1, "v", 1, "d", "{}", "error", "x", "deliveries", 5, "failed_at", "now");
  const cliEnv = { DATABASE_URL: env.databaseUrl, REDIS_URL: env.redisUrl, REDIS_PREFIX: env.prefix };
  const [first] = await listDeadLetters(env.redis, dead);
  const refused = await runCli(["dead", "drop", "dropme"], cliEnv);
  assert.is(refused.code, 2, "dropping needs --id or --all");
  const one = await runCli(["dead", "drop", "dropme", "--id", first!.deadId], cliEnv);
  assert.match(one.stdout, /dropped 1 dead letter/);
  assert.is((await listDeadLetters(env.redis, dead)).length, 2);
  const all = await runCli(["dead", "drop", "dropme", "--all"], cliEnv);
  assert.match(all.stdout, /dropped 2 dead letter/);
  assert.is((await listDeadLetters(env.redis, dead)).length, 0);
});

S("an undecodable entry goes straight to the dead letters without stopping the stream", async ({ env }) => {
  const consumer = countingConsumer("decode", "test:decode");
  const stream = env.keys.stream("test:decode");
  const appender = createAppender(env.redis, env.keys);
  await appender.append(stream, [{ value: 1 }]);
  await env.redis.xadd(stream, "*", "v", "1", "n", "2", "d", "{not json");
  await env.redis.incr(env.keys.sequence(stream));
  await appender.append(stream, [{ value: 3 }]);
  await drain(env, [consumer]);
  assert.equal((await appliedRows(env.pool, "decode")).map((r) => r.seq), [1, 3]);
  const dead = await listDeadLetters(env.redis, env.keys.dead("decode"));
  assert.is(dead.length, 1);
  assert.match(dead[0]!.error, /undecodable entry: payload is not JSON/);
});

S("Redis flushed while the MySQL checkpoint survives: the group is recreated and nothing is applied twice", async ({ env }) => {
  const consumer = countingConsumer("flushed", "test:flush");
  const stream = env.keys.stream("test:flush");
  const appender = createAppender(env.redis, env.keys);
  await appender.append(stream, Array.from({ length: 20 }, (_, i) => ({ value: i })));
  await drain(env, [consumer]);
  const before = await loadCheckpoint(env.pool, "flushed", stream);

  // Everything Redis knew is gone: stream, sequence counter and group.
  await env.redis.del(stream, env.keys.sequence(stream));
  await appender.append(stream, Array.from({ length: 5 }, (_, i) => ({ value: 100 + i })));
  await drain(env, [consumer]);
  const rows = await appliedRows(env.pool, "flushed");
  assert.is(rows.length, 25);
  assert.ok(rows.every((r) => r.times === 1));
  const after = await loadCheckpoint(env.pool, "flushed", stream);
  assert.is(after?.lost, 0, "a restarted sequence is not counted as loss");
  assert.ok(after!.applied === before!.applied + 5);
});

S("group state lost or moved back while entries survive (AOF restart): only entries past the checkpoint are applied", async ({ env }) => {
  const consumer = countingConsumer("rewound", "test:rewound");
  const stream = env.keys.stream("test:rewound");
  const appender = createAppender(env.redis, env.keys);
  await appender.append(stream, Array.from({ length: 30 }, (_, i) => ({ value: i })));
  await drain(env, [consumer]);

  await env.redis.call("XGROUP", ["DESTROY", stream, "rewound"]);
  await appender.append(stream, Array.from({ length: 5 }, (_, i) => ({ value: 100 + i })));
  await drain(env, [consumer]);
  let rows = await appliedRows(env.pool, "rewound");
  assert.is(rows.length, 35);
  assert.ok(rows.every((r) => r.times === 1), "recreated group re-applied nothing");

  await env.redis.call("XGROUP", ["SETID", stream, "rewound", "0"]);
  await appender.append(stream, [{ value: 200 }]);
  await drain(env, [consumer]);
  rows = await appliedRows(env.pool, "rewound");
  assert.is(rows.length, 36);
  assert.ok(rows.every((r) => r.times === 1), "redelivered entries below the checkpoint were skipped");
});

S("replay --from start on an idempotent projection reproduces the same table contents", async ({ env }) => {
  const consumer = totalsConsumer("totals", "test:replay");
  const stream = env.keys.stream("test:replay");
  const payloads = Array.from({ length: 300 }, (_, i) => ({ k: `k${i % 7}`, value: (i * 7919) % 1000 }));
  const ids = await createAppender(env.redis, env.keys).append(stream, payloads);
  await drain(env, [consumer]);
  const snapshot = async () =>
    (await env.pool.query<mysql.RowDataPacket[]>("SELECT k, total, last_id FROM t_totals WHERE group_name = 'totals' ORDER BY k"))[0];
  const original = await snapshot();
  assert.is(original.length, 7);

  await env.pool.query("DELETE FROM t_totals WHERE group_name = 'totals'");
  await replayGroup(env, consumer, parseFrom("start"));
  const [status] = await readGroupStatus(env.redis, env.pool, env.keys, [consumer]);
  assert.is(status!.lag, 300, "the whole retained history is due again");
  await drain(env, [consumer]);
  assert.equal(await snapshot(), original);

  await replayGroup(env, consumer, parseFrom(ids[250]!));
  assert.is((await readGroupStatus(env.redis, env.pool, env.keys, [consumer]))[0]!.lag, 50, "--from <id> re-applies from that entry");
  await drain(env, [consumer]);
  assert.equal(await snapshot(), original);
});

S("replay while workers run and entries keep arriving re-applies everything in order", async ({ env }) => {
  const consumer = totalsConsumer("live-replay", "test:live-replay");
  const stream = env.keys.stream("test:live-replay");
  const appender = createAppender(env.redis, env.keys);
  const payloads = Array.from({ length: 600 }, (_, i) => ({ k: `k${i % 5}`, value: i }));
  await appender.append(stream, payloads.slice(0, 300));
  const runtime = createConsumerRuntime({ ...env, consumers: [consumer], settings: { ...settings, batchSize: 20 } });
  runtime.start();
  try {
    await waitFor("first half applied", async () => (await readGroupStatus(env.redis, env.pool, env.keys, [consumer]))[0]?.lag === 0);
    await env.pool.query("DELETE FROM t_totals WHERE group_name = 'live-replay'");
    const appending = (async () => {
      for (let i = 300; i < 600; i += 30) await appender.append(stream, payloads.slice(i, i + 30));
    })();
    await replayGroup(env, consumer, parseFrom("start"));
    await appending;
    await waitFor("caught up", async () => {
      const [row] = await readGroupStatus(env.redis, env.pool, env.keys, [consumer]);
      return row?.lag === 0 && row.pending === 0;
    });
  } finally {
    await runtime.stop();
  }
  const [rows] = await env.pool.query<mysql.RowDataPacket[]>("SELECT k, total FROM t_totals WHERE group_name = 'live-replay' ORDER BY k");
  // Last writer wins per key, so only in-order application gives the last values.
  assert.equal(rows.map((r) => [r.k, Number(r.total)]), [["k0", 595], ["k1", 596], ["k2", 597], ["k3", 598], ["k4", 599]]);
  const cp = await loadCheckpoint(env.pool, "live-replay", stream);
  assert.is(cp?.lastEntry, 600);
  assert.is(cp?.lost, 0);
});

S("a worker started before its database exists keeps trying, then consumes everything", async ({ env }) => {
  const db = await createTestDatabase("late-db");
  const pool = createPool(db.url, 4);
  const consumer = countingConsumer("late", "test:late");
  const stream = env.keys.stream("test:late");
  await createAppender(env.redis, env.keys).append(stream, Array.from({ length: 30 }, (_, i) => ({ value: i })));
  const runtime = createConsumerRuntime({ ...env, pool, consumers: [consumer], settings });
  runtime.start();
  try {
    await new Promise((r) => setTimeout(r, 500)); // the loop meets a missing database and retries
    await applyMigrations({ databaseUrl: db.url, log: env.log });
    await createTestTables(pool);
    await waitFor("late group drained", async () => {
      const [row] = await readGroupStatus(env.redis, pool, env.keys, [consumer]);
      return row?.lag === 0 && row.pending === 0;
    });
    assert.is((await appliedRows(pool, "late")).length, 30);
  } finally {
    await runtime.stop();
    await pool.end();
    await db.drop();
  }
});

S("replay --from accepts start, entry ids and ISO times, and refuses anything else", () => {
  assert.equal(parseFrom("start"), { kind: "start" });
  assert.equal(parseFrom("1700000000000-5"), { kind: "id", id: "1700000000000-5" });
  assert.equal(parseFrom("2026-11-23T10:00:00Z"), { kind: "id", id: `${Date.parse("2026-11-23T10:00:00Z")}-0` });
  assert.throws(() => parseFrom("yesterday"), /is not "start", an entry id/);
});

S.run();
