/**
 * The one transaction helper: `fn` runs inside a transaction on a connection of its own, which
 * commits when `fn` resolves and rolls back when it throws (the error is rethrown as it was).
 */
import type { Pool, PoolConnection } from "./pool.ts";

export async function withTransaction<T>(pool: Pool, fn: (tx: PoolConnection) => Promise<T>): Promise<T> {
  const conn = await pool.getConnection();
  try {
    await conn.beginTransaction();
    const out = await fn(conn);
    await conn.commit();
    return out;
  } catch (err) {
    await conn.rollback().catch(() => undefined);
    throw err;
  } finally {
    conn.release();
  }
}
