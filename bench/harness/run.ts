/**
 * One bench run from start to exit. `runBench` gives the bench its Redis connection, scratch
 * databases and key prefixes, pools and temporary directories, and owns their removal: one
 * cleanup that runs once, whatever ends the run — the bench finishing, an error, Ctrl-C or
 * SIGTERM (exit 130), or a server child that died (exit 1). The cleanup stops the children first
 * (so nothing writes any more), runs the bench's deferred steps, then unlinks every key under the
 * prefixes, closes the clients, drops the databases and removes the directories. Progress goes
 * to stderr as `[bench:<name>] …`.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPool, type Pool } from "../../src/db/pool.ts";
import { closeRedis, createRedis, type RedisClient } from "../../src/redis/create-redis.ts";
import { stopAllChildren } from "./children.ts";
import type { CommonOptions } from "./options.ts";
import { createScratchDatabase, dropScratchDatabase, planScratch, type Scratch, unlinkPrefix } from "./scratch.ts";

export type Progress = (message: string) => void;

export interface BenchRun {
  readonly progress: Progress;
  /** The bench's own connection (INFO, stream checks, the cleanup's UNLINKs). */
  readonly redis: RedisClient;
  /** A fresh scratch database (migrated unless `migrate: false`) and key prefix. */
  scratch(options?: { readonly migrate?: boolean }): Promise<Scratch>;
  pool(databaseUrl: string, connections: number): Pool;
  tempDir(label: string): Promise<string>;
  /** Something else to release at cleanup (after the children stop, before the keys go), e.g. a client. */
  defer(step: () => void | Promise<void>): void;
  /** For a server child's `onUnexpectedExit`: clean up, then exit 1. */
  readonly abort: (label: string, code: number | string) => void;
}

export function runBench(name: string, options: CommonOptions, body: (run: BenchRun) => Promise<void>): void {
  const progress: Progress = (message) => process.stderr.write(`[bench:${name}] ${message}\n`);
  const redis = createRedis({ url: options.redisUrl, name: `ichnos:bench-${name}` });
  const scratches: Scratch[] = [];
  /** Scratch databases being created or migrated: dropped only once that has settled. */
  const creating: Promise<unknown>[] = [];
  const pools: Pool[] = [];
  const dirs: string[] = [];
  const deferred: (() => void | Promise<void>)[] = [];

  let cleaned: Promise<void> | null = null;
  const cleanup = () => (cleaned ??= (async () => {
    const codes = await stopAllChildren();
    for (const step of deferred.reverse()) await Promise.resolve().then(step).catch((err) => progress(`cleanup step failed: ${err}`));
    // The bench's own connection goes first: its QUIT returns only after every command it had
    // sent, so nothing it wrote can land after the sweep below (an interrupted bench's body is
    // still running). The sweep has a connection of its own.
    await closeRedis(redis);
    const sweeper = createRedis({ url: options.redisUrl, name: `ichnos:bench-${name}-cleanup` });
    let removed = 0;
    for (const s of scratches) {
      removed += await unlinkPrefix(sweeper, s.prefix).catch((err) => {
        progress(`could not remove keys under ${s.prefix}: ${err}`);
        return 0;
      });
    }
    await closeRedis(sweeper);
    await Promise.all(pools.map((p) => p.end().catch(() => undefined)));
    await Promise.allSettled(creating);
    for (const s of scratches) await dropScratchDatabase(s).catch((err) => progress(`could not drop ${s.databaseName}: ${err}`));
    for (const dir of dirs) await rm(dir, { recursive: true, force: true }).catch(() => undefined);
    const parts = [
      ...(codes.length ? [`${codes.length} children stopped (exit ${codes.join(", ")})`] : []),
      `${removed} keys under ${scratches.map((s) => `${s.prefix}:*`).join(", ") || "-"}`,
      `database${scratches.length === 1 ? "" : "s"} ${scratches.map((s) => s.databaseName).join(", ") || "-"}`,
    ];
    progress(`cleaned up: ${parts.join(", ")}`);
  })());
  const exitAfterCleanup = (code: number) => void cleanup().finally(() => process.exit(code));

  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      progress(`${signal}: cleaning up`);
      exitAfterCleanup(130);
    });
  }

  const run: BenchRun = {
    progress,
    redis,
    async scratch(opts = {}) {
      const s = planScratch(name, options.databaseUrl);
      // Registered before it exists: an interrupted migration still leaves nothing behind.
      scratches.push(s);
      progress(`scratch database ${s.databaseName}, key prefix ${s.prefix}`);
      const created = createScratchDatabase(s, { migrate: opts.migrate ?? true });
      creating.push(created);
      await created;
      return s;
    },
    pool(databaseUrl, connections) {
      const pool = createPool(databaseUrl, connections);
      pools.push(pool);
      return pool;
    },
    async tempDir(label) {
      const dir = await mkdtemp(join(tmpdir(), `bench-${name}-${label}-`));
      dirs.push(dir);
      return dir;
    },
    defer(step) {
      deferred.push(step);
    },
    abort(label, code) {
      if (cleaned) return;
      progress(`${label} exited unexpectedly (${code}): aborting`);
      exitAfterCleanup(1);
    },
  };

  void (async () => {
    let failure: unknown = null;
    try {
      await body(run);
    } catch (err) {
      failure = err;
    }
    await cleanup();
    if (failure !== null) {
      console.error(failure);
      process.exitCode = 1;
    }
  })();
}
