/**
 * What the test worker processes share: required settings from the environment, the services
 * `ichnos work` builds from config, and the worker process run until SIGTERM.
 */
import { createServices, type Services } from "../../src/cli/services.ts";
import { loadConfig } from "../../src/config.ts";
import { createLogger } from "../../src/logger.ts";
import { createWorkerProcess, type WorkerOverrides, type WorkerProcessOptions } from "../../src/process/worker-process.ts";
import type { StreamFamily } from "../../src/stream/streams.ts";

export type Env = (name: string, fallback?: string) => string;

export function requireEnv(script: string): Env {
  return (name, fallback) => {
    const value = process.env[name] ?? fallback;
    if (value === undefined) throw new Error(`${script}: ${name} is required`);
    return value;
  };
}

/**
 * Services from DATABASE_URL, REDIS_URL, PREFIX and PARTITIONS (else `defaults.PARTITIONS`), with
 * the rest of the environment as `ichnos work` reads it (BACKUP_URL, AWS_*, …).
 */
export function workerServices(env: Env, defaults: { readonly PARTITIONS?: string; readonly streams?: readonly StreamFamily[]; readonly logLevel?: "info" | "warn" } = {}): Services {
  const config = loadConfig({
    ...process.env,
    DATABASE_URL: env("DATABASE_URL"), REDIS_URL: env("REDIS_URL"), REDIS_PREFIX: env("PREFIX"),
    STREAM_PARTITIONS: env("PARTITIONS", defaults.PARTITIONS ?? "1"), DATABASE_POOL_SIZE: env("DATABASE_POOL_SIZE", "4"),
  });
  return createServices(config, createLogger(defaults.logLevel ?? "info"), { streams: defaults.streams });
}

/**
 * Builds the worker process (no periodic jobs), prints `ready <consumer>`, and on SIGTERM stops
 * it gracefully, closes the services and prints `stopped <stats>`.
 */
export async function runWorkerUntilSigterm(
  services: Services, overrides: WorkerOverrides, options: Omit<WorkerProcessOptions, "overrides" | "jobs"> = {},
): Promise<void> {
  const worker = await createWorkerProcess(services, { ...options, jobs: false, overrides });
  worker.start();
  process.stdout.write(`ready ${worker.runtime.consumerName}\n`);
  process.once("SIGTERM", async () => {
    await worker.stop();
    await services.close();
    process.stdout.write(`stopped ${JSON.stringify(worker.runtime.stats())}\n`);
  });
}
