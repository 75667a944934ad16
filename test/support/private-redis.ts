/**
 * A redis-server of a test's own, on a free loopback port in a scratch directory, for tests that
 * kill, stop or restore Redis: the shared server other suites use must never see that.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";

export interface PrivateRedis {
  readonly port: number;
  readonly url: string;
  readonly dir: string;
  /** Starts the server (again) on the same port and directory; resolves once it answers PING. */
  start(): Promise<void>;
  /** SIGKILL: the server dies without saving anything. */
  kill(): Promise<void>;
  /** SIGSTOP / SIGCONT: the server keeps its sockets open but answers nothing. */
  pause(): void;
  resume(): void;
  /** SAVE now and keep a copy of the snapshot; `restoreSnapshot` puts it back before a start. */
  snapshot(): Promise<string>;
  restoreSnapshot(copy: string): void;
  /** Removes the data files, so the next start begins with an empty Redis. */
  wipe(): void;
  /** Whether the server process is running (started and not killed). */
  running(): boolean;
  close(): Promise<void>;
}

// Servers still running when the test process exits (a suite that threw before its `after`)
// are killed with it, so no redis-server outlives its test.
const live = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of live) child.kill("SIGKILL");
});

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

async function waitForPing(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new Redis({ port, host: "127.0.0.1", lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on("error", () => undefined);
    try {
      await client.connect();
      if ((await client.ping()) === "PONG") return;
    } catch {
      // not up yet
    } finally {
      client.disconnect();
    }
    if (Date.now() > deadline) throw new Error(`private redis-server on port ${port} did not answer within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function startPrivateRedis(extraArgs: readonly string[] = []): Promise<PrivateRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "ichnos-redis-"));
  let child: ChildProcess | null = null;
  const args = [
    "--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--dbfilename", "dump.rdb",
    "--save", "", "--appendonly", "no", "--maxmemory-policy", "noeviction", ...extraArgs,
  ];
  const exited = () =>
    new Promise<void>((resolve) => {
      if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("exit", () => resolve());
    });

  const self: PrivateRedis = {
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    async start() {
      const started = spawn("redis-server", args, { stdio: "ignore" });
      child = started;
      live.add(started);
      started.once("exit", () => live.delete(started));
      await waitForPing(port, 10_000);
    },
    async kill() {
      const done = exited();
      child?.kill("SIGCONT");
      child?.kill("SIGKILL");
      await done;
      child = null;
    },
    pause() {
      child?.kill("SIGSTOP");
    },
    resume() {
      child?.kill("SIGCONT");
    },
    async snapshot() {
      const client = new Redis({ port, host: "127.0.0.1", maxRetriesPerRequest: 0 });
      try {
        await client.call("SAVE");
      } finally {
        client.disconnect();
      }
      const copy = join(dir, `snapshot-${Date.now()}.rdb`);
      cpSync(join(dir, "dump.rdb"), copy);
      return copy;
    },
    restoreSnapshot(copy) {
      cpSync(copy, join(dir, "dump.rdb"));
    },
    running: () => child !== null && child.exitCode === null && child.signalCode === null,
    wipe() {
      rmSync(join(dir, "dump.rdb"), { force: true });
      rmSync(join(dir, "appendonlydir"), { recursive: true, force: true });
    },
    async close() {
      await self.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await self.start();
  return self;
}
