/**
 * Runs every (group, stream) loop of the given consumers in this process and stops them
 * gracefully: each loop finishes, commits and acknowledges the batch in hand, then its
 * blocking connection closes.
 */
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import type { Pool } from "../db/pool.ts";
import type { Logger } from "../logger.ts";
import { closeRedis, duplicateForBlocking, type RedisClient } from "../redis/create-redis.ts";
import type { AnyConsumer } from "./define-consumer.ts";
import type { Keys } from "./keys.ts";
import { runConsumerLoop, type LoopDeps, type LoopSettings, type LoopStats } from "./consumer-loop.ts";
import { deleteConsumer, pendingRange } from "./stream-commands.ts";

export interface ConsumerRuntimeOptions {
  readonly redis: RedisClient;
  readonly pool: Pool;
  readonly keys: Keys;
  readonly log: Logger;
  readonly consumers: readonly AnyConsumer[];
  readonly settings: LoopSettings;
  readonly afterCommit?: LoopDeps["afterCommit"];
}

export interface ConsumerRuntime {
  readonly consumerName: string;
  start(): void;
  /** Resolves when every loop has stopped; idempotent. */
  stop(): Promise<void>;
  /** Resolves when every loop has ended (after stop, or because a loop crashed). */
  readonly done: Promise<void>;
  stats(): Record<string, LoopStats>;
}

export function createConsumerRuntime(options: ConsumerRuntimeOptions): ConsumerRuntime {
  const { redis, keys, log } = options;
  const consumerName = `${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;
  const controller = new AbortController();
  const stats: Record<string, LoopStats> = {};
  const readers: RedisClient[] = [];
  let loops: Promise<void>[] = [];
  let started = false;
  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => { resolveDone = resolve; });
  let stopping: Promise<void> | null = null;

  function start() {
    if (started) return;
    started = true;
    for (const consumer of options.consumers) {
      for (const stream of keys.resolve(consumer.reads)) {
        const key = `${consumer.name} ${keys.logicalName(stream)}`;
        const reader = duplicateForBlocking(redis, `ichnos:${consumer.name}`);
        readers.push(reader);
        stats[key] = { applied: 0, lost: 0, deadLettered: 0, batches: 0 };
        const deps: LoopDeps = {
          redis, reader, pool: options.pool, keys, log, consumerName, afterCommit: options.afterCommit,
        };
        loops.push(
          runConsumerLoop(deps, consumer, stream, options.settings, controller.signal, stats[key]!)
            .then(() => tidyConsumer(consumer.name, stream))
            .catch((err) => log.error({ err, group: consumer.name, stream }, "consumer loop stopped with an error")),
        );
      }
    }
    log.info({ consumer: consumerName, loops: loops.length }, "consumers started");
    void Promise.all(loops).then(() => resolveDone());
  }

  // A consumer that leaves with nothing pending is removed so group listings stay readable;
  // one with pending entries stays so another consumer can claim them.
  async function tidyConsumer(group: string, stream: string) {
    const mine = await pendingRange(redis, stream, group, "0-0", "+", 1, consumerName).catch(() => [1]);
    if (mine.length === 0) await deleteConsumer(redis, stream, group, consumerName).catch(() => undefined);
  }

  function stop(): Promise<void> {
    stopping ??= (async () => {
      controller.abort();
      if (!started) resolveDone();
      await Promise.all(loops);
      loops = [];
      await Promise.all(readers.map(closeRedis));
      log.info({ consumer: consumerName }, "consumers stopped");
    })();
    return stopping;
  }

  return { consumerName, start, stop, done, stats: () => structuredClone(stats) };
}
