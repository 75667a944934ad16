/**
 * Applies `prisma/migrations/<name>/migration.sql` in name order and records each one in
 * Prisma's own `_prisma_migrations` table, row for row as `prisma migrate deploy` would, so a real
 * Prisma (where its schema engine is available) sees the same history. Prisma cannot do this
 * itself offline for MySQL (STACK-NOTES §4).
 */
import { createHash, randomUUID } from "node:crypto";
import type { Dirent } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import mysql, { type Connection, type RowDataPacket } from "mysql2/promise";
import type { Logger } from "../logger.ts";
import {
  createDatabaseIfMissing,
  describeDatabaseUrl,
  explainConnectionError,
  parseDatabaseUrl,
  toConnectionOptions,
} from "./database-url.ts";

export const DEFAULT_MIGRATIONS_DIR = fileURLToPath(new URL("../../prisma/migrations/", import.meta.url));

export interface ApplyMigrationsOptions {
  databaseUrl: string;
  /** Defaults to the project's prisma/migrations. */
  migrationsDir?: string;
  log: Logger;
}

export interface ApplyMigrationsResult {
  /** Names applied by this call, in order; empty when the database was up to date. */
  applied: string[];
  /** Newest finished migration in the database afterwards. */
  latest: string | null;
}

/** Anything that runs a query: a mysql2 promise Connection, PoolConnection or Pool. */
export type Queryable = Pick<Connection, "query">;

interface LocalMigration {
  name: string;
  sql: string;
  checksum: string;
}

interface MigrationRow extends RowDataPacket {
  id: string;
  checksum: string;
  migration_name: string;
  started_at: Date;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  logs: string | null;
}

/** Prisma's DDL for MySQL, verbatim apart from IF NOT EXISTS (Prisma checks first instead). */
const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             DATETIME(3),
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          DATETIME(3),
    started_at              DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    applied_steps_count     INTEGER UNSIGNED NOT NULL DEFAULT 0
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`;

/** Long enough for a big ALTER run by another instance; GET_LOCK waits this many seconds. */
const LOCK_TIMEOUT_SECONDS = 600;
const ER_NO_SUCH_TABLE = 1146;

export async function applyMigrations(options: ApplyMigrationsOptions): Promise<ApplyMigrationsResult> {
  const { databaseUrl, log } = options;
  const local = await loadLocalMigrations(options.migrationsDir ?? DEFAULT_MIGRATIONS_DIR);
  const database = describeDatabaseUrl(databaseUrl);
  const conn = await connectForMigrations(databaseUrl, log);
  try {
    const lock = lockName(parseDatabaseUrl(databaseUrl).database ?? "");
    await acquireLock(conn, lock, database);
    try {
      await conn.query(CREATE_MIGRATIONS_TABLE);
      const applied = await applyPending(conn, local, log);
      const latest = await readLatestMigration(conn);
      log.info({ database, applied: applied.length, latest }, "database schema is up to date");
      return { applied, latest };
    } finally {
      await conn.query("SELECT RELEASE_LOCK(?)", [lock]).catch(() => undefined);
    }
  } finally {
    await conn.end().catch(() => undefined);
  }
}

/** Newest finished, not rolled back migration; null before the first migration ran. */
export async function readLatestMigration(db: Queryable): Promise<string | null> {
  try {
    const [rows] = await db.query<RowDataPacket[]>(
      `SELECT migration_name FROM _prisma_migrations
        WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL
        ORDER BY migration_name DESC LIMIT 1`,
    );
    return (rows[0]?.migration_name as string | undefined) ?? null;
  } catch (err) {
    if ((err as { errno?: number }).errno === ER_NO_SUCH_TABLE) return null;
    throw err;
  }
}

/**
 * Prisma stores sha256 hex of the script. Line endings are normalised so a checkout with CRLF
 * (git on Windows) does not look like an edited migration.
 */
export function migrationChecksum(sql: string): string {
  return createHash("sha256").update(sql.replace(/\r\n/g, "\n")).digest("hex");
}

async function applyPending(conn: Connection, local: LocalMigration[], log: Logger): Promise<string[]> {
  const rows = await loadMigrationRows(conn);
  assertNoFailedMigration(rows);
  const done = new Map<string, MigrationRow>();
  for (const row of rows) if (row.finished_at !== null && row.rolled_back_at === null) done.set(row.migration_name, row);
  warnAboutDivergence(local, done, log);
  const pending = local.filter((migration) => !done.has(migration.name));
  if (pending.length > 0) log.info({ pending: pending.map((m) => m.name) }, "applying migrations");
  for (const migration of pending) await applyOne(conn, migration, log);
  return pending.map((m) => m.name);
}

async function applyOne(conn: Connection, migration: LocalMigration, log: Logger): Promise<void> {
  const id = randomUUID();
  const started = Date.now();
  // Same three writes as Prisma: started row, one successful step, finished; timestamps in UTC.
  await conn.query(
    `INSERT INTO _prisma_migrations (id, checksum, started_at, migration_name)
     VALUES (?, ?, UTC_TIMESTAMP(3), ?)`,
    [id, migration.checksum, migration.name],
  );
  try {
    await runScript(conn, migration.sql);
  } catch (err) {
    await recordFailure(conn, id, err, log);
    throw new Error(
      `Migration ${migration.name} failed: ${(err as Error).message}\n` +
        "MySQL does not roll back DDL, so the database may be partly migrated. Fix the migration, " +
        `repair the database by hand, then mark the attempt rolled back and run migrate again:\n` +
        `  UPDATE _prisma_migrations SET rolled_back_at = UTC_TIMESTAMP(3) WHERE id = '${id}';`,
      { cause: err },
    );
  }
  await conn.query(
    "UPDATE _prisma_migrations SET applied_steps_count = applied_steps_count + 1 WHERE id = ?",
    [id],
  );
  await conn.query("UPDATE _prisma_migrations SET finished_at = UTC_TIMESTAMP(3) WHERE id = ?", [id]);
  log.info({ migration: migration.name, durationMs: Date.now() - started }, "applied migration");
}

async function runScript(conn: Connection, sql: string): Promise<void> {
  try {
    await conn.query(sql);
  } catch (err) {
    // A migration of comments only is valid for Prisma; the server calls it an empty query.
    if ((err as { code?: string }).code === "ER_EMPTY_QUERY") return;
    throw err;
  }
}

async function recordFailure(conn: Connection, id: string, err: unknown, log: Logger): Promise<void> {
  const logs = err instanceof Error ? (err.stack ?? err.message) : String(err);
  try {
    await conn.query("UPDATE _prisma_migrations SET logs = ? WHERE id = ?", [logs, id]);
  } catch (recordErr) {
    log.error({ err: recordErr, migrationId: id }, "could not record the failed migration's logs");
  }
}

async function loadMigrationRows(conn: Connection): Promise<MigrationRow[]> {
  const [rows] = await conn.query<MigrationRow[]>(
    `SELECT id, checksum, migration_name, started_at, finished_at, rolled_back_at, logs
       FROM _prisma_migrations ORDER BY started_at, migration_name`,
  );
  return rows;
}

/** Like Prisma's P3009: after a failed migration nothing more is applied until someone looks. */
function assertNoFailedMigration(rows: MigrationRow[]): void {
  const failed = rows.filter((row) => row.finished_at === null && row.rolled_back_at === null);
  const first = failed[0];
  if (!first) return;
  const reason = first.logs?.split("\n")[0] ?? "no error was recorded; the process may have died while applying it";
  throw new Error(
    `Migration ${first.migration_name} failed earlier (started ${first.started_at.toISOString()}: ${reason}); ` +
      "no further migrations will be applied.\n" +
      "MySQL does not roll back DDL: check what it left behind and repair the database by hand. Then either " +
      "mark it rolled back so the next run retries it:\n" +
      `  UPDATE _prisma_migrations SET rolled_back_at = UTC_TIMESTAMP(3) WHERE id = '${first.id}';\n` +
      "or, if you completed it by hand, mark it applied:\n" +
      `  UPDATE _prisma_migrations SET finished_at = UTC_TIMESTAMP(3), applied_steps_count = 1 WHERE id = '${first.id}';\n` +
      "(the same as `prisma migrate resolve --rolled-back|--applied " +
      `${first.migration_name}\`).`,
  );
}

function warnAboutDivergence(local: LocalMigration[], done: Map<string, MigrationRow>, log: Logger): void {
  const localNames = new Set(local.map((m) => m.name));
  for (const migration of local) {
    const row = done.get(migration.name);
    if (row && !checksumMatches(migration.sql, row.checksum)) {
      log.warn(
        { migration: migration.name, recorded: row.checksum, current: migration.checksum },
        "migration.sql changed after it was applied; the database keeps the old version. " +
          "Restore the file and put the change in a new migration",
      );
    }
  }
  for (const name of done.keys()) {
    if (!localNames.has(name)) {
      log.warn({ migration: name }, "the database has a migration this build does not know (applied by a newer version?)");
    }
  }
}

/** Prisma accepts the raw script and both line-ending conversions of it. */
function checksumMatches(sql: string, recorded: string): boolean {
  const sha = (text: string) => createHash("sha256").update(text).digest("hex");
  const lf = sql.replace(/\r\n/g, "\n");
  return [sql, lf, lf.replace(/\n/g, "\r\n")].some((text) => sha(text) === recorded);
}

async function loadLocalMigrations(dir: string): Promise<LocalMigration[]> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    throw new Error(`Cannot read the migrations directory ${dir}: ${(err as Error).message}`, { cause: err });
  }
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return Promise.all(names.map((name) => readMigration(dir, name)));
}

async function readMigration(dir: string, name: string): Promise<LocalMigration> {
  const file = join(dir, name, "migration.sql");
  let sql: string;
  try {
    sql = await readFile(file, "utf8");
  } catch (err) {
    throw new Error(`Migration folder ${name} has no readable migration.sql (${file}); add it or remove the folder`, {
      cause: err,
    });
  }
  return { name, sql, checksum: migrationChecksum(sql) };
}

/** The runner's own connection is the only one allowed several statements per query. */
async function connectForMigrations(databaseUrl: string, log: Logger): Promise<Connection> {
  const options = toConnectionOptions(databaseUrl, { multipleStatements: true });
  if (!options.database) {
    throw new Error(`DATABASE_URL names no database (${describeDatabaseUrl(databaseUrl)}); add one, e.g. /ichnos`);
  }
  try {
    return await mysql.createConnection(options);
  } catch (err) {
    if ((err as { code?: string }).code !== "ER_BAD_DB_ERROR") throw explainConnectionError(err, databaseUrl);
  }
  log.info({ database: describeDatabaseUrl(databaseUrl) }, "creating missing database");
  try {
    await createDatabaseIfMissing(databaseUrl);
    return await mysql.createConnection(options);
  } catch (err) {
    throw explainConnectionError(err, databaseUrl);
  }
}

/**
 * GET_LOCK names are server-wide, so the name carries the database: instances migrating the
 * same database wait for each other, other databases on the server are not held up. Names are
 * limited to 64 characters.
 */
function lockName(database: string): string {
  const name = `ichnos_migrate:${database}`;
  return name.length <= 64 ? name : `ichnos_migrate:${createHash("sha256").update(database).digest("hex").slice(0, 40)}`;
}

async function acquireLock(conn: Connection, lock: string, database: string): Promise<void> {
  const [rows] = await conn.query<RowDataPacket[]>("SELECT GET_LOCK(?, ?) AS got", [lock, LOCK_TIMEOUT_SECONDS]);
  if (Number(rows[0]?.got) === 1) return;
  throw new Error(
    `Timed out after ${LOCK_TIMEOUT_SECONDS} s waiting for the migration lock ${lock} on ${database}: ` +
      "another instance is migrating or stuck. Find its session with " +
      `SELECT * FROM information_schema.PROCESSLIST WHERE ID = IS_USED_LOCK('${lock}'), then retry.`,
  );
}
