/**
 * Append throughput: the project's appender (one EVALSHA per batch: INCRBY + XADD per entry)
 * against the bare ioredis ceiling (the same entries as a pipeline of plain XADDs), both with
 * the same batch size and the same number of batches in flight, each into a fresh stream.
 */
import type { RedisClient } from "../../src/redis/create-redis.ts";
import type { Appender } from "../../src/stream/append.ts";
import { ENTRY_SCHEMA_VERSION } from "../../src/stream/entry.ts";
import { cpuShare, type CpuShare, sampleCpu } from "../harness/cpu.ts";
import { inFlight, rate } from "../harness/stats.ts";
import type { StreamReport } from "../harness/world/stream-reports.ts";

export interface AppendRun {
  readonly entries: number;
  readonly ms: number;
  readonly rate: number;
  readonly cpu: CpuShare;
}

export interface AppendTarget {
  readonly redis: RedisClient;
  readonly stream: string;
  readonly batches: readonly (readonly StreamReport[])[];
  readonly concurrency: number;
}

async function timed(target: AppendTarget, sequenceKey: string | null, body: () => Promise<void>): Promise<AppendRun> {
  const { redis, stream } = target;
  await redis.unlink(stream, ...(sequenceKey ? [sequenceKey] : []));
  const entries = target.batches.reduce((n, b) => n + b.length, 0);
  const before = await sampleCpu(redis);
  const started = performance.now();
  await body();
  const ms = performance.now() - started;
  const cpu = cpuShare(before, await sampleCpu(redis));
  const length = await redis.xlen(stream);
  if (length !== entries) throw new Error(`${stream} holds ${length} entries after appending ${entries}`);
  await redis.unlink(stream, ...(sequenceKey ? [sequenceKey] : []));
  return { entries, ms, rate: rate(entries, ms), cpu };
}

/** `appender.append(stream, batch)` with `concurrency` calls in flight. */
export function runAppender(target: AppendTarget, appender: Appender, sequenceKey: string): Promise<AppendRun> {
  return timed(target, sequenceKey, () =>
    inFlight(target.batches.length, target.concurrency, async (i) => {
      const batch = target.batches[i]!;
      const ids = await appender.append(target.stream, batch);
      if (ids.length !== batch.length) throw new Error(`append returned ${ids.length} ids for ${batch.length} payloads`);
    }),
  );
}

/**
 * The ceiling: the same fields (v, n, d) written by plain XADDs, 100 to a pipeline. JSON
 * encoding is included, as in the appender, because any producer has to do it.
 */
export function runBareXadd(target: AppendTarget): Promise<AppendRun> {
  const { redis, stream } = target;
  const version = String(ENTRY_SCHEMA_VERSION);
  let seq = 0;
  return timed(target, null, () =>
    inFlight(target.batches.length, target.concurrency, async (i) => {
      const pipeline = redis.pipeline();
      for (const report of target.batches[i]!) pipeline.xadd(stream, "*", "v", version, "n", String(++seq), "d", JSON.stringify(report));
      const replies = (await pipeline.exec()) ?? [];
      for (const [err] of replies) if (err) throw err;
    }),
  );
}
