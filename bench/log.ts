/**
 * `npm run bench:log`: the event log's throughput beside its ceilings, in one run.
 *   1. append: `appender.append` vs a bare ioredis XADD pipeline vs redis-benchmark XADD;
 *   2. consume + checkpoint: the consumer runtime with a no-op MySQL projection vs a bare
 *      XREADGROUP + XACK loop, on one stream and across the report partitions.
 * Everything runs under a unique Redis key prefix and in a scratch database, both removed at
 * the end, also on an error or Ctrl-C (harness/run.ts). Progress goes to stderr; the table (or
 * `--json`) to stdout.
 */
import type { Pool } from "../src/db/pool.ts";
import { createLogger } from "../src/logger.ts";
import { closeRedis, createRedis, type RedisClient } from "../src/redis/create-redis.ts";
import { createAppender, type Appender } from "../src/stream/append.ts";
import { createKeys, type Keys } from "../src/stream/keys.ts";
import { openFamily, type StreamName } from "../src/stream/streams.ts";
import { readMachineInfo } from "./harness/machine.ts";
import { writeReport } from "./harness/report.ts";
import { type BenchRun, runBench } from "./harness/run.ts";
import { chunk, inFlight } from "./harness/stats.ts";
import { createCity } from "./harness/world/presets.ts";
import { reportEntry, type StreamReports, streamReports } from "./harness/world/stream-reports.ts";
import { runAppender, runBareXadd, type AppendTarget } from "./log-support/append-bench.ts";
import { runBreakdown } from "./log-support/consume-breakdown.ts";
import { runBareReadAck, runRuntime, type ConsumeDeps, type ConsumeTarget } from "./log-support/consume-bench.ts";
import { type LogBenchOptions, readLogOptions } from "./log-support/options.ts";
import { averageJsonBytes, typicalReport } from "./log-support/payload.ts";
import { hasRedisBenchmark, redisBenchmarkCommand, runRedisBenchmark, type RedisBenchmarkPlan } from "./log-support/redis-benchmark.ts";
import { compare, formatTable, type LogBenchResults } from "./log-support/report.ts";
import { type Run, summarize } from "./log-support/stats.ts";

const APPEND_TARGET_RATIO = 0.8;
const CONSUME_TARGET_RATE = 20_000;

const last = (runs: readonly Run[]) => {
  const { rate, cpu } = runs.at(-1)!;
  return `${Math.round(rate).toLocaleString("en-US")}/s [cpu ${cpu.loader}/${cpu.redis}/${cpu.mysql ?? "-"}%]`;
};

interface Env {
  readonly options: LogBenchOptions;
  readonly progress: BenchRun["progress"];
  readonly redis: RedisClient;
  readonly pool: Pool;
  readonly keys: Keys;
  readonly appender: Appender;
  readonly entries: StreamReports;
  readonly payloadBytes: number;
}

async function benchAppend(env: Env) {
  const { options, progress, redis, keys, appender } = env;
  const target = (stream: string, count: number): AppendTarget => ({
    redis, stream, batches: chunk(env.entries.reports(count), options.appendBatch), concurrency: options.concurrency,
  });
  const [viaScript, viaBare] = [keys.stream("bench:append"), keys.stream("bench:bare")];
  const payload = JSON.stringify(typicalReport(env.entries));
  const plans: RedisBenchmarkPlan[] = [100, null].map((pipeline) => ({
    redisUrl: options.redisUrl, key: keys.stream("bench:rb"), requests: options.entries, clients: 50, pipeline, payload,
  }));
  const withRb = !options.noRedisBenchmark && (await hasRedisBenchmark());
  if (!options.noRedisBenchmark && !withRb) progress("redis-benchmark not found on PATH: its rows are skipped");

  progress(`append warm-up (${options.warmupEntries} entries each)`);
  await runAppender(target(viaScript, options.warmupEntries), appender, keys.sequence(viaScript));
  await runBareXadd(target(viaBare, options.warmupEntries));

  const measured = [target(viaScript, options.entries), target(viaBare, options.entries)] as const;
  const runs = { appender: [] as Run[], bare: [] as Run[], rbPipelined: [] as Run[], rb: [] as Run[] };
  for (let round = 1; round <= options.rounds; round++) {
    runs.appender.push(await runAppender(measured[0], appender, keys.sequence(viaScript)));
    runs.bare.push(await runBareXadd(measured[1]));
    if (withRb) {
      for (const [plan, into] of [[plans[0]!, runs.rbPipelined], [plans[1]!, runs.rb]] as const) {
        await redis.unlink(plan.key);
        into.push(await runRedisBenchmark(redis, plan));
        await redis.unlink(plan.key);
      }
    }
    progress(`append round ${round}: appender ${last(runs.appender)}, bare ${last(runs.bare)}` +
      (withRb ? `, redis-benchmark -P 100 ${last(runs.rbPipelined)}, no -P ${last(runs.rb)}` : ""));
  }
  const comparison = compare(summarize(runs.appender), summarize(runs.bare));
  return {
    ...comparison,
    redisBenchmarkPipelined: withRb ? summarize(runs.rbPipelined) : null,
    redisBenchmark: withRb ? summarize(runs.rb) : null,
    commands: plans.map((p) => redisBenchmarkCommand(p, `'${payload}'`)),
    target: { minRatio: APPEND_TARGET_RATIO, pass: comparison.ratio >= APPEND_TARGET_RATIO },
  };
}

/** Appends `count` reports spread round-robin over `streams`, 500 to a call, 8 calls in flight. */
async function fill(env: Env, streams: readonly string[], count: number): Promise<void> {
  const perStream = streams.map((_, s) => Math.floor(count / streams.length) + (s < count % streams.length ? 1 : 0));
  const work = streams.flatMap((stream, s) =>
    chunk(Array.from({ length: perStream[s]! }, (_, i) => i * streams.length + s), 500).map((idx) => ({ stream, idx })));
  await inFlight(work.length, 8, async (i) => {
    const { stream, idx } = work[i]!;
    await env.appender.append(stream, idx.map((k) => reportEntry(env.entries.report(k))));
  });
}

async function benchConsume(env: Env) {
  const { options, progress, redis, pool, keys } = env;
  const deps: ConsumeDeps = { redis, pool, keys, log: createLogger("warn", process.stderr) };
  const single: ConsumeTarget = { reads: "bench:single" as StreamName, entries: options.entries, batchSize: options.consumeBatch };
  const parts: ConsumeTarget = { reads: "reports", entries: options.entries, batchSize: options.consumeBatch };
  const warm: ConsumeTarget = { reads: "bench:warm" as StreamName, entries: options.warmupEntries, batchSize: options.consumeBatch };
  progress(`filling streams: ${options.entries} entries in 1 stream, ${options.entries} over ${options.partitions} partitions`);
  await fill(env, keys.resolve(single.reads), single.entries);
  await fill(env, keys.resolve(parts.reads), parts.entries);
  await fill(env, keys.resolve(warm.reads), warm.entries);
  const readers = Array.from({ length: options.partitions }, () => createRedis({ url: options.redisUrl, name: "ichnos:bench-bare" }));
  try {
    progress(`consume warm-up (${options.warmupEntries} entries)`);
    await runRuntime(deps, warm, "bench-noop-warm");
    await runBareReadAck(deps, warm, "bench-bare-warm", readers);
    const runs = { single: [] as Run[], singleBare: [] as Run[], parts: [] as Run[], partsBare: [] as Run[] };
    for (let round = 1; round <= options.rounds; round++) {
      runs.single.push(await runRuntime(deps, single, `bench-noop-1-r${round}`));
      runs.singleBare.push(await runBareReadAck(deps, single, `bench-bare-1-r${round}`, readers));
      runs.parts.push(await runRuntime(deps, parts, `bench-noop-p-r${round}`));
      runs.partsBare.push(await runBareReadAck(deps, parts, `bench-bare-p-r${round}`, readers));
      progress(`consume round ${round}: runtime ${last(runs.single)} (bare ${last(runs.singleBare)}), ` +
        `${options.partitions} partitions ${last(runs.parts)} (bare ${last(runs.partsBare)})`);
    }
    const s = compare(summarize(runs.single), summarize(runs.singleBare));
    const p = compare(summarize(runs.parts), summarize(runs.partsBare));
    let breakdown = null;
    if (options.breakdown) {
      progress("instrumented runtime run on one stream (--breakdown)");
      breakdown = await runBreakdown(deps, single, "bench-noop-breakdown");
    }
    return {
      single: s, partitioned: p, breakdown,
      target: { minRate: CONSUME_TARGET_RATE, passSingle: s.subject.median >= CONSUME_TARGET_RATE, passPartitioned: p.subject.median >= CONSUME_TARGET_RATE },
    };
  } finally {
    await Promise.all(readers.map(closeRedis));
  }
}

const options = readLogOptions();
runBench("log", options, async (run) => {
  const scratch = await run.scratch();
  const pool = run.pool(scratch.databaseUrl, 8);
  const keys = createKeys(scratch.prefix, options.partitions, [openFamily("bench", "the bench's own entries", /^[a-z]+$/)]);
  const entries = streamReports(createCity());
  const env: Env = {
    options, progress: run.progress, redis: run.redis, pool, keys, appender: createAppender(run.redis, keys),
    entries, payloadBytes: averageJsonBytes(entries.reports(1000)),
  };
  const machine = await readMachineInfo(run.redis, pool);
  const append = await benchAppend(env);
  const consume = await benchConsume(env);
  const results: LogBenchResults = {
    machine,
    settings: {
      entries: options.entries, rounds: options.rounds, warmupEntries: options.warmupEntries, payloadBytes: env.payloadBytes,
      appendBatch: options.appendBatch, concurrency: options.concurrency, consumeBatch: options.consumeBatch, partitions: options.partitions,
    },
    statistic: `median of ${options.rounds} rounds after one warm-up`,
    append, consume,
  };
  writeReport(options.json, results, formatTable);
});
