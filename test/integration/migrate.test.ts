/**
 * The migration runner against a real server: it creates the database, keeps `_prisma_migrations`
 * exactly as Prisma writes it, is idempotent and safe to start several times at once, and stops
 * (saying what to do) after a failed migration.
 */
import { createHash } from "node:crypto";
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import mysql, { type Connection, type RowDataPacket } from "mysql2/promise";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createDatabaseIfMissing, toConnectionOptions } from "../../src/db/database-url.ts";
import { applyMigrations, DEFAULT_MIGRATIONS_DIR, readLatestMigration } from "../../src/db/migrate.ts";
import { createLogger, type Logger } from "../../src/logger.ts";
import { createTestDatabase } from "../support/infra.ts";
import { ALL_MIGRATIONS, LATEST_MIGRATION } from "../support/migrations.ts";

const INIT = "20261123000000_init";
const ALL = [...ALL_MIGRATIONS];
const LATEST = LATEST_MIGRATION;
const SECOND = "20261124000000_second";
const quiet = createLogger("silent");
const cleanups: Array<() => Promise<unknown>> = [];

test.after(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function freshDatabase(label: string): Promise<string> {
  const db = await createTestDatabase(label);
  cleanups.push(db.drop);
  return db.url;
}

/** A copy of the real migrations, plus extra folders, that a test may edit. */
async function migrationsCopy(extra: Record<string, string> = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "ichnos-migrations-"));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  await cp(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
  for (const [name, sql] of Object.entries(extra)) {
    await mkdir(join(dir, name));
    await writeFile(join(dir, name, "migration.sql"), sql);
  }
  return dir;
}

async function withConnection<T>(url: string, fn: (conn: Connection) => Promise<T>): Promise<T> {
  const conn = await mysql.createConnection(toConnectionOptions(url));
  try {
    return await fn(conn);
  } finally {
    await conn.end();
  }
}

async function rows(url: string, sql: string, params: unknown[] = []): Promise<RowDataPacket[]> {
  return withConnection(url, async (conn) => (await conn.query<RowDataPacket[]>(sql, params))[0]);
}

function capturingLogger(): { log: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n")) if (line.trim()) lines.push(JSON.parse(line));
      done();
    },
  });
  return { log: createLogger("info", stream), lines };
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

// ---- a fresh database, migrated once ----------------------------------------------------------

let url = "";

test("creates a missing database with utf8mb4 and applies every migration", async () => {
  url = await freshDatabase("mig_fresh");
  const name = new URL(url).pathname.slice(1);
  const schemata = "SELECT DEFAULT_CHARACTER_SET_NAME AS cs, DEFAULT_COLLATION_NAME AS co FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?";
  assert.equal((await rows(url.replace(/\/[^/]*$/, "/"), schemata, [name])).length, 0, "database exists before the run");

  const result = await applyMigrations({ databaseUrl: url, log: quiet });

  assert.equal(result, { applied: ALL, latest: LATEST });
  const [schema] = await rows(url.replace(/\/[^/]*$/, "/"), schemata, [name]);
  assert.equal({ cs: schema?.cs, co: schema?.co }, { cs: "utf8mb4", co: "utf8mb4_unicode_ci" });
});

test("_prisma_migrations has Prisma's columns", async () => {
  const columns = await rows(
    url,
    `SELECT COLUMN_NAME AS name, COLUMN_TYPE AS type, IS_NULLABLE AS nullable, COLUMN_DEFAULT AS dflt
       FROM information_schema.COLUMNS
      WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '_prisma_migrations' ORDER BY ORDINAL_POSITION`,
  );
  const normalised = columns.map((c) => [
    c.name,
    String(c.type).replace(/^int\(\d+\)/, "int"),
    c.nullable,
    c.dflt === null || c.dflt === "NULL" ? null : String(c.dflt).toLowerCase(),
  ]);
  assert.equal(normalised, [
    ["id", "varchar(36)", "NO", null],
    ["checksum", "varchar(64)", "NO", null],
    ["finished_at", "datetime(3)", "YES", null],
    ["migration_name", "varchar(255)", "NO", null],
    ["logs", "text", "YES", null],
    ["rolled_back_at", "datetime(3)", "YES", null],
    ["started_at", "datetime(3)", "NO", "current_timestamp(3)"],
    ["applied_steps_count", "int unsigned", "NO", "0"],
  ]);
});

test("each applied migration is recorded the way prisma migrate deploy records it", async () => {
  const sql = await readFile(join(DEFAULT_MIGRATIONS_DIR, INIT, "migration.sql"), "utf8");
  const recorded = await rows(url, "SELECT * FROM _prisma_migrations ORDER BY migration_name");
  assert.equal(recorded.map((r) => r.migration_name), ALL);
  const row = recorded[0]!;
  assert.match(row.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.is(row.checksum, sha256(sql.replace(/\r\n/g, "\n")));
  assert.is(row.migration_name, INIT);
  assert.is(row.logs, null);
  assert.is(row.rolled_back_at, null);
  assert.is(row.applied_steps_count, 1);
  assert.instance(row.finished_at, Date);
  assert.ok(row.started_at <= row.finished_at, "started_at after finished_at");
  // Prisma writes UTC timestamps; the run happened within the last minute.
  assert.ok(Math.abs(Date.now() - row.finished_at.getTime()) < 60_000, `finished_at ${row.finished_at.toISOString()}`);
});

test("the seed rows are in export_config", async () => {
  const seeded = await rows(url, "SELECT name, batch, `schema`, url, skip_keys, skip_sources FROM export_config ORDER BY name");
  assert.equal(
    seeded.map((r) => ({ ...r })),
    [
      { name: "backup", batch: 100, schema: "s3", url: null, skip_keys: null, skip_sources: null },
      { name: "internal", batch: 100, schema: "internal", url: null, skip_keys: null, skip_sources: null },
    ],
  );
});

test("a second run applies nothing and adds no rows", async () => {
  const result = await applyMigrations({ databaseUrl: url, log: quiet });
  assert.equal(result, { applied: [], latest: LATEST });
  const [count] = await rows(url, "SELECT COUNT(*) AS n FROM _prisma_migrations");
  assert.is(Number(count?.n), ALL.length);
});

test("readLatestMigration names the newest finished migration, and null before any ran", async () => {
  assert.is(await withConnection(url, readLatestMigration), LATEST);
  const empty = await freshDatabase("mig_empty");
  await createDatabaseIfMissing(empty);
  assert.is(await withConnection(empty, readLatestMigration), null);
});

// ---- failures ---------------------------------------------------------------------------------

test("a failing migration keeps its error in logs, and later runs refuse until it is resolved", async () => {
  const db = await freshDatabase("mig_fail");
  const broken = "CREATE TABLE extra_a (id INT NOT NULL, PRIMARY KEY (id));\nSELECT * FROM no_such_table;\n";
  const dir = await migrationsCopy({ [SECOND]: broken });

  const first = await applyMigrations({ databaseUrl: db, migrationsDir: dir, log: quiet }).catch((e: Error) => e);
  assert.instance(first, Error);
  assert.match((first as Error).message, SECOND);
  const [row] = await rows(db, "SELECT * FROM _prisma_migrations WHERE migration_name = ?", [SECOND]);
  assert.is(row?.finished_at, null);
  assert.is(row?.applied_steps_count, 0);
  assert.match(String(row?.logs), /no_such_table/);

  const again = await applyMigrations({ databaseUrl: db, migrationsDir: dir, log: quiet }).catch((e: Error) => e);
  assert.instance(again, Error);
  assert.match((again as Error).message, `Migration ${SECOND} failed earlier`);
  assert.match((again as Error).message, "rolled_back_at");

  // The operator's way out: repair, mark the attempt rolled back, fix the file, run again.
  await rows(db, "DROP TABLE extra_a");
  await rows(db, "UPDATE _prisma_migrations SET rolled_back_at = UTC_TIMESTAMP(3) WHERE id = ?", [row?.id]);
  await writeFile(join(dir, SECOND, "migration.sql"), "CREATE TABLE extra_a (id INT NOT NULL, PRIMARY KEY (id));\n");
  const fixed = await applyMigrations({ databaseUrl: db, migrationsDir: dir, log: quiet });
  // The failed one, then every real migration named after it.
  assert.equal(fixed, { applied: [SECOND, ...ALL.filter((m) => m > SECOND)], latest: [SECOND, ...ALL].sort().at(-1) });
});

test("an unfinished row left by an earlier run (finished_at NULL) makes the runner refuse, naming it", async () => {
  const db = await freshDatabase("mig_unfinished");
  await applyMigrations({ databaseUrl: db, log: quiet });
  await rows(
    db,
    `INSERT INTO _prisma_migrations (id, checksum, started_at, migration_name)
     VALUES (UUID(), REPEAT('0', 64), UTC_TIMESTAMP(3), ?)`,
    [SECOND],
  );
  const dir = await migrationsCopy({ [SECOND]: "CREATE TABLE extra_b (id INT NOT NULL, PRIMARY KEY (id));\n" });

  const error = await applyMigrations({ databaseUrl: db, migrationsDir: dir, log: quiet }).catch((e: Error) => e);

  assert.instance(error, Error);
  assert.match((error as Error).message, `Migration ${SECOND} failed earlier`);
  const tables = await rows(db, "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'extra_b'");
  assert.is(tables.length, 0, "the runner went on after the failed migration");
});

test("a migration edited after it was applied is reported with a warning; a CRLF checkout is not", async () => {
  const db = await freshDatabase("mig_edited");
  const dir = await migrationsCopy();
  await applyMigrations({ databaseUrl: db, migrationsDir: dir, log: quiet });
  const file = join(dir, INIT, "migration.sql");
  const original = await readFile(file, "utf8");

  await writeFile(file, original.replace(/\n/g, "\r\n"));
  const crlf = capturingLogger();
  await applyMigrations({ databaseUrl: db, migrationsDir: dir, log: crlf.log });
  assert.equal(crlf.lines.filter((l) => l.level === 40), []);

  await writeFile(file, `${original}\n-- edited after it was applied\n`);
  const edited = capturingLogger();
  const result = await applyMigrations({ databaseUrl: db, migrationsDir: dir, log: edited.log });
  assert.equal(result.applied, []);
  const warnings = edited.lines.filter((l) => l.level === 40);
  assert.is(warnings.length, 1, JSON.stringify(edited.lines));
  assert.is(warnings[0]?.migration, INIT);
  assert.is(warnings[0]?.recorded, sha256(original));
  assert.match(String(warnings[0]?.msg), "changed after it was applied");
});

test("each applied migration is logged with its name", async () => {
  const db = await freshDatabase("mig_logged");
  const { log, lines } = capturingLogger();
  await applyMigrations({ databaseUrl: db, log });
  const applied = lines.filter((l) => l.msg === "applied migration");
  assert.equal(applied.map((l) => l.migration), ALL);
  assert.type(applied[0]?.durationMs, "number");
});

test("two instances starting at once against a new database apply each migration once", async () => {
  const db = await freshDatabase("mig_race");
  const [a, b] = await Promise.all([
    applyMigrations({ databaseUrl: db, log: quiet }),
    applyMigrations({ databaseUrl: db, log: quiet }),
  ]);
  assert.equal([...a.applied, ...b.applied].sort(), ALL);
  assert.equal([a.latest, b.latest], [LATEST, LATEST]);
  const [count] = await rows(db, "SELECT COUNT(*) AS n FROM _prisma_migrations");
  assert.is(Number(count?.n), ALL.length);
});

test("an unreachable server is reported with its address and what to check", async () => {
  const error = await applyMigrations({ databaseUrl: "mysql://root@127.0.0.1:1/ichnos", log: quiet }).catch((e: Error) => e);
  assert.instance(error, Error);
  assert.match((error as Error).message, "127.0.0.1:1");
  assert.match((error as Error).message, /DATABASE_URL/);
  assert.match((error as Error).message, /running/);
});

test.run();
