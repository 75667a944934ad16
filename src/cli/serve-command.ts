/**
 * The long-running processes: `start` (migrate, web, workers, scheduler), `web`, `work`.
 * Shutdown is ours, not srvx's: SIGINT/SIGTERM stop accepting requests, let every consumer loop
 * commit and acknowledge its batch, stop the scheduler, then close Redis and MySQL. A second
 * signal or SHUTDOWN_TIMEOUT forces the exit.
 */
import { pipelineJobs } from "../jobs/pipeline-jobs.ts";
import { createWebApp } from "../api/app.ts";
import { createHeartbeatChecks } from "../api/heartbeat.ts";
import { startHttpServer, type HttpServer } from "../api/serve.ts";
import { applyMigrations, readLatestMigration } from "../db/migrate.ts";
import { createGeoIp } from "../geoip/geoip-reader.ts";
import { startScheduler, type Scheduler } from "../jobs/scheduler.ts";
import { checkEvictionPolicy } from "../redis/eviction-policy.ts";
import { consumerRegistry } from "../stream/consumer-registry.ts";
import { createConsumerRuntime, type ConsumerRuntime } from "../stream/consumer-runtime.ts";
import type { AnyConsumer } from "../stream/define-consumer.ts";
import { trimStreams } from "../stream/trimmer.ts";
import { UsageError } from "./args.ts";
import { checkConsumersAtStart, versionGate } from "./version-gate.ts";
import { createWebDeps, type WebProcessDeps } from "./web-deps.ts";
import { loopSettings, trimmedStreams, type Services } from "./services.ts";

export interface ServeParts {
  readonly migrate: boolean;
  readonly web: boolean;
  readonly work: boolean;
  /** Only these groups (work); all when empty. */
  readonly groups: readonly string[];
  /** Run the periodic jobs (work, start); off for drain's worker processes. */
  readonly jobs?: boolean;
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

/**
 * Export groups follow their `export_config` rows: every worker re-reads the table and starts or
 * stops groups (not under a lease: each worker runs its own loops). The other groups never change.
 */
function startExportsReload(services: Services, runtime: ConsumerRuntime, fixed: readonly AnyConsumer[], names: readonly string[]): NodeJS.Timeout {
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    void consumerRegistry(services.consumerDeps).reloadable()
      .then((exports) => {
        const all = [...exports, ...fixed];
        return runtime.sync(names.length === 0 ? all : all.filter((c) => names.includes(c.name)));
      })
      .catch((err) => services.log.warn({ err }, "could not re-read export_config; keeping the current export groups"))
      .finally(() => { busy = false; });
  }, services.config.exportsReloadMs);
  timer.unref();
  return timer;
}

export async function serve(services: Services, parts: ServeParts): Promise<number> {
  const { config, log, redis, pool, keys } = services;
  if (parts.migrate) await applyMigrations({ databaseUrl: config.databaseUrl, log });
  const fixed = parts.work ? await consumerRegistry(services.consumerDeps).fixed() : [];
  const consumers = parts.work ? selectConsumers([...(await loadExportsOrNone(services)), ...fixed], parts.groups) : [];
  if (parts.work) await checkConsumersAtStart(services, consumers);
  void checkEvictionPolicy(redis, log);

  let server: HttpServer | null = null;
  let webDeps: WebProcessDeps | null = null;
  let runtime: ConsumerRuntime | null = null;
  let scheduler: Scheduler | null = null;
  let exportsReload: NodeJS.Timeout | null = null;
  let ready: Promise<void> = Promise.resolve();
  // Handlers first: a signal that arrives while the parts start (after their "started" logs) must
  // stop them gracefully, not kill the process with the default action; it waits for the start.
  const stopped = new Promise<number>((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) {
        log.warn({ signal }, "second signal: exiting now");
        process.exit(130);
      }
      stopping = true;
      log.info({ signal }, "shutting down");
      const force = setTimeout(() => {
        log.error({ timeoutMs: config.shutdownTimeoutMs }, "shutdown took longer than SHUTDOWN_TIMEOUT; exiting");
        process.exit(1);
      }, config.shutdownTimeoutMs);
      force.unref();
      void (async () => {
        await ready.catch(() => undefined);
        await server?.close();
        await webDeps?.close();
        if (exportsReload) clearInterval(exportsReload);
        await runtime?.stop();
        await scheduler?.stop();
        await services.close();
        clearTimeout(force);
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
        log.info("stopped");
        resolve(0);
      })();
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  });

  ready = (async () => {
    if (parts.web) {
      const geoip = await createGeoIp({ path: config.geoipPath, log });
      const checks = createHeartbeatChecks({ pool, redis, geoip, readLatestMigration });
      webDeps = createWebDeps(services, checks, geoip);
      server = await startHttpServer(createWebApp(webDeps), {
        host: config.host, port: config.port, log, requestTimeoutMs: config.requestTimeoutMs, idleTimeoutMs: config.idleTimeoutMs,
      });
    }
    if (parts.work) {
      const live = createConsumerRuntime({ redis, pool, keys, log, consumers, settings: loopSettings(config), prepare: versionGate(services),
        regions: services.consumerDeps.regions,
      });
      runtime = live;
      live.start();
      const streams = trimmedStreams(keys, consumers.map((c) => c.reads));
      if (parts.jobs !== false) scheduler = startScheduler({ redis, keys, log }, [{
        name: "trim-streams",
        intervalMs: config.trimIntervalMs,
        run: async () => void (await trimStreams({ redis, pool, log, keys }, streams, {
          retentionMs: config.streamRetentionMs, maxBytes: config.streamMaxBytes,
        })),
      }, ...pipelineJobs(services)]);
      exportsReload = startExportsReload(services, live, fixed, parts.groups);
    }
  })();
  await ready;
  return stopped;
}
