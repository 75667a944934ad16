import { createHash } from "node:crypto";
import type { RowDataPacket } from "mysql2/promise";
import type { Pool, PoolConnection } from "./pool.ts";

type LockResult<T> = { locked: false } | { locked: true; value: T };

/** GET_LOCK for up to `timeoutS` (0: only if free now); `fn` runs on the lock's connection while it is held. */
async function holdNamedLock<T>(pool: Pool, name: string, timeoutS: number, fn: (conn: PoolConnection) => Promise<T>): Promise<LockResult<T>> {
  // Names are hashed: MySQL allows 64 characters.
  const lockName = `ichnos:${createHash("sha1").update(name).digest("hex")}`;
  const conn = await pool.getConnection();
  try {
    const [rows] = await conn.query<RowDataPacket[]>("SELECT GET_LOCK(?, ?) AS got", [lockName, timeoutS]);
    if (Number(rows[0]?.got) !== 1) return { locked: false };
    try {
      return { locked: true, value: await fn(conn) };
    } finally {
      await conn.query("SELECT RELEASE_LOCK(?)", [lockName]);
    }
  } finally {
    conn.release();
  }
}

/**
 * Runs `fn` while holding a MySQL named lock (GET_LOCK), so several processes starting at once
 * do one-time work (group creation) exactly once.
 */
export async function withNamedLock<T>(pool: Pool, name: string, timeoutS: number, fn: (conn: PoolConnection) => Promise<T>): Promise<T> {
  const got = await holdNamedLock(pool, name, timeoutS, fn);
  if (!got.locked) throw new Error(`timed out after ${timeoutS} s waiting for the database lock "${name}"`);
  return got.value;
}

/**
 * Like withNamedLock, without waiting: `fn` runs only when the lock is free now; otherwise the
 * result is `{ locked: false }` and the caller decides when to look again (and can stop then).
 */
export function tryNamedLock<T>(pool: Pool, name: string, fn: (conn: PoolConnection) => Promise<T>): Promise<LockResult<T>> {
  return holdNamedLock(pool, name, 0, fn);
}
