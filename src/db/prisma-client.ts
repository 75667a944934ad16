/**
 * Prisma's client for the typed CRUD paths (keys, exports, admin: DESIGN §4), over
 * @prisma/adapter-mariadb (STACK-NOTES §4). Hot paths stay on mysql2. Nothing connects here: the
 * adapter opens its pool on the first query, and `$disconnect()` closes it.
 */
import { PrismaMariaDb } from "@prisma/adapter-mariadb";
import { Prisma, PrismaClient } from "../../generated/prisma/client.ts";
import { describeDatabaseUrl, explainConnectionError, parseDatabaseUrl } from "./database-url.ts";

export type { PrismaClient };

export interface PrismaClientOptions {
  /** Pool size; CLI commands need one or two connections, not the web tier's pool. */
  readonly connectionLimit?: number;
}

export function createPrismaClient(databaseUrl: string, options: PrismaClientOptions = {}): PrismaClient {
  const target = parseDatabaseUrl(databaseUrl);
  const adapter = new PrismaMariaDb({
    ...(target.socket ? { socketPath: target.socket } : { host: target.host, port: target.port }),
    user: target.user,
    password: target.password,
    database: target.database,
    connectionLimit: options.connectionLimit ?? 2,
    // The adapter's start-up probe (SELECT VERSION()) swallows its error, so an unreachable server
    // costs this timeout twice before the first query fails: keep it short.
    connectTimeout: 4_000,
    acquireTimeout: 4_000,
    // mysql2 (the other driver) does this by default; without it a password login over plain TCP
    // to MySQL 8's caching_sha2_password fails with the mariadb driver.
    allowPublicKeyRetrieval: true,
  });
  return new PrismaClient({ adapter, errorFormat: "minimal" });
}

/** Whether `err` came from Prisma's client (a query or the connection), not from our code. */
export function isPrismaError(err: unknown): boolean {
  return (
    err instanceof Prisma.PrismaClientKnownRequestError ||
    err instanceof Prisma.PrismaClientUnknownRequestError ||
    err instanceof Prisma.PrismaClientInitializationError
  );
}

const SERVER_ERRNO: Record<string, string> = {
  "1044": "ER_DBACCESS_DENIED_ERROR",
  "1045": "ER_ACCESS_DENIED_ERROR",
  "1698": "ER_ACCESS_DENIED_NO_PASSWORD_ERROR",
};

/**
 * A Prisma error as one sentence that says what to do. Connection failures reach the caller as a
 * pool timeout (P2039) with the real cause only as text inside `meta`; it is dug out here and
 * explained like the mysql2 paths do. The original error stays as `cause`.
 */
export function explainPrismaError(err: unknown, databaseUrl: string): Error {
  const where = describeDatabaseUrl(databaseUrl);
  const meta = (err as { meta?: { driverAdapterError?: { cause?: { cause?: unknown; kind?: unknown } } } }).meta;
  const adapterCause = meta?.driverAdapterError?.cause;
  const cause = typeof adapterCause?.cause === "string" ? adapterCause.cause.split("\n")[0]!.trim() : "";
  if (adapterCause?.kind === "TableDoesNotExist" || (err as { code?: unknown }).code === "P2021") {
    return new Error(`a table is missing in database ${where}: run "ichnos migrate" first`, { cause: err });
  }
  if (/\bno: 1049\b/.test(cause)) {
    const { database } = parseDatabaseUrl(databaseUrl);
    return new Error(`database ${database} does not exist on ${where.replace(/\/.*$/, "")}: run "ichnos migrate" to create it`, { cause: err });
  }
  if (cause) {
    const errno = /\bno: (\d+)\b/.exec(cause)?.[1];
    const code = (errno && SERVER_ERRNO[errno]) ?? /\b(E[A-Z]+)\b/.exec(cause)?.[1];
    return explainConnectionError(Object.assign(new Error(cause.replace(/^\([^)]*\)\s*/, "")), { code }), databaseUrl);
  }
  const message = (err as Error).message.replace(/^\s*Invalid `[^`]*` invocation:\s*/, "").trim();
  return new Error(`database ${where} (from DATABASE_URL): ${message}`, { cause: err });
}
