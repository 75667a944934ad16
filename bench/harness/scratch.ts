/**
 * A bench's own corner of the shared servers: a scratch database on DATABASE_URL's server
 * (`ichnos_bench_<hex>`, migrated unless the bench needs an empty one) and a unique Redis key
 * prefix (`bench-<name>-<hex>`, passed on to children as REDIS_PREFIX). run.ts removes both at
 * the end; nothing here keeps state.
 */
import { randomBytes } from "node:crypto";
import mysql from "mysql2/promise";
import { createDatabaseIfMissing, quoteIdentifier, toConnectionOptions } from "../../src/db/database-url.ts";
import { applyMigrations } from "../../src/db/migrate.ts";
import { createLogger } from "../../src/logger.ts";
import type { RedisClient } from "../../src/redis/create-redis.ts";

export interface Scratch {
  readonly prefix: string;
  readonly databaseName: string;
  readonly databaseUrl: string;
}

/** The environment of a server child working in the scratch corner: loopback, any free port, quiet logs. */
export function serverChildEnv(redisUrl: string, scratch: Scratch): Record<string, string> {
  return {
    REDIS_URL: redisUrl, DATABASE_URL: scratch.databaseUrl, REDIS_PREFIX: scratch.prefix, HOST: "127.0.0.1", PORT: "0", LOG_LEVEL: "warn",
  };
}

export function planScratch(bench: string, baseDatabaseUrl: string): Scratch {
  const tag = randomBytes(4).toString("hex");
  const url = new URL(baseDatabaseUrl);
  const databaseName = `ichnos_bench_${tag}`;
  url.pathname = `/${databaseName}`;
  return { prefix: `bench-${bench}-${tag}`, databaseName, databaseUrl: url.toString() };
}

export async function createScratchDatabase(scratch: Scratch, options: { migrate: boolean }): Promise<void> {
  if (options.migrate) await applyMigrations({ databaseUrl: scratch.databaseUrl, log: createLogger("warn", process.stderr) });
  else await createDatabaseIfMissing(scratch.databaseUrl);
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
