/**
 * Prisma's client for the typed CRUD paths (keys, exports, admin: DESIGN §4), over
 * @prisma/adapter-mariadb (STACK-NOTES §4). Hot paths stay on mysql2. Nothing connects here: the
 * adapter opens its pool on the first query, and `$disconnect()` closes it.
 */
import { PrismaMariaDb } from "@prisma/adapter-mariadb";
import { PrismaClient } from "../../generated/prisma/client.ts";
import { parseDatabaseUrl } from "./database-url.ts";

export type { PrismaClient };

export interface PrismaClientOptions {
  /** Pool size; CLI commands need one or two connections, not the web tier's pool. */
  readonly connectionLimit?: number;
}

export function createPrismaClient(databaseUrl: string, options: PrismaClientOptions = {}): PrismaClient {
  const target = parseDatabaseUrl(databaseUrl);
  const adapter = new PrismaMariaDb({
    host: target.host,
    port: target.port,
    user: target.user,
    password: target.password,
    database: target.database,
    connectionLimit: options.connectionLimit ?? 2,
    // Fail in seconds, not the driver's default 10 s, when the server is unreachable.
    connectTimeout: 5_000,
    acquireTimeout: 5_000,
    // mysql2 (the other driver) does this by default; without it a password login over plain TCP
    // to MySQL 8's caching_sha2_password fails with the mariadb driver.
    allowPublicKeyRetrieval: true,
  });
  return new PrismaClient({ adapter, errorFormat: "minimal" });
}
