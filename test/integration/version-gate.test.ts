/**
 * The worker's version gate (cli/version-gate.ts) where the analyst end-to-end test does not go:
 * a raised version whose history is gone keeps the old tables and does not run, saying why; a
 * group written before versions were recorded is stamped without a rebuild.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { createServices, type Services } from "../../src/cli/services.ts";
import { versionGate } from "../../src/cli/version-gate.ts";
import { loadConfig } from "../../src/config.ts";
import { applyMigrations } from "../../src/db/migrate.ts";
import { insertCheckpoint, loadCheckpoints } from "../../src/db/stream-checkpoint.ts";
import { createAppender } from "../../src/stream/append.ts";
import { createConsumerTables } from "../../src/stream/consumer-tables.ts";
import { defineConsumer } from "../../src/stream/define-consumer.ts";
import { captureLog } from "../support/capture-log.ts";
import { createTestDatabase, redisUrl, uniquePrefix } from "../support/infra.ts";

interface Ctx {
  db: { url: string; drop: () => Promise<void> };
  services: Services;
  lines: Array<Record<string, unknown>>;
}

const S = suite<Ctx>("version gate");

S.before(async (ctx) => {
  ctx.db = await createTestDatabase("gate");
  const { log, lines } = captureLog();
  await applyMigrations({ databaseUrl: ctx.db.url, log });
  const config = loadConfig({ DATABASE_URL: ctx.db.url, REDIS_URL: await redisUrl(), REDIS_PREFIX: uniquePrefix("gate"), STREAM_PARTITIONS: "1" });
  ctx.services = createServices(config, log);
  ctx.lines = lines;
});

S.after(async (ctx) => {
  const left = await ctx.services.redis.keys(`${ctx.services.config.redisPrefix}:*`);
  if (left.length) await ctx.services.redis.del(...left);
  await ctx.services.close();
  await ctx.db.drop();
});

const counted = (version: number) => defineConsumer({
  name: "counted",
  reads: "reports",
  start: "0",
  version,
  tables: { counted_rows: "entry_id VARCHAR(40) NOT NULL, PRIMARY KEY (entry_id)" },
  async project(batch, { tx, table }) {
    await tx.query(`INSERT IGNORE INTO ${table("counted_rows")} (entry_id) VALUES ?`, [batch.map((e) => [e.id])]);
  },
});

const report = () => ({
  api_key: null, source: "gnss", received: Date.now(), user_agent: null,
  report: { timestamp: Date.now(), position: null, wifiAccessPoints: [], cellTowers: [], bluetoothBeacons: [] },
});

S("checkpoints from before versions were recorded are stamped, nothing rebuilt", async ({ services }) => {
  const stream = services.keys.stream("reports:0");
  await insertCheckpoint(services.pool, "counted", stream, "0-0", 0);
  const gate = versionGate(services);
  assert.is(await gate(counted(1), new AbortController().signal), true);
  assert.equal((await loadCheckpoints(services.pool, "counted")).map((c) => c.stamp.version), [1]);
  const [tables] = await services.pool.query("SHOW TABLES LIKE 'counted_rows'");
  assert.is((tables as unknown[]).length, 1, "the gate created the declared table");
});

S("a raised version whose history was trimmed (no archive) keeps the old tables and does not run", async ({ services, lines }) => {
  const stream = services.keys.stream("reports:0");
  await createAppender(services.redis, services.keys).append(stream, [report(), report(), report(), report()]);
  await services.redis.call("XTRIM", stream, "MAXLEN", "1");
  await createConsumerTables(services, [counted(1)]);
  await services.pool.query("INSERT INTO counted_rows (entry_id) VALUES ('kept-by-version-1')");

  const gate = versionGate(services);
  assert.is(await gate(counted(2), new AbortController().signal), false);
  const said = lines.find((l) => String(l.msg).includes("keeps its version-1 tables"));
  assert.ok(said, JSON.stringify(lines.map((l) => l.msg)));
  assert.match(String(said!.msg), "refusing to rebuild counted from start");
  assert.match(String(said!.msg), "--rebuild --allow-fewer-rows records the new version");
  const [rows] = await services.pool.query("SELECT entry_id FROM counted_rows");
  assert.equal(rows, [{ entry_id: "kept-by-version-1" }]);
  assert.equal((await loadCheckpoints(services.pool, "counted")).map((c) => c.stamp.version), [1], "the version stays unrecorded");
});

S.run();
