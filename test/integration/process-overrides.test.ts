/**
 * The one seam for tests (src/process/overrides.ts): a web or worker process built from config
 * as `ichnos web` and `ichnos work` build it, with its clock or its pool replaced and nothing else.
 */
import type { RowDataPacket } from "mysql2/promise";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { createServices, type Services } from "../../src/cli/services.ts";
import { loadConfig } from "../../src/config.ts";
import { createPool, type Pool } from "../../src/db/pool.ts";
import { applyMigrations } from "../../src/db/migrate.ts";
import { loadCheckpoint } from "../../src/db/stream-checkpoint.ts";
import { createLogger } from "../../src/logger.ts";
import { createWebProcess } from "../../src/process/web-process.ts";
import { createWorkerProcess } from "../../src/process/worker-process.ts";
import { createAppender } from "../../src/stream/append.ts";
import { readRange } from "../../src/stream/stream-commands.ts";
import { createTestDatabase, redisUrl, uniquePrefix } from "../support/infra.ts";
import { waitFor } from "../support/stream-setup.ts";
import { countingConsumer, createTestTables } from "../support/test-consumers.ts";
import { TEST_STREAMS } from "../support/test-streams.ts";

interface Ctx {
  services: Services;
  other: Pool;
  drops: (() => Promise<void>)[];
}
const S = suite<Ctx>("process overrides");

S.before(async (ctx) => {
  const log = createLogger((process.env.TEST_LOG_LEVEL as "info") ?? "silent");
  const [main, second] = [await createTestDatabase("overrides-main"), await createTestDatabase("overrides-other")];
  for (const db of [main, second]) await applyMigrations({ databaseUrl: db.url, log });
  const config = loadConfig({
    DATABASE_URL: main.url, REDIS_URL: await redisUrl(), REDIS_PREFIX: uniquePrefix("overrides"), STREAM_PARTITIONS: "1", PORT: "0", HOST: "127.0.0.1",
  });
  ctx.services = createServices(config, log, { streams: TEST_STREAMS });
  ctx.other = createPool(second.url, 4);
  for (const pool of [ctx.services.pool, ctx.other]) await createTestTables(pool);
  ctx.drops = [main.drop, second.drop];
});
S.after(async (ctx) => {
  const found = await ctx.services.redis.keys(`${ctx.services.config.redisPrefix}:*`);
  if (found.length) await ctx.services.redis.del(...found);
  await ctx.other.end();
  await ctx.services.close();
  for (const drop of ctx.drops) await drop();
});

S("a web process with its clock replaced stamps submissions with that clock's time", async ({ services }) => {
  const at = Date.parse("2031-05-04T12:00:00Z");
  const web = await createWebProcess(services, { overrides: { clock: () => at } });
  try {
    const res = await fetch(new URL("v2/geosubmit", web.server.url), {
      method: "POST", headers: { "content-type": "application/json" },
      body: JSON.stringify({ items: [{ position: { latitude: 51.5, longitude: -0.1 }, wifiAccessPoints: [{ macAddress: "02:00:00:00:00:01" }] }] }),
    });
    assert.is(res.status, 200, await res.text());
    const [entry] = await readRange(services.redis, services.keys.reportStreams()[0]!, "-", 10);
    assert.ok(entry, "the report reached its stream");
    assert.is((entry.data as { received: number }).received, at, "the report was received at the overridden time");
  } finally {
    await web.stop();
  }
});

S("a worker process with its pool replaced projects and checkpoints in that pool's database", async ({ services, other }) => {
  const stream = services.keys.stream("test:overrides");
  await createAppender(services.redis, services.keys).append(stream, [{ value: 1 }, { value: 2 }, { value: 3 }]);
  const worker = await createWorkerProcess(services, {
    jobs: false,
    overrides: { pool: other, consumers: [countingConsumer("overridden", "test:overrides")], settings: { blockMs: 50, claimIdleMs: 500 } },
  });
  worker.start();
  try {
    await waitFor("applied in the other database", async () => (await loadCheckpoint(other, "overridden", stream))?.lastEntry === 3);
  } finally {
    await worker.stop();
  }
  const values = async (pool: Pool) => (await pool.query<RowDataPacket[]>("SELECT value FROM t_applied ORDER BY value"))[0].map((r) => r.value);
  assert.equal(await values(other), [1, 2, 3], "the overriding pool's tables got the rows");
  assert.equal(await values(services.pool), [], "the configured database got none");
  assert.is(await loadCheckpoint(services.pool, "overridden", stream), null, "nor the checkpoint");
});

S.run();
