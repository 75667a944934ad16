/**
 * The tables of a rebuild (stream/rebuild.ts): a shadow copy of each of a projection's tables
 * is filled while the live one serves, then one `RENAME TABLE` swaps every pair at once; the
 * live tables become `__old` and are dropped.
 */
import type { RowDataPacket } from "mysql2/promise";
import { createTableStatement } from "./declared-tables.ts";
import type { Pool } from "./pool.ts";

export const shadowTable = (table: string): string => `${table}__rebuild`;
const retiredTable = (table: string): string => `${table}__old`;
const quoted = (names: readonly string[]) => names.map((n) => `\`${n}\``).join(", ");

/**
 * Empty shadow tables (earlier leftovers dropped first): from the consumer's declared
 * definition where it has one (a new version may change it), else like the live table.
 */
export async function createShadowTables(pool: Pool, tables: readonly string[], definitions: ReadonlyMap<string, string> = new Map()): Promise<void> {
  for (const t of tables) {
    await pool.query(`DROP TABLE IF EXISTS \`${shadowTable(t)}\``);
    const body = definitions.get(t);
    await pool.query(body === undefined ? `CREATE TABLE \`${shadowTable(t)}\` LIKE \`${t}\`` : createTableStatement(shadowTable(t), body));
  }
}

/** Drops what a rebuild leaves when it stops early; harmless after a swap. */
export async function dropShadowTables(pool: Pool, tables: readonly string[]): Promise<void> {
  for (const t of tables) await pool.query(`DROP TABLE IF EXISTS \`${shadowTable(t)}\``).catch(() => undefined);
}

export async function rowCount(pool: Pool, table: string): Promise<number> {
  const [rows] = await pool.query<RowDataPacket[]>(`SELECT COUNT(*) AS n FROM \`${table}\``);
  return Number(rows[0]?.n ?? 0);
}

/** Swaps every shadow table in with one atomic RENAME; the retired live tables are dropped after. */
export async function swapInShadowTables(pool: Pool, tables: readonly string[]): Promise<void> {
  const renames = tables.flatMap((t) => [`\`${t}\` TO \`${retiredTable(t)}\``, `\`${shadowTable(t)}\` TO \`${t}\``]);
  await pool.query(`DROP TABLE IF EXISTS ${quoted(tables.map(retiredTable))}`);
  await pool.query(`RENAME TABLE ${renames.join(", ")}`);
}

export async function dropRetiredTables(pool: Pool, tables: readonly string[]): Promise<void> {
  await pool.query(`DROP TABLE IF EXISTS ${quoted(tables.map(retiredTable))}`);
}
