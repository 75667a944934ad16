/**
 * The bench's own corner of the shared servers: a scratch database (migrated, dropped at the
 * end) and a unique Redis key prefix (every key under it unlinked at the end).
 */
import { randomBytes } from "node:crypto";
import mysql from "mysql2/promise";
import { quoteIdentifier, toConnectionOptions } from "../../src/db/database-url.ts";
import type { RedisClient } from "../../src/redis/create-redis.ts";

export interface Scratch {
  readonly prefix: string;
  readonly databaseName: string;
  readonly databaseUrl: string;
}

export function planScratch(baseDatabaseUrl: string): Scratch {
  const tag = randomBytes(4).toString("hex");
  const url = new URL(baseDatabaseUrl);
  const databaseName = `ichnos_bench_${tag}`;
  url.pathname = `/${databaseName}`;
  return { prefix: `bench-log-${tag}`, databaseName, databaseUrl: url.toString() };
}

export async function dropScratchDatabase(scratch: Scratch): Promise<void> {
  const conn = await mysql.createConnection(toConnectionOptions(scratch.databaseUrl, { database: undefined }));
  try {
    await conn.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(scratch.databaseName)}`);
  } finally {
    await conn.end();
  }
}

/** UNLINK frees big streams in a background thread, so cleaning up does not stall Redis. */
export async function unlinkPrefix(redis: RedisClient, prefix: string): Promise<number> {
  let cursor = "0";
  let removed = 0;
  do {
    const [next, found] = (await redis.call("SCAN", [cursor, "MATCH", `${prefix}:*`, "COUNT", 1000])) as [string, string[]];
    cursor = next;
    if (found.length) removed += Number(await redis.call("UNLINK", found));
  } while (cursor !== "0");
  return removed;
}
