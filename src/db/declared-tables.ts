/**
 * Tables a consumer file declares with their definitions (README "Writing a consumer"): created
 * by `ichnos migrate` and by workers at start, so an analyst's projection needs no migration of
 * its own. Everything else is created by the project's migrations.
 */
import type { RowDataPacket } from "mysql2/promise";
import type { Pool, PoolConnection } from "./pool.ts";

type Queryable = Pool | PoolConnection;

/** The project's table options (the migrations use the same). */
export function createTableStatement(name: string, body: string, ifNotExists = false): string {
  return `CREATE TABLE ${ifNotExists ? "IF NOT EXISTS " : ""}\`${name}\` (${body.trim()}) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`;
}

/** Creates the declared tables that do not exist yet; returns their names. */
export async function createDeclaredTables(db: Queryable, definitions: ReadonlyMap<string, string>): Promise<string[]> {
  if (definitions.size === 0) return [];
  const existing = await existingTables(db, [...definitions.keys()]);
  const created: string[] = [];
  for (const [name, body] of definitions) {
    if (existing.has(name)) continue;
    try {
      await db.query(createTableStatement(name, body, true));
    } catch (err) {
      throw new Error(`cannot create table ${name} from its declaration: ${(err as Error).message}; fix its definition in the consumer file`, { cause: err });
    }
    created.push(name);
  }
  return created;
}

/** Which of `names` exist in the current database. */
async function existingTables(db: Queryable, names: readonly string[]): Promise<Set<string>> {
  if (names.length === 0) return new Set();
  const [rows] = await db.query<RowDataPacket[]>(
    "SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN (?)",
    [names],
  );
  return new Set(rows.map((r) => r.name as string));
}
