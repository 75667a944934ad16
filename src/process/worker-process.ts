/**
 * A worker process, composed in one place for `ichnos work`, `start` and `drain`, the tests'
 * worker processes and the benchmarks: the consumer groups of consumers/ (and the export groups
 * of export_config, re-read every EXPORTS_RELOAD), their start-up checks, the runtime with its
 * version gate, and the periodic jobs. Tests change it only through `overrides`.
 */
import type { Services } from "../cli/services.ts";
import { loopSettings, trimmedStreams } from "../cli/services.ts";
import { UsageError } from "../cli/args.ts";
import { checkConsumersAtStart, versionGate } from "../cli/version-gate.ts";
import { pipelineJobs } from "../jobs/pipeline-jobs.ts";
import { startScheduler, type Scheduler } from "../jobs/scheduler.ts";
import { consumerRegistry } from "../stream/consumer-registry.ts";
import type { LoopDeps, LoopSettings } from "../stream/consumer-loop.ts";
import { createConsumerRuntime, type ConsumerRuntime } from "../stream/consumer-runtime.ts";
import { registerStuckLoopGauge } from "../metrics/loop-gauges.ts";
import type { AnyConsumer } from "../stream/define-consumer.ts";
import { trimStreams } from "../stream/trimmer.ts";
import { registerStreamGauges } from "../metrics/stream-gauges.ts";
import { createLogStateReader } from "./log-state-reader.ts";
import { overriddenServices, type ProcessOverrides } from "./overrides.ts";

/**
 * The one seam for tests: what they may change of a worker process built from config. The
 * clock reaches the periodic jobs; projections take their time from the entries (never "now"),
 * and the loops' own timing (gathering, claiming) stays on the real clock that stamps entry ids.
 */
export interface WorkerOverrides extends ProcessOverrides {
  /** These groups instead of the ones found in consumers/ (test workers running test consumers). */
  readonly consumers?: readonly AnyConsumer[];
  /** Runs after each COMMIT and before its XACK (crash tests kill the process there). */
  readonly afterCommit?: LoopDeps["afterCommit"];
  /** Loop settings instead of the configured ones (short block and claim times). */
  readonly settings?: Partial<LoopSettings>;
  /** Wraps each group's consumer (crash tests kill the process inside a projection). */
  readonly wrap?: (consumer: AnyConsumer) => AnyConsumer;
}

export interface WorkerProcessOptions {
  /** Only these groups: exact names (`ichnos work --group`), or a test of each name; all when absent or empty. */
  readonly groups?: readonly string[] | ((name: string) => boolean);
  /** Run the periodic jobs (trimming, statistics); off for drains and tests. Defaults to true. */
  readonly jobs?: boolean;
  /** Apply partial batches at once, for consumers that gather (drains). */
  readonly flush?: boolean;
  readonly overrides?: WorkerOverrides;
}

export interface WorkerProcess {
  readonly runtime: ConsumerRuntime;
  /** The groups it runs, as started (export groups follow their rows afterwards). */
  readonly consumers: readonly AnyConsumer[];
  start(): void;
  /** Every loop commits and acknowledges its batch in hand, then the jobs stop; idempotent. */
  stop(): Promise<void>;
}

export function selectConsumers(all: readonly AnyConsumer[], names: readonly string[]): AnyConsumer[] {
  if (names.length === 0) return [...all];
  const unknown = names.filter((n) => !all.some((c) => c.name === n));
  if (unknown.length > 0) {
    const known = all.map((c) => c.name).join(", ") || "(none registered)";
    throw new UsageError(`unknown group ${unknown.join(", ")}; registered groups: ${known}`);
  }
  return all.filter((c) => names.includes(c.name));
}

/**
 * A worker may start before MySQL is reachable. The groups that need no configuration start
 * anyway (their loops retry until it is); export groups join at the next re-read of export_config.
 */
async function loadExportsOrNone(services: Services): Promise<AnyConsumer[]> {
  try {
    return await consumerRegistry(services.consumerDeps).reloadable();
  } catch (err) {
    services.log.error({ err }, "cannot read export_config yet (is MySQL reachable, and has \"ichnos migrate\" run?); export groups start once it can be read");
    return [];
  }
}

export async function createWorkerProcess(given: Services, options: WorkerProcessOptions = {}): Promise<WorkerProcess> {
  const overrides = options.overrides ?? {};
  const services = overriddenServices(given, overrides);
  const { config, log, redis, pool, keys } = services;
  const wanted = options.groups ?? [];
  const wrap = (all: readonly AnyConsumer[]) => all.map((c) => overrides.wrap?.(c) ?? c);
  const matches = (c: AnyConsumer) => (typeof wanted === "function" ? wanted(c.name) : wanted.length === 0 || wanted.includes(c.name));
  const registry = overrides.consumers
    ? { fixed: async () => [...overrides.consumers!], reloadable: async () => [] }
    : consumerRegistry(services.consumerDeps);
  const fixed = await registry.fixed();
  const found = [...(overrides.consumers ? [] : await loadExportsOrNone(services)), ...fixed];
  // Named groups must exist (a usage error names the registered ones); a test picks what it wants.
  const consumers = wrap(typeof wanted === "function" ? found.filter(matches) : selectConsumers(found, wanted));
  await checkConsumersAtStart(services, consumers);
  const runtime = createConsumerRuntime({
    redis, pool, keys, log, consumers,
    settings: { ...loopSettings(config), flush: options.flush, ...overrides.settings },
    afterCommit: overrides.afterCommit,
    prepare: versionGate(services),
    regions: services.consumerDeps.regions,
    metrics: services.metrics.pipeline,
  });
  // The groups as last started or synced, for the gauges read on scrape.
  let current: readonly AnyConsumer[] = consumers;
  registerStreamGauges(services.metrics.registry, createLogStateReader(services, () => current));
  const unwatch = registerStuckLoopGauge(services.metrics.registry, runtime.watch);
  let scheduler: Scheduler | null = null;
  let reload: NodeJS.Timeout | null = null;
  let stopping: Promise<void> | null = null;

  /**
   * Export groups follow their `export_config` rows: every worker re-reads the table and starts
   * or stops groups (not under a lease: each worker runs its own loops). The others never change.
   */
  function startExportsReload(): NodeJS.Timeout {
    let busy = false;
    const timer = setInterval(() => {
      if (busy) return;
      busy = true;
      void registry.reloadable()
        .then((exports) => {
          current = wrap([...exports, ...fixed].filter(matches));
          return runtime.sync(current);
        })
        .catch((err) => log.warn({ err }, "could not re-read export_config; keeping the current export groups"))
        .finally(() => { busy = false; });
    }, config.exportsReloadMs);
    timer.unref();
    return timer;
  }

  return {
    runtime,
    consumers,
    start() {
      runtime.start();
      if (options.jobs !== false) {
        const streams = trimmedStreams(keys, consumers.map((c) => c.reads));
        scheduler = startScheduler({ redis, keys, log }, [{
          name: "trim-streams",
          intervalMs: config.trimIntervalMs,
          run: async () => void (await trimStreams({ redis, pool, log, keys, trimMetrics: services.metrics.pipeline }, streams, {
            retentionMs: config.streamRetentionMs, maxBytes: config.streamMaxBytes,
          })),
        }, ...pipelineJobs(services, overrides.clock)]);
      }
      reload = startExportsReload();
    },
    stop() {
      stopping ??= (async () => {
        if (reload) clearInterval(reload);
        await runtime.stop();
        unwatch();
        await scheduler?.stop();
      })();
      return stopping;
    },
  };
}
