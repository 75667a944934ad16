import type mysql from "mysql2/promise";
import { createLogger, type Logger } from "../../src/logger.ts";
import { applyMigrations } from "../../src/db/migrate.ts";
import { createPool, type Pool } from "../../src/db/pool.ts";
import { closeRedis, createRedis, type RedisClient } from "../../src/redis/create-redis.ts";
import { createKeys, type Keys } from "../../src/stream/keys.ts";
import { TEST_STREAMS } from "./test-streams.ts";
import { createTestDatabase, redisUrl, uniquePrefix } from "./infra.ts";
import { createTestTables } from "./test-consumers.ts";

export interface StreamTestEnv {
  readonly databaseUrl: string;
  readonly redisUrl: string;
  readonly prefix: string;
  readonly pool: Pool;
  readonly redis: RedisClient;
  readonly keys: Keys;
  readonly log: Logger;
  close(): Promise<void>;
}

/**
 * A migrated database of its own, a Redis prefix of its own, and the test tables. `redisAt`
 * points the env at another Redis (a private server the test may kill).
 */
export async function createStreamTestEnv(label: string, partitions = 2, redisAt?: string): Promise<StreamTestEnv> {
  const db = await createTestDatabase(label);
  const log = createLogger((process.env.TEST_LOG_LEVEL as "info") ?? "silent");
  await applyMigrations({ databaseUrl: db.url, log });
  const pool = createPool(db.url, 8);
  await createTestTables(pool);
  const url = redisAt ?? (await redisUrl());
  const redis = createRedis({ url });
  const prefix = uniquePrefix(label);
  const keys = createKeys(prefix, partitions, TEST_STREAMS);
  return {
    databaseUrl: db.url, redisUrl: url, prefix, pool, redis, keys, log,
    async close() {
      const found = await redis.keys(`${prefix}:*`).catch(() => []);
      if (found.length) await redis.del(...found);
      await closeRedis(redis);
      await pool.end();
      await db.drop();
    },
  };
}

export async function appliedRows(pool: Pool, group: string): Promise<{ entry_id: string; stream: string; seq: number; times: number; applied_by: string | null }[]> {
  const [rows] = await pool.query<mysql.RowDataPacket[]>(
    "SELECT entry_id, stream, CAST(seq AS SIGNED) AS seq, times, applied_by FROM t_applied WHERE group_name = ? ORDER BY seq", [group]);
  return rows.map((r) => ({
    entry_id: r.entry_id as string, stream: r.stream as string, seq: Number(r.seq), times: Number(r.times), applied_by: r.applied_by as string | null,
  }));
}

export async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
