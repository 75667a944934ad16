/**
 * Consume-and-checkpoint throughput: the consumer runtime with a no-op MySQL projection (so only
 * the runtime's own work remains: read, transaction, checkpoint row lock, XPENDING, checkpoint
 * update, commit, XACK) against the bare ceiling of XREADGROUP + XACK on the same entries.
 * Every round uses a fresh group starting at 0 and removes it (and its checkpoint) afterwards.
 */
import type { Pool } from "../../src/db/pool.ts";
import type { Logger } from "../../src/logger.ts";
import type { RedisClient } from "../../src/redis/create-redis.ts";
import { createConsumerRuntime } from "../../src/stream/consumer-runtime.ts";
import { defineConsumer } from "../../src/stream/define-consumer.ts";
import type { StreamName } from "../../src/stream/streams.ts";
import { drainGroups, isDrained } from "../../src/stream/drain.ts";
import type { Keys } from "../../src/stream/keys.ts";
import { type CpuSample, cpuShare, type CpuShare, sampleCpu } from "../harness/cpu.ts";
import { rate } from "../harness/stats.ts";

export interface ConsumeDeps {
  readonly redis: RedisClient;
  readonly pool: Pool;
  readonly keys: Keys;
  readonly log: Logger;
}

export interface ConsumeTarget {
  /** What the consumer declares in `reads` (a logical stream or the `reports` family). */
  /** A catalogue name, or a `bench:<name>` stream of the family bench/log.ts adds (cast). */
  readonly reads: StreamName;
  readonly entries: number;
  readonly batchSize: number;
}

export interface ConsumeRun {
  readonly entries: number;
  readonly ms: number;
  readonly rate: number;
  readonly cpu: CpuShare;
  /** performance.now() at the start and end of the measured window. */
  readonly window: readonly [number, number];
}

const noop = async () => {};

async function removeGroup(deps: ConsumeDeps, group: string, streams: readonly string[]): Promise<void> {
  for (const stream of streams) await deps.redis.call("XGROUP", ["DESTROY", stream, group]).catch(() => undefined);
  await deps.pool.query("DELETE FROM stream_checkpoint WHERE group_name = ?", [group]);
}

/** From runtime start (group creation included) to the first status poll that shows lag 0 and nothing pending. */
export async function runRuntime(deps: ConsumeDeps, target: ConsumeTarget, group: string): Promise<ConsumeRun> {
  const consumer = defineConsumer({ name: group, reads: target.reads, start: "0", batchSize: target.batchSize, project: noop });
  const runtime = createConsumerRuntime({
    ...deps, consumers: [consumer],
    settings: { batchSize: target.batchSize, blockMs: 250, claimIdleMs: 60_000, maxDeliveries: 5 },
  });
  let drainedAt = 0;
  let cpuAtDrained = null as Promise<CpuSample> | null;
  const before = await sampleCpu(deps.redis);
  const started = performance.now();
  const result = await drainGroups(deps, runtime, [consumer], {
    timeoutMs: 30 * 60_000,
    pollMs: 25,
    onProgress: (rows) => {
      if (drainedAt || rows.length === 0 || !isDrained(rows)) return;
      drainedAt = performance.now();
      cpuAtDrained = sampleCpu(deps.redis);
    },
  });
  if (!result.drained) throw new Error(`group ${group} did not drain`);
  const stats = Object.values(runtime.stats());
  const applied = stats.reduce((n, s) => n + s.applied, 0);
  if (applied !== target.entries) throw new Error(`group ${group} applied ${applied} entries, expected ${target.entries}`);
  await removeGroup(deps, group, deps.keys.resolve(target.reads));
  const cpu = cpuShare(before, await cpuAtDrained!);
  const ms = drainedAt - started;
  return { entries: applied, ms, rate: rate(applied, ms), cpu, window: [started, drainedAt] };
}

/**
 * The ceiling: per stream, one loop of XREADGROUP COUNT <batch> on its own connection and an
 * XACK of the ids on the shared one, as the runtime does; streams run in parallel.
 */
export async function runBareReadAck(
  deps: ConsumeDeps, target: ConsumeTarget, group: string, readers: readonly RedisClient[],
): Promise<ConsumeRun> {
  const streams = deps.keys.resolve(target.reads);
  for (const stream of streams) await deps.redis.call("XGROUP", ["CREATE", stream, group, "0"]);
  let total = 0;
  const before = await sampleCpu(deps.redis);
  const started = performance.now();
  await Promise.all(streams.map(async (stream, i) => {
    const reader = readers[i]!;
    for (;;) {
      const reply = (await reader.call("XREADGROUP", ["GROUP", group, "bare", "COUNT", target.batchSize, "STREAMS", stream, ">"])) as
        | [string, [string, string[]][]][] | null;
      const entries = reply?.[0]?.[1] ?? [];
      if (entries.length === 0) return;
      await deps.redis.call("XACK", [stream, group, ...entries.map((e) => e[0])]);
      total += entries.length;
    }
  }));
  const ended = performance.now();
  const ms = ended - started;
  const cpu = cpuShare(before, await sampleCpu(deps.redis));
  if (total !== target.entries) throw new Error(`bare group ${group} read ${total} entries, expected ${target.entries}`);
  await removeGroup(deps, group, streams);
  return { entries: total, ms, rate: rate(total, ms), cpu, window: [started, ended] };
}
