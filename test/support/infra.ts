/**
 * Real services for integration tests. REDIS_URL / DATABASE_URL win when set (CI and this
 * machine); only without them are the container modules loaded, so a machine without a
 * container engine never touches one.
 */
import { randomBytes } from "node:crypto";
import mysql from "mysql2/promise";

const stops: Array<() => Promise<unknown>> = [];

export async function redisUrl(): Promise<string> {
  if (process.env.REDIS_URL) return process.env.REDIS_URL;
  const { RedisContainer } = await import("@testcontainers/redis");
  const container = await new RedisContainer("redis:7-alpine").start();
  stops.push(() => container.stop());
  return container.getConnectionUrl();
}

export async function serverDatabaseUrl(): Promise<string> {
  if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
  const { MySqlContainer } = await import("@testcontainers/mysql");
  const container = await new MySqlContainer("mariadb:10.11")
    .withDatabase("test")
    .withRootPassword("root")
    .start();
  stops.push(() => container.stop());
  return `mysql://root:root@${container.getHost()}:${container.getPort()}/test`;
}

/** A fresh, uniquely named database on the test server; dropped by the returned function. */
export async function createTestDatabase(label: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const base = new URL(await serverDatabaseUrl());
  const name = `ichnos_t_${label.replace(/\W/g, "_").slice(0, 24)}_${randomBytes(3).toString("hex")}`;
  base.pathname = `/${name}`;
  const url = base.toString();
  return {
    url,
    drop: async () => {
      const admin = new URL(url);
      admin.pathname = "/";
      const conn = await mysql.createConnection({ uri: admin.toString() });
      try {
        await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await conn.end();
      }
    },
  };
}

/** A Redis key prefix no other suite uses, so suites can share one Redis. */
export function uniquePrefix(label: string): string {
  return `t-${label.replace(/\W/g, "-")}-${randomBytes(4).toString("hex")}`;
}

export async function stopContainers(): Promise<void> {
  await Promise.all(stops.splice(0).map((stop) => stop()));
}
