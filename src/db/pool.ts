import mysql from "mysql2/promise";

export type Pool = mysql.Pool;
export type PoolConnection = mysql.PoolConnection;

/**
 * The mysql2 pool used by hot paths and projections. Dates are UTC (SPEC §5: DATETIME columns
 * hold naive UTC) and big unsigned numbers come back as strings so nothing is rounded.
 */
export function createPool(databaseUrl: string, connectionLimit: number): Pool {
  return mysql.createPool({
    uri: databaseUrl,
    connectionLimit,
    timezone: "Z",
    supportBigNumbers: true,
    bigNumberStrings: true,
    dateStrings: false,
    enableKeepAlive: true,
    connectTimeout: 5000,
  });
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
