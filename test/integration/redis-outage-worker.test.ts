/**
 * `ichnos work` while its Redis is down: every connection, the blocking readers included,
 * reports the outage as a structured warning, at most one per connection name per 10 s,
 * instead of ioredis's unstructured "Unhandled error event" lines; it still stops on SIGTERM.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { applyMigrations } from "../../src/db/migrate.ts";
import { createLogger } from "../../src/logger.ts";
import { createTestDatabase, uniquePrefix } from "../support/infra.ts";
import { startPrivateRedis, type PrivateRedis } from "../support/private-redis.ts";

const bin = fileURLToPath(new URL("../../bin/ichnos.js", import.meta.url));
const S = suite<{ redis: PrivateRedis; db: { url: string; drop: () => Promise<void> } }>("ichnos work: Redis outage logging");

S.before(async (ctx) => {
  ctx.redis = await startPrivateRedis();
  ctx.db = await createTestDatabase("redis-outage-worker");
  await applyMigrations({ databaseUrl: ctx.db.url, log: createLogger("silent") });
});
S.after(async (ctx) => {
  await ctx.redis?.close();
  await ctx.db?.drop();
});

S("a worker whose Redis died logs rate-limited JSON warnings and no unhandled error events", async ({ redis, db }) => {
  const prefix = uniquePrefix("outage-worker");
  const child = spawn(process.execPath, [bin, "work", "--no-jobs"], {
    env: {
      ...process.env, LOG_LEVEL: "info", DATABASE_URL: db.url, REDIS_URL: redis.url, REDIS_PREFIX: prefix,
      STREAM_PARTITIONS: "2", CONSUMER_BLOCK: "200ms", REDIS_TIMEOUT: "500ms",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => { stdout += d; });
  child.stderr.on("data", (d) => { stderr += d; });
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  try {
    const deadline = Date.now() + 20_000;
    while (!/consumers started/.test(stdout)) {
      assert.ok(Date.now() < deadline && child.exitCode === null, `the worker did not start:\n${stdout}\n${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 500));
    const mark = stdout.length;
    await redis.kill();
    await new Promise((r) => setTimeout(r, 6000));
    const lines = stdout.slice(mark).split("\n").filter(Boolean);
    for (const line of lines) JSON.parse(line); // every line is structured
    const warnings = lines.map((l) => JSON.parse(l) as { msg: string; connection?: string }).filter((l) => /Redis connection error/.test(l.msg));
    const perName = new Map<string, number>();
    for (const w of warnings) perName.set(w.connection ?? "", (perName.get(w.connection ?? "") ?? 0) + 1);
    assert.ok(warnings.length > 0, "the outage is reported");
    assert.equal([...perName].filter(([, n]) => n > 1), [], "at most one warning per connection name in 6 s");
    // Connections are named under REDIS_PREFIX, so two installations on one Redis can be told apart.
    assert.ok(perName.has(prefix), `the shared connection reports: ${[...perName.keys()].join(", ")}`);
    assert.ok([...perName.keys()].some((n) => n.startsWith(`${prefix}:station:`)), "the blocking readers report too");
    assert.not.match(stderr, /Unhandled error event/);
  } finally {
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    const code = await exited;
    clearTimeout(timer);
    assert.is(code, 0, `the worker stops on SIGTERM during the outage:\n${stderr}`);
  }
});

S.run();
