/**
 * One poison entry in a rebuild's history is isolated and dead-lettered as live consumption does
 * it, and the rebuild finishes with everything else swapped in.
 */
import type { RowDataPacket } from "mysql2/promise";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { createAppender } from "../../src/stream/append.ts";
import { listDeadLetters } from "../../src/stream/dead-letters.ts";
import { defineConsumer } from "../../src/stream/define-consumer.ts";
import { rebuildGroup } from "../../src/stream/rebuild.ts";
import type { StreamName } from "../../src/stream/streams.ts";
import { createStreamTestEnv, type StreamTestEnv } from "../support/stream-setup.ts";

const S = suite<{ env: StreamTestEnv }>("rebuild with a poison entry");

S.before(async (ctx) => {
  ctx.env = await createStreamTestEnv("rebuild-poison");
  await ctx.env.pool.query("CREATE TABLE t_values (id VARCHAR(40) PRIMARY KEY, value INT NOT NULL)");
});
S.after(async (ctx) => ctx.env.close());

S("a rebuild over history holding a poison entry finishes, with that entry dead-lettered and the rest rebuilt", async ({ env }) => {
  const stream = env.keys.stream("test:values");
  const ids = await createAppender(env.redis, env.keys).append(stream, Array.from({ length: 30 }, (_, i) => ({ value: i, poison: i === 17 })));
  let attempts = 0;
  const consumer = defineConsumer<{ value: number; poison: boolean }>({
    name: "values", reads: "test:values" as StreamName, start: "0", batchSize: 10, tables: ["t_values"],
    async project(batch, ctx) {
      if (batch.some((e) => e.data.poison)) {
        attempts += 1;
        throw new Error("poison entry refused by the test projection");
      }
      await ctx.tx.query(`INSERT INTO \`${ctx.table("t_values")}\` (id, value) VALUES ? ON DUPLICATE KEY UPDATE value = VALUES(value)`, [batch.map((e) => [e.id, e.data.value])]);
    },
  });
  const result = await rebuildGroup({ ...env, maxDeliveries: 3 }, consumer, { kind: "start" });
  assert.is(result.deadLettered, 1);
  assert.is(attempts, 1 + 3, "its batch once, then the entry alone MAX_DELIVERIES times");

  const [rows] = await env.pool.query<RowDataPacket[]>("SELECT id, value FROM t_values ORDER BY value");
  assert.equal(rows.map((r) => r.value), Array.from({ length: 30 }, (_, i) => i).filter((i) => i !== 17), "every other entry was rebuilt and swapped in");
  const dead = await listDeadLetters(env.redis, env.keys.dead("values"));
  assert.equal(dead.map((d) => [d.id, d.seq, d.deliveries, d.error]), [[ids[17], 18, 3, "poison entry refused by the test projection"]]);
  assert.equal(JSON.parse(dead[0]!.payload), { value: 17, poison: true });

  // The same rebuild again meets the same entry: its dead letter is not written twice.
  const again = await rebuildGroup({ ...env, maxDeliveries: 3 }, consumer, { kind: "start" });
  assert.is(again.deadLettered, 0);
  assert.is((await listDeadLetters(env.redis, env.keys.dead("values"))).length, 1);
});

S.run();
