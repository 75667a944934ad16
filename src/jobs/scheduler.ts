/**
 * Periodic jobs (trimming now; cell export, stats roll-up and others later). Every worker runs
 * the scheduler; a Redis lease per job and interval makes exactly one of them do each run.
 */
import type { Logger } from "../logger.ts";
import type { RedisClient } from "../redis/create-redis.ts";
import { tryLease } from "../redis/lease.ts";
import type { Keys } from "../stream/keys.ts";

export interface Job {
  readonly name: string;
  readonly intervalMs: number;
  run(signal: AbortSignal): Promise<void>;
}

export interface Scheduler {
  stop(): Promise<void>;
}

export function startScheduler(deps: { redis: RedisClient; keys: Keys; log: Logger }, jobs: readonly Job[]): Scheduler {
  const controller = new AbortController();
  const timers = new Set<NodeJS.Timeout>();
  const running = new Set<Promise<void>>();

  const tick = async (job: Job) => {
    const log = deps.log.child({ job: job.name });
    try {
      // Held for the whole interval and not released: that is what spaces the runs.
      const lease = await tryLease(deps.redis, deps.keys.lease(job.name), job.intervalMs);
      if (!lease) return;
      const started = Date.now();
      await job.run(controller.signal);
      log.debug({ durationMs: Date.now() - started }, "job finished");
    } catch (err) {
      log.error({ err }, "periodic job failed; it runs again next interval");
    }
  };
  const schedule = (job: Job, delay: number) => {
    if (controller.signal.aborted) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      const run = tick(job).finally(() => {
        running.delete(run);
        schedule(job, job.intervalMs);
      });
      running.add(run);
    }, delay);
    timers.add(timer);
  };
  // A random first delay keeps many workers from racing for the lease at the same instant.
  for (const job of jobs) schedule(job, Math.floor(Math.random() * Math.min(job.intervalMs, 5000)));

  return {
    async stop() {
      controller.abort();
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await Promise.all(running);
    },
  };
}
