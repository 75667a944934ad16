import mysql from "mysql2/promise";
import { toConnectionOptions } from "./database-url.ts";

export type Pool = mysql.Pool;
export type PoolConnection = mysql.PoolConnection;

/**
 * mysql2's own formatting, except that a statement without values is sent as it is: mysql2 would
 * otherwise scan every statement for placeholders, and the locate reads (several KB of SQL built
 * with literal keys) pay for that scan on every request.
 */
function formatQuery(sql: string, values: unknown, timezone?: string): string {
  if (values === undefined || values === null || (Array.isArray(values) && values.length === 0)) return sql;
  return mysql.format(sql, values as Parameters<typeof mysql.format>[1], false, timezone ?? "Z");
}

/**
 * The mysql2 pool used by hot paths and projections, with the same connection options as the
 * migration runner (UTC dates: SPEC §5's DATETIME columns hold naive UTC; utf8mb4). Big unsigned
 * numbers come back as strings so nothing is rounded.
 */
export interface PoolOptions {
  readonly lockWaitTimeoutS?: number;
  /** Every session READ ONLY: a replica's pool, where a write by mistake must fail, not land. */
  readonly readOnly?: boolean;
}

export function createPool(databaseUrl: string, connectionLimit: number, options: PoolOptions = {}): Pool {
  const pool = mysql.createPool({
    ...toConnectionOptions(databaseUrl),
    connectionLimit,
    supportBigNumbers: true,
    bigNumberStrings: true,
    enableKeepAlive: true,
    connectTimeout: 5000,
    // mysql2 otherwise captures a stack trace for every query (3% of a locate request's CPU);
    // our errors are logged with the statement's purpose, which says more than that stack.
    trace: false,
    queryFormat: formatQuery,
  });
  const { lockWaitTimeoutS, readOnly } = options;
  if (readOnly) {
    // Queued before the connection's first statement, like the lock wait below.
    pool.pool.on("connection", (conn) => {
      conn.query("SET SESSION TRANSACTION READ ONLY");
    });
  }
  if (lockWaitTimeoutS !== undefined) {
    // A projector batch waiting on a lock should give up and retry well before InnoDB's 50 s.
    pool.pool.on("connection", (conn) => {
      conn.query(`SET SESSION innodb_lock_wait_timeout = ${Math.max(1, Math.round(lockWaitTimeoutS))}`);
    });
  }
  return pool;
}

/** Deadlock (1213) or lock-wait timeout (1205): the transaction was rolled back; retry it. */
export function isLockConflict(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === "ER_LOCK_DEADLOCK" || code === "ER_LOCK_WAIT_TIMEOUT";
}

/** Errors that say nothing about the entry being applied: retry without counting a delivery. */
const TRANSIENT_CODES = new Set([
  "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EHOSTUNREACH",
  "PROTOCOL_CONNECTION_LOST", "PROTOCOL_SEQUENCE_TIMEOUT", "ER_LOCK_DEADLOCK", "ER_LOCK_WAIT_TIMEOUT",
  "ER_CON_COUNT_ERROR", "ER_SERVER_SHUTDOWN", "ER_QUERY_INTERRUPTED", "ER_CLIENT_INTERACTION_TIMEOUT",
  "POOL_CLOSED",
]);

export function isTransientError(err: unknown): boolean {
  if (!err || typeof err !== "object") return false;
  const e = err as { code?: unknown; fatal?: unknown; name?: unknown; message?: unknown };
  if (e.fatal === true) return true;
  if (typeof e.code === "string" && TRANSIENT_CODES.has(e.code)) return true;
  // ioredis reports a lost connection through these.
  if (e.name === "MaxRetriesPerRequestError") return true;
  return typeof e.message === "string" && /Connection is closed|Stream isn't writeable/.test(e.message);
}

/** One round trip to the server: what the heartbeat calls "the database answers". */
export async function pingDatabase(pool: Pool): Promise<void> {
  await pool.query("SELECT now()");
}
