/**
 * Runs the real pipeline in-process for integration tests: every registered group (exports from
 * export_config, station projectors, cellarea, datamap) through the consumer runtime until all
 * have lag 0 and nothing pending — what `ichnos drain` does.
 */
import * as assert from "uvu/assert";
import { loadConsumers } from "../../src/stream/consumer-registry.ts";
import type { Services } from "../../src/cli/services.ts";
import { createConsumerRuntime } from "../../src/stream/consumer-runtime.ts";
import { drainGroups } from "../../src/stream/drain.ts";
import type { GroupStreamStatus } from "../../src/stream/group-status.ts";

export interface DrainOptions {
  /** Only groups whose name starts with one of these. */
  readonly groups?: readonly string[];
  readonly timeoutMs?: number;
  /** Short after a crash test: entries a killed consumer held are claimed after this idle time. */
  readonly claimIdleMs?: number;
}

export async function drainPipeline(services: Pick<Services, "redis" | "pool" | "keys" | "log" | "consumerDeps">, options: DrainOptions = {}): Promise<GroupStreamStatus[]> {
  const all = await loadConsumers(services.consumerDeps);
  const consumers = options.groups ? all.filter((c) => options.groups!.some((g) => c.name.startsWith(g))) : all;
  const runtime = createConsumerRuntime({
    redis: services.redis, pool: services.pool, keys: services.keys, log: services.log, consumers,
    settings: { batchSize: 500, blockMs: 50, claimIdleMs: options.claimIdleMs ?? 60_000, maxDeliveries: 3 },
  });
  const result = await drainGroups(services, runtime, consumers, { timeoutMs: options.timeoutMs ?? 60_000, pollMs: 50 });
  assert.ok(result.drained, `pipeline drained: ${JSON.stringify(result.rows.filter((r) => r.lag !== 0 || r.pending !== 0))}`);
  return result.rows;
}

/** Today as SPEC's DATE columns hold it. */
export const today = (): string => new Date().toISOString().slice(0, 10);
