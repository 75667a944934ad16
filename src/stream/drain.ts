/**
 * `ichnos drain`: runs the given groups until each has applied everything in its streams and
 * holds nothing pending, then stops them. Used by batch jobs and tests.
 *
 * Like `ichnos work`, a drain rides out a MySQL or Redis outage: the loops back off and retry,
 * a status read that fails is logged and tried again, and only the timeout ends the drain
 * undrained. The timeout also holds when a loop is stuck (waiting on another process's named
 * lock, a query that never returns): stopping is given `stopMs`, then the drain reports it.
 */
import type { Pool } from "../db/pool.ts";
import type { Logger } from "../logger.ts";
import type { RedisClient } from "../redis/create-redis.ts";
import { withTimeout } from "../util/with-timeout.ts";
import type { ConsumerRuntime } from "./consumer-runtime.ts";
import type { AnyConsumer } from "./define-consumer.ts";
import { readGroupStatus, type GroupStreamStatus } from "./group-status.ts";
import type { Keys } from "./keys.ts";

export function isDrained(rows: readonly GroupStreamStatus[]): boolean {
  return rows.every((r) => r.lag === 0 && r.pending === 0);
}

export interface DrainOptions {
  readonly timeoutMs: number;
  readonly pollMs?: number;
  /** How long the loops get to finish their batches once drained or timed out. */
  readonly stopMs?: number;
  /** May throw to end the drain (a worker process it depends on died). */
  readonly onProgress?: (rows: GroupStreamStatus[]) => void;
}

export interface DrainResult {
  readonly drained: boolean;
  readonly rows: GroupStreamStatus[];
  /** False when a loop did not stop within `stopMs`; it is still running. */
  readonly stopped: boolean;
}

const WARN_EVERY_MS = 10_000;
const DEFAULT_STOP_MS = 10_000;

/** Resolves true once the runtime stopped, false after `ms` (the stop keeps going). */
async function stopWithin(runtime: ConsumerRuntime, ms: number): Promise<boolean> {
  return withTimeout(runtime.stop().then(() => true), ms, "stop timed out").catch(() => false);
}

export async function drainGroups(
  deps: { redis: RedisClient; pool: Pool; keys: Keys; log?: Logger },
  runtime: ConsumerRuntime,
  consumers: readonly AnyConsumer[],
  options: DrainOptions,
): Promise<DrainResult> {
  runtime.start();
  const deadline = Date.now() + options.timeoutMs;
  const names = new Set(consumers.map((c) => c.name));
  let rows: GroupStreamStatus[] = [];
  let lastWarn = 0;
  let failedReads = 0;

  async function poll(): Promise<boolean> {
    for (;;) {
      let read: GroupStreamStatus[] | null = null;
      try {
        // A read stuck on a backend must not outlive the drain's own deadline.
        const status = readGroupStatus(deps.redis, deps.pool, deps.keys, consumers);
        read = (await withTimeout(status, Math.max(1, deadline - Date.now()), "status read timed out")).filter((r) => names.has(r.group));
      } catch (err) {
        failedReads += 1;
        if (Date.now() - lastWarn >= WARN_EVERY_MS) {
          lastWarn = Date.now();
          deps.log?.warn(
            { err, failedReads, remainingMs: Math.max(0, deadline - Date.now()) },
            "cannot read the groups' status; is MySQL reachable at DATABASE_URL and Redis at REDIS_URL? the drain keeps trying until its timeout",
          );
        }
      }
      if (read) {
        rows = read;
        options.onProgress?.(rows);
        if (isDrained(rows)) return true;
      }
      if (Date.now() >= deadline) return false;
      await new Promise((r) => setTimeout(r, Math.min(options.pollMs ?? 100, Math.max(1, deadline - Date.now()))));
    }
  }

  let drained: boolean;
  try {
    drained = await poll();
  } catch (err) {
    // onProgress ended the drain: the loops are still stopped, within the same bound.
    await stopWithin(runtime, options.stopMs ?? DEFAULT_STOP_MS);
    throw err;
  }
  const stopped = await stopWithin(runtime, options.stopMs ?? DEFAULT_STOP_MS);
  return { drained, rows, stopped };
}
