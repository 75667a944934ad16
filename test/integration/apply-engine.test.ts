/**
 * Live consumption, a rebuild and a dead-letter retry apply entries through one engine
 * (src/stream/apply-engine.ts): the same entries get the same dead letters, for the same
 * reasons, whichever path meets them, and a consumer reading stored text gets the same text.
 */
import type { RowDataPacket } from "mysql2/promise";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { createAppender } from "../../src/stream/append.ts";
import { createConsumerRuntime } from "../../src/stream/consumer-runtime.ts";
import { retryDeadLetters } from "../../src/stream/dead-letter-retry.ts";
import { listDeadLetters } from "../../src/stream/dead-letters.ts";
import { defineBuiltInConsumer, defineConsumer } from "../../src/stream/define-consumer.ts";
import { drainGroups } from "../../src/stream/drain.ts";
import { rebuildGroup } from "../../src/stream/rebuild.ts";
import { createStreamTestEnv, type StreamTestEnv } from "../support/stream-setup.ts";

const S = suite<{ env: StreamTestEnv }>("one apply engine");
const settings = { batchSize: 50, blockMs: 50, claimIdleMs: 500, maxDeliveries: 3 };

S.before(async (ctx) => {
  ctx.env = await createStreamTestEnv("apply-engine");
  // A table per group: a rebuild swaps in its group's tables whole.
  for (const t of ["t_area_live", "t_area_rebuilt"]) await ctx.env.pool.query(`CREATE TABLE ${t} (id VARCHAR(40) PRIMARY KEY, areas INT NOT NULL)`);
  for (const t of ["t_text_live", "t_text_rebuilt"]) await ctx.env.pool.query(`CREATE TABLE ${t} (id VARCHAR(40) PRIMARY KEY, body TEXT NOT NULL)`);
});
S.after(async (ctx) => ctx.env.close());

/** Counts each area update's areas; refuses the entry whose first area is "poison". */
const areaConsumer = (name: string, table: string) => defineConsumer({
  name, reads: "areas", start: "0", tables: [table],
  async project(batch, ctx) {
    if (batch.some((e) => e.data.areas[0] === "poison")) throw new Error("poison area refused");
    await ctx.tx.query(`INSERT INTO \`${ctx.table(table)}\` (id, areas) VALUES ? ON DUPLICATE KEY UPDATE areas = VALUES(areas)`,
      [batch.map((e) => [e.id, e.data.areas.length])]);
  },
});

const letters = async (env: StreamTestEnv, group: string) =>
  (await listDeadLetters(env.redis, env.keys.dead(group))).map((d) => ({ stream: d.stream, id: d.id, seq: d.seq, error: d.error, payload: d.payload }));

S("the same entries become the same dead letters live, in a rebuild, and stay dead on retry", async ({ env }) => {
  const areas = env.keys.stream("areas");
  await createAppender(env.redis, env.keys).append(areas, [{ areas: ["0a"] }, { nope: 1 }, { areas: ["poison"] }, { areas: ["0b", "0c"] }]);

  const live = areaConsumer("area-live", "t_area_live");
  const runtime = createConsumerRuntime({ ...env, consumers: [live], settings });
  assert.ok((await drainGroups(env, runtime, [live], { timeoutMs: 20_000 })).drained);
  const rebuilt = areaConsumer("area-rebuilt", "t_area_rebuilt");
  const result = await rebuildGroup({ ...env, maxDeliveries: 3 }, rebuilt, { kind: "start" });
  assert.is(result.deadLettered, 2);

  const liveDead = await letters(env, "area-live");
  assert.equal(liveDead.map((d) => [d.seq, d.error]), [
    [2, "undecodable entry: not an area update (no areas list)"],
    [3, "poison area refused"],
  ]);
  assert.equal(await letters(env, "area-rebuilt"), liveDead, "the rebuild's dead letters are the live ones, payloads included");
  assert.equal(JSON.parse(liveDead[1]!.payload), { areas: ["poison"] });
  const counts = async (table: string) => (await env.pool.query<RowDataPacket[]>(`SELECT areas FROM ${table} ORDER BY id`))[0].map((r) => r.areas);
  assert.equal(await counts("t_area_live"), [1, 2], "live: the two good updates");
  assert.equal(await counts("t_area_rebuilt"), [1, 2], "rebuild: the same two");

  const outcomes = await retryDeadLetters(env, live, env.keys.dead("area-live"));
  assert.equal(outcomes.map((o) => [o.deadLetter.seq, o.ok, o.error]), [
    [2, false, "still undecodable entry: not an area update (no areas list)"],
    [3, false, "poison area refused"],
  ]);
  assert.is((await listDeadLetters(env.redis, env.keys.dead("area-live"))).length, 2, "both letters stay");
});

S("a consumer reading stored text gets the same text live and in a rebuild", async ({ env }) => {
  const textConsumer = (name: string, table: string) => defineBuiltInConsumer({
    name, reads: "areas", start: "0", tables: [table],
    async project(batch, ctx) {
      await ctx.tx.query(`INSERT INTO \`${ctx.table(table)}\` (id, body) VALUES ? ON DUPLICATE KEY UPDATE body = VALUES(body)`,
        [batch.map((e) => [e.id, e.text ?? "(none)"])]);
    },
  }, { payload: "text" });
  const live = textConsumer("text-live", "t_text_live");
  const runtime = createConsumerRuntime({ ...env, consumers: [live], settings });
  assert.ok((await drainGroups(env, runtime, [live], { timeoutMs: 20_000 })).drained);
  await rebuildGroup({ ...env, maxDeliveries: 3 }, textConsumer("text-rebuilt", "t_text_rebuilt"), { kind: "start" });

  const bodies = async (table: string) => (await env.pool.query<RowDataPacket[]>(`SELECT body FROM ${table} ORDER BY id`))[0].map((r) => r.body as string);
  const stored = (await env.redis.xrange(env.keys.stream("areas"), "-", "+")).map(([, fields]) => fields[fields.indexOf("d") + 1]);
  assert.equal(await bodies("t_text_live"), stored, "live: every entry's stored text, the malformed ones too");
  assert.equal(await bodies("t_text_rebuilt"), stored, "rebuild: the same text");
});

S.run();
