/**
 * The analyst's path, as README "Writing a consumer" tells it, on a copy of the project: the
 * README's consumer file is the only thing added; `ichnos migrate` creates its table; `ichnos
 * work` fills it; `ichnos groups` lists it; a changed table without a new version stops the
 * worker; a raised version makes the next worker rebuild the projection from history; a misspelt
 * `reads` stops the worker naming the valid streams; and the README's test of the consumer passes.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import mysql, { type Connection, type RowDataPacket } from "mysql2/promise";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { toConnectionOptions } from "../../src/db/database-url.ts";
import { closeRedis, createRedis, type RedisClient } from "../../src/redis/create-redis.ts";
import { createAppender } from "../../src/stream/append.ts";
import { createKeys } from "../../src/stream/keys.ts";
import { createTestDatabase, redisUrl, uniquePrefix } from "../support/infra.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const README = readFileSync(join(ROOT, "README.md"), "utf8");

/** The README's fenced block that starts with `// <path>`, exactly as written there. */
function readmeFile(path: string): string {
  const start = README.indexOf(`\`\`\`ts\n// ${path}\n`);
  if (start < 0) throw new Error(`README.md has no \`\`\`ts block starting with "// ${path}"`);
  const body = README.slice(start + "```ts\n".length);
  return body.slice(0, body.indexOf("```"));
}

interface Ctx {
  dir: string;
  db: { url: string; drop: () => Promise<void> };
  env: Record<string, string>;
  redis: RedisClient;
  /** Opened after `ichnos migrate` created the database. */
  conn?: Connection;
}

const S = suite<Ctx>("analyst consumer");

/** The project as a fresh checkout has it (node_modules and the generated client linked). */
function copyProject(): string {
  const dir = mkdtempSync(join(tmpdir(), "ichnos-analyst-"));
  for (const part of ["bin", "src", "consumers", "prisma", "package.json", "tsconfig.json", "test/support", "test/run-tests.mjs"]) {
    cpSync(join(ROOT, part), join(dir, part), { recursive: true });
  }
  for (const linked of ["node_modules", "generated"]) symlinkSync(join(ROOT, linked), join(dir, linked));
  mkdirSync(join(dir, "test/integration"));
  return dir;
}

function run(ctx: Ctx, command: string, args: string[], timeoutMs = 60_000): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ctx.dir, env: { ...process.env, ...ctx.env, LOG_LEVEL: "info" }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => { out += d; });
    child.stderr.on("data", (d) => { out += d; });
    const timer = setTimeout(() => { child.kill("SIGKILL"); reject(new Error(`${args.join(" ")} timed out:\n${out}`)); }, timeoutMs);
    child.on("exit", (code) => { clearTimeout(timer); resolve({ code, out }); });
  });
}

const ichnos = (ctx: Ctx, ...args: string[]) => run(ctx, process.execPath, [join(ctx.dir, "bin/ichnos.js"), ...args]);

/** `ichnos work` until `done` holds, then SIGTERM; returns its output. */
async function workUntil(ctx: Ctx, done: () => Promise<boolean>, timeoutMs = 60_000): Promise<string> {
  const child = spawn(process.execPath, [join(ctx.dir, "bin/ichnos.js"), "work"], {
    cwd: ctx.dir, env: { ...process.env, ...ctx.env, LOG_LEVEL: "info" }, stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (d) => { out += d; });
  child.stderr.on("data", (d) => { out += d; });
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  try {
    const deadline = Date.now() + timeoutMs;
    while (!(await done())) {
      if (child.exitCode !== null) throw new Error(`ichnos work exited early:\n${out}`);
      if (Date.now() > deadline) throw new Error(`ichnos work did not get there in ${timeoutMs / 1000} s:\n${out}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  }
  return out;
}

const CONSUMER_FILE = "consumers/hourly-volume.ts";
const writeConsumer = (ctx: Ctx, source: string) => writeFileSync(join(ctx.dir, CONSUMER_FILE), source);
const REPORTS = 60;

async function rows(ctx: Ctx, sql: string): Promise<RowDataPacket[]> {
  ctx.conn ??= await mysql.createConnection(toConnectionOptions(ctx.db.url));
  const [got] = await ctx.conn.query<RowDataPacket[]>(sql);
  return got;
}

/** Entries the table accounts for: every hour (or day) held last - first + 1 of them. */
async function entriesCounted(ctx: Ctx): Promise<number> {
  const [got] = await rows(ctx, "SELECT CAST(COALESCE(SUM(last_seq - first_seq + 1), 0) AS SIGNED) AS n FROM hourly_volume WHERE stream <> 'bogus'");
  return Number(got?.n);
}

S.before(async (ctx) => {
  ctx.dir = copyProject();
  ctx.db = await createTestDatabase("analyst");
  const prefix = uniquePrefix("analyst");
  ctx.env = { DATABASE_URL: ctx.db.url, REDIS_URL: await redisUrl(), REDIS_PREFIX: prefix, STREAM_PARTITIONS: "2", PORT: "0", HOST: "127.0.0.1" };
  ctx.redis = createRedis({ url: ctx.env.REDIS_URL! });
});

S.after(async (ctx) => {
  await ctx.conn?.end();
  const left = await ctx.redis.keys(`${ctx.env.REDIS_PREFIX}:*`);
  if (left.length) await ctx.redis.del(...left);
  await closeRedis(ctx.redis);
  await ctx.db?.drop();
  rmSync(ctx.dir, { recursive: true, force: true });
});

S("the README's consumer file, ichnos migrate and ichnos work: its table fills and ichnos groups lists it", async (ctx) => {
  writeConsumer(ctx, readmeFile(CONSUMER_FILE));
  const migrated = await ichnos(ctx, "migrate");
  assert.is(migrated.code, 0, migrated.out);
  assert.match(migrated.out, "1 consumer table(s) created: hourly_volume");

  // Reports as the submit API appends them, on both partitions.
  const keys = createKeys(ctx.env.REDIS_PREFIX!, 2);
  const appender = createAppender(ctx.redis, keys);
  const report = (i: number) => ({
    api_key: null, source: "gnss", received: Date.now(), user_agent: null,
    report: { timestamp: Date.now() - i, position: null, wifiAccessPoints: [], cellTowers: [], bluetoothBeacons: [] },
  });
  await appender.append(keys.stream("reports:0"), Array.from({ length: REPORTS / 2 }, (_, i) => report(i)));
  await appender.append(keys.stream("reports:1"), Array.from({ length: REPORTS / 2 }, (_, i) => report(i)));

  await workUntil(ctx, async () => (await entriesCounted(ctx)) === REPORTS);
  const streams = (await rows(ctx, "SELECT DISTINCT stream FROM hourly_volume ORDER BY stream")).map((r) => r.stream);
  assert.equal(streams, ["reports:0", "reports:1"], "rows name the streams by their catalogue names");

  const groups = await ichnos(ctx, "groups");
  assert.is(groups.code, 0, groups.out);
  const lines = groups.out.split("\n").filter((l) => l.startsWith("hourly-volume "));
  assert.is(lines.length, 2, groups.out);
  // VERSION 1; READER "-": the worker stopped and gave its leases back.
  for (const line of lines) assert.match(line, /^hourly-volume\s+reports:[01]\s+\S+\s+\S+\s+0\s+0\s+0\s+0\s+30\s+1\s+-\s*$/);
});

S("a changed table without a new version stops the worker at start, naming the version to use", async (ctx) => {
  const v1 = readmeFile(CONSUMER_FILE);
  writeConsumer(ctx, v1.replace("last_seq  BIGINT UNSIGNED NOT NULL,", "last_seq  BIGINT UNSIGNED NOT NULL,\n      note      VARCHAR(20)     NULL,"));
  const started = await ichnos(ctx, "work");
  assert.is(started.code, 1, started.out);
  assert.match(started.out, "declares other table definitions than its tables were built with, but the same version (1). Raise its version to 2");
});

S("a raised version: the next worker rebuilds the projection from all history with the new code and tables", async (ctx) => {
  // A row the old code could never make: a rebuild from history leaves it out.
  await rows(ctx, "INSERT INTO hourly_volume (stream, hour, first_seq, last_seq) VALUES ('bogus', '2020-01-01', 1, 1)");
  const v2 = readmeFile(CONSUMER_FILE)
    .replace("version: 1,", "version: 2,")
    .replace("const HOUR_MS = 3_600_000;", "const HOUR_MS = 86_400_000; // now per day")
    .replace("last_seq  BIGINT UNSIGNED NOT NULL,", "last_seq  BIGINT UNSIGNED NOT NULL,\n      note      VARCHAR(20)     NULL,");
  writeConsumer(ctx, v2);
  const out = await workUntil(ctx, async () => (await rows(ctx, "SELECT 1 FROM stream_checkpoint WHERE group_name = 'hourly-volume' AND version = 2")).length === 2);
  assert.match(out, /"msg":"rebuilt hourly_volume for version 2; swapped in"/);
  assert.equal(await rows(ctx, "SELECT COUNT(*) AS n FROM hourly_volume WHERE stream = 'bogus'"), [{ n: 0 }]);
  assert.is(await entriesCounted(ctx), REPORTS);
  // Day buckets: every hour value is a midnight.
  const hours = await rows(ctx, "SELECT DISTINCT TIME(hour) AS t FROM hourly_volume");
  assert.equal(hours.map((h) => h.t), ["00:00:00"]);
  const columns = await rows(ctx, "SELECT COLUMN_NAME AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'hourly_volume' ORDER BY ORDINAL_POSITION");
  assert.equal(columns.map((c) => c.c), ["stream", "hour", "first_seq", "last_seq", "note"]);
  const groups = await ichnos(ctx, "groups");
  assert.is(groups.out.split("\n").filter((l) => /^hourly-volume .*\s2\s+-\s*$/.test(l)).length, 2, groups.out);
});

S("a misspelt reads stops the worker at start, naming the valid streams", async (ctx) => {
  writeConsumer(ctx, readmeFile(CONSUMER_FILE).replace('reads: "reports",', 'reads: "report",'));
  const started = await ichnos(ctx, "work");
  assert.is(started.code, 1, started.out);
  assert.match(started.out, 'group hourly-volume reads an unknown stream "report"; the streams are reports = reports:0, reports:1');
});

S("the README's test of the consumer passes as written", async (ctx) => {
  writeConsumer(ctx, readmeFile(CONSUMER_FILE));
  writeFileSync(join(ctx.dir, "test/integration/hourly-volume.test.ts"), readmeFile("test/integration/hourly-volume.test.ts"));
  const result = await run(ctx, process.execPath, ["test/run-tests.mjs", "test/integration/hourly-volume.test.ts"]);
  assert.is(result.code, 0, result.out);
  assert.match(result.out, "1 passed, 0 failed");
});

S.run();
