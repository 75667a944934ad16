/**
 * The long-running processes: `start` (migrate, web, workers, scheduler), `web`, `work`.
 * Shutdown is ours, not srvx's: SIGINT/SIGTERM stop accepting requests, let every consumer loop
 * commit and acknowledge its batch, stop the scheduler, then close Redis and MySQL. A second
 * signal or SHUTDOWN_TIMEOUT forces the exit. The processes themselves are composed in
 * src/process/.
 */
import { applyMigrations } from "../db/migrate.ts";
import { createWebProcess, type WebProcess } from "../process/web-process.ts";
import { createWorkerProcess, type WorkerProcess } from "../process/worker-process.ts";
import { type MetricsListener, startMetricsListener } from "../process/metrics-listener.ts";
import { checkEvictionPolicy } from "../redis/eviction-policy.ts";
import type { Services } from "./services.ts";

export interface ServeParts {
  readonly migrate: boolean;
  readonly web: boolean;
  readonly work: boolean;
  /** Only these groups (work); all when empty. */
  readonly groups: readonly string[];
  /** Run the periodic jobs (work, start); off for drain's worker processes. */
  readonly jobs?: boolean;
}

export async function serve(services: Services, parts: ServeParts): Promise<number> {
  const { config, log, redis } = services;
  if (parts.migrate) await applyMigrations({ databaseUrl: config.databaseUrl, log });
  // Built (consumers loaded and checked) before anything runs: a consumer file's mistake stops the start.
  const worker: WorkerProcess | null = parts.work ? await createWorkerProcess(services, { groups: parts.groups, jobs: parts.jobs }) : null;
  void checkEvictionPolicy(redis, log);

  let web: WebProcess | null = null;
  let metrics: MetricsListener | null = null;
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
        await web?.stop();
        await worker?.stop();
        await metrics?.close();
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
    if (parts.web) web = await createWebProcess(services);
    // `start` has /metrics on its web port already, covering the whole process.
    else if (worker && config.metricsPort !== undefined) {
      metrics = await startMetricsListener({
        host: config.host, port: config.metricsPort, registry: services.metrics.registry, adminToken: config.adminToken, log,
      });
    }
    worker?.start();
  })();
  await ready;
  return stopped;
}
