/**
 * Runs every (group, stream) loop of the given consumers in this process and stops them
 * gracefully: each loop finishes, commits and acknowledges the batch in hand, then its
 * blocking connection closes. `sync` adds and removes groups while running (export groups come
 * and go with their `export_config` rows).
 */
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import type { Pool } from "../db/pool.ts";
import type { RegionLookup } from "../geo/region-lookup.ts";
import type { Logger } from "../logger.ts";
import type { PipelineMetrics } from "../metrics/pipeline-metrics.ts";
import { closeRedis, duplicateForBlocking, type RedisClient } from "../redis/create-redis.ts";
import type { AnyConsumer } from "./define-consumer.ts";
import type { Keys } from "./keys.ts";
import { UnknownStreamError } from "./streams.ts";
import { DEFAULT_LIVENESS_MS, runConsumerLoop, type LoopDeps, type LoopSettings, type LoopStats } from "./consumer-loop.ts";
import { createLiveness } from "./consumer-liveness.ts";
import { createLoopWatch, type LoopWatch } from "./loop-watch.ts";
import { createStreamOwnership, type StreamOwnership } from "./stream-ownership.ts";
import { deleteConsumer, pendingRange } from "./stream-commands.ts";

export interface ConsumerRuntimeOptions {
  readonly redis: RedisClient;
  readonly pool: Pool;
  readonly keys: Keys;
  readonly log: Logger;
  readonly consumers: readonly AnyConsumer[];
  readonly settings: LoopSettings;
  readonly afterCommit?: LoopDeps["afterCommit"];
  /** What projections get as `ctx.regions`; the country boundaries, loaded on first use, by default. */
  readonly regions?: RegionLookup;
  /** The process's pipeline metrics; absent in tools and tests that count nothing. */
  readonly metrics?: PipelineMetrics;
  /**
   * Runs before a group's loops start (a worker rebuilds a group whose consumer version was
   * raised, cli/version-gate.ts); false keeps the group from running in this process.
   */
  readonly prepare?: (consumer: AnyConsumer, signal: AbortSignal) => Promise<boolean>;
}

export interface ConsumerRuntime {
  readonly consumerName: string;
  start(): void;
  /** Runs exactly these consumers from now on: starts new ones, stops the ones not listed. */
  sync(consumers: readonly AnyConsumer[]): Promise<void>;
  /** Resolves when every loop has stopped; idempotent. */
  stop(): Promise<void>;
  stats(): Record<string, LoopStats>;
  /** The loops stuck in one step for far longer than it takes (loop-watch.ts). */
  readonly watch: Pick<LoopWatch, "stuck">;
  /** How many of its pairs this runtime reads now, and its share (stream-ownership.ts). */
  readonly ownership: Pick<StreamOwnership, "held">;
}

/** A step lasting this long is stuck: far beyond any read (CONSUMER_BLOCK), claim or batch. */
export function stuckAfterMs(blockMs: number): number {
  return Math.max(30_000, 3 * blockMs);
}

interface Running {
  readonly consumer: AnyConsumer;
  readonly controller: AbortController;
  readonly loops: Promise<void>[];
  readonly readers: RedisClient[];
}

/**
 * Throws, before anything runs, when a consumer's `reads` names a stream outside the catalogue:
 * otherwise its group would wait forever on a stream nobody writes.
 */
export function checkReads(keys: Keys, consumers: readonly AnyConsumer[]): void {
  for (const consumer of consumers) {
    try {
      keys.resolve(consumer.reads);
    } catch (err) {
      if (!(err instanceof UnknownStreamError)) throw err;
      throw new UnknownStreamError(`group ${consumer.name} reads an ${err.message}`);
    }
  }
}

export function createConsumerRuntime(options: ConsumerRuntimeOptions): ConsumerRuntime {
  const { redis, keys, log } = options;
  checkReads(keys, options.consumers);
  const consumerName = `${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;
  const stats: Record<string, LoopStats> = {};
  const running = new Map<string, Running>();
  let started = false;
  let stopped = false;
  let stopping: Promise<void> | null = null;
  // Lets other workers tell at once that this consumer's process is gone (consumer-liveness.ts).
  const liveness = createLiveness(redis, keys, consumerName, options.settings.livenessMs ?? DEFAULT_LIVENESS_MS, log);
  const watch = createLoopWatch(log, options.settings.stuckAfterMs ?? stuckAfterMs(options.settings.blockMs));
  // A lease outlives several blocking reads, so a reading loop renews it in time.
  const leaseTtlMs = Math.max(options.settings.livenessMs ?? DEFAULT_LIVENESS_MS, 3 * options.settings.blockMs + 1000);
  const ownership = createStreamOwnership({ redis, keys, consumerName, ttlMs: leaseTtlMs });

  function launch(consumer: AnyConsumer): void {
    const controller = new AbortController();
    const entry: Running = { consumer, controller, loops: [], readers: [] };
    const ready = options.prepare
      ? options.prepare(consumer, controller.signal).catch((err) => {
        log.error({ err, group: consumer.name }, "could not prepare the group; it does not run in this process");
        return false;
      })
      : Promise.resolve(true);
    for (const stream of keys.resolve(consumer.reads)) {
      const key = `${consumer.name} ${keys.logicalName(stream)}`;
      const reader = duplicateForBlocking(redis, keys.connection(consumer.name));
      entry.readers.push(reader);
      stats[key] ??= { applied: 0, lost: 0, deadLettered: 0, batches: 0 };
      entry.loops.push(
        ready
          .then(async (go) => {
            if (!go || controller.signal.aborted) return;
            // Watched from here: a version rebuild in `prepare` may rightly take long.
            const mark = watch.track(consumer.name, keys.logicalName(stream));
            const lease = ownership.pair(consumer.name, stream);
            const deps: LoopDeps = {
              redis, reader, pool: options.pool, keys, log, consumerName, afterCommit: options.afterCommit, regions: options.regions,
              metrics: options.metrics, mark, lease,
            };
            try {
              await runConsumerLoop(deps, consumer, stream, options.settings, controller.signal, stats[key]!);
            } finally {
              mark.done();
              await lease.release();
            }
            await tidyConsumer(consumer.name, stream);
          })
          .catch((err) => log.error({ err, group: consumer.name, stream }, "consumer loop stopped with an error")),
      );
    }
    running.set(consumer.name, entry);
  }

  async function halt(entry: Running): Promise<void> {
    entry.controller.abort();
    await Promise.all(entry.loops);
    await Promise.all(entry.readers.map(closeRedis));
    running.delete(entry.consumer.name);
  }

  function start() {
    if (started) return;
    started = true;
    liveness.start();
    ownership.start();
    for (const consumer of options.consumers) launch(consumer);
    log.info({ consumer: consumerName, groups: running.size }, "consumers started");
  }

  async function sync(consumers: readonly AnyConsumer[]): Promise<void> {
    if (stopped) return;
    checkReads(keys, consumers);
    const wanted = new Map(consumers.map((c) => [c.name, c]));
    const gone = [...running.values()].filter((r) => !wanted.has(r.consumer.name));
    for (const r of gone) log.info({ group: r.consumer.name }, "group no longer configured; stopping its loops");
    await Promise.all(gone.map(halt));
    for (const [name, consumer] of wanted) {
      if (!running.has(name)) {
        log.info({ group: name }, "starting loops for a newly configured group");
        launch(consumer);
      }
    }
  }

  // A consumer that leaves with nothing pending is removed so group listings stay readable;
  // one with pending entries stays so another consumer can claim them.
  async function tidyConsumer(group: string, stream: string) {
    const mine = await pendingRange(redis, stream, group, "0-0", "+", 1, consumerName).catch(() => [1]);
    if (mine.length === 0) await deleteConsumer(redis, stream, group, consumerName).catch(() => undefined);
  }

  function stop(): Promise<void> {
    stopping ??= (async () => {
      stopped = true;
      await Promise.all([...running.values()].map(halt));
      await liveness.stop();
      await ownership.stop();
      watch.stop();
      log.info({ consumer: consumerName }, "consumers stopped");
    })();
    return stopping;
  }

  return { consumerName, start, sync, stop, stats: () => structuredClone(stats), watch, ownership };
}
