/**
 * Pipeline throughput with K `ichnos work` processes (the real CLI, as an operator runs them) on
 * one Redis target: a fresh scratch database and key prefix, K workers started and waiting, then
 * the bench's reports appended through the real submitter; the window runs from the first append
 * to the moment every group stands at lag 0 with nothing pending (`ichnos groups`' own reading,
 * readGroupStatus, polled every 250 ms). Observations/s = what the splitter produced ÷ the window.
 */
import type { Report } from "../../src/domain/report.ts";
import { createPool } from "../../src/db/pool.ts";
import { createAppender } from "../../src/stream/append.ts";
import { readGroupStatus } from "../../src/stream/group-status.ts";
import { createKeys } from "../../src/stream/keys.ts";
import { createReportSubmitter } from "../../src/submit/report-submitter.ts";
import { type BenchChild, spawnChild } from "../harness/children.ts";
import type { BenchRun } from "../harness/run.ts";
import { inFlight } from "../harness/stats.ts";
import { countObservations } from "../pipeline-support/outcome.ts";
import { freePort } from "../../test/support/private-redis.ts";
import { type CpuShares, mysqlPids, startCpuWindow } from "./cpu-meter.ts";
import type { RedisTarget } from "./targets.ts";

const BIN = new URL("../../bin/ichnos.js", import.meta.url);
const DRAIN_LIMIT_MS = 10 * 60_000;

export interface PipelinePlan {
  readonly uploads: readonly (readonly Report[])[];
  readonly reports: number;
  readonly partitions: number;
}

export interface PipelineRun {
  readonly target: string;
  readonly workers: number;
  readonly windowMs: number;
  readonly appendMs: number;
  readonly observations: number;
  readonly observationsPerSecond: number;
  readonly reportsPerSecond: number;
  readonly cpu: CpuShares;
  /** Batches the workers committed, every group together (ichnos_consumer_batch_duration_seconds_count). */
  readonly batches: number;
  /** CPU ms per observation, every process together (workers, Redis, MariaDB, the appending bench). */
  readonly cpuMsPerObservation: { readonly work: number; readonly redis: number; readonly mysql: number };
  /** Over the rounds (set on the median run the report shows): lowest and highest observations/s. */
  readonly range?: readonly [number, number];
}

async function batchCount(port: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return text.split("\n").filter((l) => l.startsWith("ichnos_consumer_batch_duration_seconds_count{"))
    .reduce((n, l) => n + Number(l.split(" ").pop()), 0);
}

async function waitForLine(child: BenchChild, pattern: RegExp, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(child.stdout())) {
    if (Date.now() > deadline) throw new Error(`${child.label} did not log ${pattern} within ${timeoutMs} ms:\n${child.stdout().slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function runPipeline(run: BenchRun, target: RedisTarget, workers: number, plan: PipelinePlan): Promise<PipelineRun> {
  const scratch = await run.scratch();
  const pool = createPool(scratch.databaseUrl, 2);
  const keys = createKeys(scratch.prefix, plan.partitions);
  const env = {
    ...target.env, DATABASE_URL: scratch.databaseUrl, REDIS_PREFIX: scratch.prefix, STREAM_PARTITIONS: String(plan.partitions), LOG_LEVEL: "info",
  };
  // Each worker's /metrics tells how many batches (transactions) it committed per group.
  const ports = await Promise.all(Array.from({ length: workers }, () => freePort()));
  const children = ports.map((port, i) =>
    spawnChild(BIN, {
      label: `${target.name === "cluster" ? "cluster " : ""}work ${i + 1}/${workers}`, env: { ...env, METRICS_PORT: String(port), HOST: "127.0.0.1" },
      args: ["work"], collectStdout: true,
    }));
  try {
    await Promise.all(children.map((c) => waitForLine(c, /"msg":"consumers started"/, 60_000)));
    // Every group's checkpoint exists before the window opens (each worker created or found them).
    const cpu = await startCpuWindow({
      pids: () => ({ work: children.map((c) => c.pid), mysql: mysqlPids([3306]) }), redisNodes: target.nodes,
    });
    const started = performance.now();
    const submitter = createReportSubmitter(createAppender(target.client, keys), keys);
    await inFlight(plan.uploads.length, 8, async (i) => {
      const reports = plan.uploads[i]!;
      await submitter.submit({ reports, apiKey: null, userAgent: "NeoStumbler/32", receivedMs: reports.at(-1)!.timestamp + 1_000 });
    });
    const appendMs = performance.now() - started;
    for (;;) {
      const rows = await readGroupStatus(target.client, pool, keys, []);
      const split = rows.filter((r) => r.group === "export:internal").reduce((n, r) => n + r.applied, 0);
      if (split >= plan.reports && rows.every((r) => r.lag === 0 && r.pending === 0)) break;
      if (performance.now() - started > DRAIN_LIMIT_MS) throw new Error(`${workers} workers on ${target.name} did not drain within ${DRAIN_LIMIT_MS / 60_000} min`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const windowMs = performance.now() - started;
    const { shares, spentMs } = await cpu.end();
    const batches = (await Promise.all(ports.map((port) => batchCount(port)))).reduce((x, y) => x + y, 0);
    const observations = (await countObservations(target.client, keys)).total;
    const per = (ms: number) => ms / observations;
    return {
      target: target.name, workers, windowMs, appendMs, observations,
      observationsPerSecond: (observations * 1000) / windowMs, reportsPerSecond: (plan.reports * 1000) / windowMs, cpu: shares, batches,
      cpuMsPerObservation: { work: per(spentMs.work), redis: per(spentMs.redis), mysql: per(spentMs.mysql) },
    };
  } finally {
    await Promise.all(children.map((c) => c.stop()));
    await pool.end();
  }
}
