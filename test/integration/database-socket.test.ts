/**
 * DATABASE_URL with Prisma's `?socket=` parameter: mysql2 pools, migrations and the Prisma client
 * connect through the server's Unix socket; a wrong socket path gets an error that names it.
 */
import { existsSync } from "node:fs";
import mysql, { type RowDataPacket } from "mysql2/promise";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { describeDatabaseUrl, explainConnectionError, parseDatabaseUrl, toConnectionOptions } from "../../src/db/database-url.ts";
import { applyMigrations } from "../../src/db/migrate.ts";
import { createPool } from "../../src/db/pool.ts";
import { createPrismaClient } from "../../src/db/prisma-client.ts";
import { createLogger } from "../../src/logger.ts";
import { createTestDatabase } from "../support/infra.ts";

const S = suite<{ db: { url: string; drop: () => Promise<void> }; socket: string }>("database over a Unix socket");

S.before(async (ctx) => {
  ctx.db = await createTestDatabase("socket");
  const admin = await mysql.createConnection(toConnectionOptions(ctx.db.url, { database: undefined }));
  try {
    const [rows] = await admin.query<RowDataPacket[]>("SELECT @@socket AS socket");
    ctx.socket = String(rows[0]!.socket);
  } finally {
    await admin.end();
  }
});
S.after(async (ctx) => ctx.db.drop());

const viaSocket = (url: string, socket: string): string => {
  const u = new URL(url);
  u.hostname = "localhost";
  u.port = "";
  u.searchParams.set("socket", socket);
  return u.toString();
};

S("the URL's socket replaces host and port, in the options and in what logs show", () => {
  const url = "mysql://app:secret@localhost/ichnos?socket=/run/mysqld/mysqld.sock";
  assert.is(parseDatabaseUrl(url).socket, "/run/mysqld/mysqld.sock");
  const options = toConnectionOptions(url);
  assert.is(options.socketPath, "/run/mysqld/mysqld.sock");
  assert.is(options.host, undefined);
  assert.is(describeDatabaseUrl(url), "unix:/run/mysqld/mysqld.sock/ichnos");
  assert.is(parseDatabaseUrl("mysql://app@db:3307/ichnos").socket, undefined);
  assert.is(describeDatabaseUrl("mysql://app@db:3307/ichnos"), "db:3307/ichnos");
});

S("migrations, the mysql2 pool and the Prisma client all work through the server's socket", async ({ db, socket }) => {
  // The test server runs on this machine in CI; a server elsewhere (a container) has no socket here.
  if (!existsSync(socket)) {
    console.log(`  the server's socket ${socket} is not on this machine; the socket connection was not exercised`);
    return;
  }
  const url = viaSocket(db.url, socket);
  await applyMigrations({ databaseUrl: url, log: createLogger("silent") });
  const pool = createPool(url, 2);
  try {
    const [rows] = await pool.query<RowDataPacket[]>("SELECT DATABASE() AS db, @@hostname IS NOT NULL AS up");
    assert.equal({ ...rows[0] }, { db: parseDatabaseUrl(db.url).database, up: 1 });
    const [[{ n }]] = (await pool.query("SELECT COUNT(*) AS n FROM _prisma_migrations")) as unknown as [[{ n: number }]];
    assert.ok(Number(n) >= 1, "migrated through the socket");
  } finally {
    await pool.end();
  }
  const prisma = createPrismaClient(url);
  try {
    assert.is(await prisma.apiKey.count(), 0);
  } finally {
    await prisma.$disconnect();
  }
});

S("a socket path that does not exist fails with an error naming it", async ({ db }) => {
  const url = viaSocket(db.url, "/nonexistent/mysqld.sock");
  const pool = createPool(url, 1);
  try {
    const err = await pool.query("SELECT 1").then(() => null, (e: unknown) => e);
    assert.ok(err, "the query failed");
    const explained = explainConnectionError(err, url);
    assert.match(explained.message, "Cannot connect to the database at unix:/nonexistent/mysqld.sock");
    assert.match(explained.message, "listens on the socket /nonexistent/mysqld.sock");
  } finally {
    await pool.end();
  }
});

S.run();
