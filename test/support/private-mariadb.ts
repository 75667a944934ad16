/**
 * A mariadbd of a test's own, on a free loopback port with a scratch data directory, for tests
 * that kill and restart MySQL: the shared server other suites use must never see that. Root has
 * no password. mariadb-install-db takes a few seconds, so a suite starts one and reuses it.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import mysql from "mysql2/promise";
import { freePort } from "./private-redis.ts";

export interface PrivateMariaDbOptions {
  /**
   * Server options after the defaults (mariadb-replica.ts: server ids, read-only). A `--log-bin…`
   * among them replaces the default `--skip-log-bin`.
   */
  readonly args?: readonly string[];
}

export interface PrivateMariaDb {
  readonly port: number;
  /** The server's root URL (no database); `databaseUrl(name)` names one. */
  readonly url: string;
  databaseUrl(name: string): string;
  /** Starts the server (again) on the same port and data; resolves once it answers a query. */
  start(): Promise<void>;
  /** SIGKILL: the server dies at once, as in a crash; InnoDB recovers at the next start. */
  kill(): Promise<void>;
  close(): Promise<void>;
}

async function waitForQuery(url: string, timeoutMs: number, child: () => ChildProcess | null): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const conn = await mysql.createConnection({ uri: url, connectTimeout: 1000 });
      await conn.query("SELECT 1");
      await conn.end();
      return;
    } catch {
      // not up yet
    }
    const c = child();
    if (!c || c.exitCode !== null) throw new Error("private mariadbd exited during start-up");
    if (Date.now() > deadline) throw new Error(`private mariadbd at ${url} did not answer within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function startPrivateMariaDb(options: PrivateMariaDbOptions = {}): Promise<PrivateMariaDb> {
  const dir = mkdtempSync(join(tmpdir(), "ichnos-mariadb-"));
  const datadir = join(dir, "data");
  // --user=root: test machines and containers often run as root, which mariadbd refuses otherwise.
  // --tmpdir of its own: two bootstraps at once (a primary and its replica) shared /tmp's
  // temporary tables and one failed with "Could not remove temporary table".
  await promisify(execFile)("mariadb-install-db", [
    "--no-defaults", `--datadir=${datadir}`, `--tmpdir=${dir}`, "--auth-root-authentication-method=normal", "--user=root", "--skip-test-db",
    "--skip-name-resolve",
  ]);
  const port = await freePort();
  const url = `mysql://root@127.0.0.1:${port}/`;
  let child: ChildProcess | null = null;
  const extra = options.args ?? [];
  const binlog = extra.some((a) => a.startsWith("--log-bin"));
  const args = [
    "--no-defaults", `--datadir=${datadir}`, `--tmpdir=${dir}`, `--port=${port}`, `--socket=${join(dir, "sock")}`, `--pid-file=${join(dir, "pid")}`,
    "--bind-address=127.0.0.1", "--user=root", "--skip-name-resolve", ...(binlog ? [] : ["--skip-log-bin"]), "--innodb-buffer-pool-size=32M",
    // Durability is not what these tests measure; fsyncs would make the migrations slow.
    "--innodb-flush-log-at-trx-commit=0", "--innodb-doublewrite=0", "--innodb-flush-method=nosync",
    ...extra,
  ];
  const self: PrivateMariaDb = {
    port,
    url,
    databaseUrl: (name) => `mysql://root@127.0.0.1:${port}/${name}`,
    async start() {
      child = spawn("/usr/sbin/mariadbd", args, { stdio: "ignore" });
      await waitForQuery(url, 20_000, () => child);
    },
    async kill() {
      const c = child;
      child = null;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      const done = new Promise<void>((resolve) => c.once("exit", () => resolve()));
      c.kill("SIGKILL");
      await done;
    },
    async close() {
      await self.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await self.start();
  return self;
}
