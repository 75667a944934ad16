/**
 * Where `npm run demo:seed` writes, and the guard that keeps demo data out of a real
 * installation: a database that already holds stations is refused unless --force is given.
 */
import type { RowDataPacket } from "mysql2/promise";
import { describeDatabaseUrl } from "../../src/db/database-url.ts";
import type { Pool } from "../../src/db/pool.ts";
import { allStationTables } from "../../src/db/station-tables.ts";

export const DEMO_DATABASE = "ichnos_demo";
export const DEMO_PREFIX = "ichnos_demo";
const DEFAULT_SERVER = "mysql://root@127.0.0.1:3306/";

/** The demo database on DATABASE_URL's server (its user and password too), unless one is named. */
export function demoDatabaseUrl(given: string | undefined, env: NodeJS.ProcessEnv): string {
  if (given) return given;
  const url = new URL(env.DATABASE_URL?.trim() || DEFAULT_SERVER);
  url.pathname = `/${DEMO_DATABASE}`;
  return url.toString();
}

export const describeTarget = (databaseUrl: string, redisUrl: string, prefix: string): string =>
  `database ${describeDatabaseUrl(databaseUrl)}, Redis ${new URL(redisUrl).host} with key prefix "${prefix}:"`;

/** ER_BAD_DB_ERROR, ER_NO_SUCH_TABLE: nothing there yet, so no stations either. */
const isMissing = (err: unknown) => ["ER_BAD_DB_ERROR", "ER_NO_SUCH_TABLE"].includes((err as { code?: string }).code ?? "");

/** How many stations (Wi-Fi, Bluetooth, cells) the database holds; 0 when it does not exist yet. */
export async function countStations(pool: Pool): Promise<number> {
  const tables = (["wifi", "blue", "cell"] as const).flatMap((kind) => allStationTables(kind));
  try {
    const [rows] = await pool.query<RowDataPacket[]>(
      `SELECT CAST(SUM(n) AS CHAR) AS n FROM (${tables.map((t) => `SELECT COUNT(*) AS n FROM \`${t}\``).join(" UNION ALL ")}) s`);
    return Number(rows[0]?.n ?? 0);
  } catch (err) {
    if (isMissing(err)) return 0;
    throw err;
  }
}
