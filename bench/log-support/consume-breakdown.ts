/**
 * `--breakdown`: one extra runtime run on a single stream with the clients instrumented, to show
 * where a batch's time goes. Only instances the bench owns are wrapped (nothing in src/ changes):
 * the shared Redis client and the blocking readers the runtime duplicates from it, and every
 * connection the pool hands out. Status polling by drainGroups is kept out of the figures.
 * With one loop the steps run one after another, so they add up to the wall time; "other" is
 * what remains: this process's own work (parsing replies, decoding entries, bookkeeping).
 */
import type { Pool, PoolConnection } from "../../src/db/pool.ts";
import type { RedisClient } from "../../src/redis/create-redis.ts";
import type { ConsumeDeps, ConsumeTarget } from "./consume-bench.ts";
import { runRuntime } from "./consume-bench.ts";

/** Every timed call as [start, end], per step. */
export type Breakdown = Record<string, [number, number][]>;

const LOOP_COMMANDS = new Set(["XREADGROUP", "XPENDING", "XACK", "XAUTOCLAIM", "XCLAIM"]);

function timer(into: Breakdown) {
  return async <T>(step: string, work: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await work();
    } finally {
      const spans = into[step] ?? [];
      spans.push([started, performance.now()]);
      into[step] = spans;
    }
  };
}

type Call = (command: string, args: unknown[]) => Promise<unknown>;

function instrumentRedis(client: RedisClient, time: ReturnType<typeof timer>): void {
  const c = client as unknown as { call: Call; duplicate: (...a: unknown[]) => RedisClient };
  const call = c.call.bind(client);
  c.call = (command, args) => (LOOP_COMMANDS.has(command.toUpperCase()) ? time(`redis ${command}`, () => call(command, args)) : call(command, args));
  const duplicate = c.duplicate.bind(client);
  c.duplicate = (...a) => {
    const copy = duplicate(...a);
    instrumentRedis(copy, time);
    return copy;
  };
}

function sqlStep(sql: string): string {
  if (/FOR UPDATE/i.test(sql)) return "mysql SELECT … FOR UPDATE";
  if (/^\s*UPDATE stream_checkpoint/i.test(sql)) return "mysql UPDATE checkpoint";
  return `mysql ${sql.trim().split(/\s+/).slice(0, 2).join(" ")}`;
}

function instrumentPool(pool: Pool, time: ReturnType<typeof timer>): void {
  const getConnection = pool.getConnection.bind(pool);
  pool.getConnection = async () => {
    const conn = await time("mysql getConnection", getConnection);
    const c = conn as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
    for (const [method, step] of [["beginTransaction", "mysql BEGIN"], ["commit", "mysql COMMIT"], ["rollback", "mysql ROLLBACK"]] as const) {
      const original = c[method]!.bind(conn);
      c[method] = (...a) => time(step, () => original(...a));
    }
    const query = c.query!.bind(conn);
    c.query = (sql, ...rest) => time(sqlStep(String(sql)), () => query(sql, ...rest));
    return conn as PoolConnection;
  };
}

export async function runBreakdown(
  deps: ConsumeDeps, target: ConsumeTarget, group: string,
): Promise<{ rate: number; batches: number; perBatchMs: Record<string, number> }> {
  const steps: Breakdown = {};
  const time = timer(steps);
  const { redis, pool } = deps;
  const saved = { call: (redis as unknown as { call: Call }).call, duplicate: redis.duplicate, getConnection: pool.getConnection };
  instrumentRedis(redis, time);
  instrumentPool(pool, time);
  try {
    const run = await runRuntime(deps, target, group);
    // Only what happened inside the measured window (not the final blocking read, not stop).
    const [from, to] = run.window;
    const inWindow = (spans: [number, number][]) =>
      spans.reduce((ms, [a, b]) => ms + Math.max(0, Math.min(b, to) - Math.max(a, from)), 0);
    const batches = steps["mysql COMMIT"]?.length ?? 1;
    const perBatchMs: Record<string, number> = {};
    let accounted = 0;
    const totals = Object.entries(steps).map(([step, spans]) => [step, inWindow(spans)] as const);
    for (const [step, ms] of totals.sort((a, b) => b[1] - a[1])) {
      perBatchMs[step] = ms / batches;
      accounted += ms;
    }
    perBatchMs.other = Math.max(0, run.ms - accounted) / batches;
    perBatchMs.total = run.ms / batches;
    return { rate: run.rate, batches, perBatchMs };
  } finally {
    Object.assign(redis, { call: saved.call, duplicate: saved.duplicate });
    pool.getConnection = saved.getConnection;
  }
}
