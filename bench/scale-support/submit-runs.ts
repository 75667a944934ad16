/**
 * Submit throughput with W `ichnos web` processes (harness/web-child.ts: the composition of
 * `ichnos web`) on one Redis target: autocannon in this process POSTs the gzipped 50-report
 * bodies, the connections split evenly over the web processes, for a fixed time after a warm-up.
 * The figure is reports accepted per second (2xx × reports per body); the streams must then hold
 * exactly that many entries more, or the run fails.
 */
import { autocannonLoad } from "../submit-support/load.ts";
import { startServer, type ServerChild } from "../harness/children.ts";
import type { BenchRun } from "../harness/run.ts";
import { SUBMIT_HEADERS } from "../harness/world/upload-bodies.ts";
import { createKeys } from "../../src/stream/keys.ts";
import { type CpuShares, mysqlPids, startCpuWindow } from "./cpu-meter.ts";
import type { RedisTarget } from "./targets.ts";

const WEB_CHILD = new URL("../harness/web-child.ts", import.meta.url);

export interface SubmitPlan {
  readonly bodies: readonly Buffer[];
  readonly reportsPerBody: number;
  readonly connections: number;
  readonly warmupS: number;
  readonly durationS: number;
  readonly partitions: number;
}

export interface SubmitRun {
  readonly target: string;
  readonly webs: number;
  readonly reportsPerSecond: number;
  readonly requestsPerSecond: number;
  readonly p99Ms: number;
  readonly non2xx: number;
  readonly cpu: CpuShares;
  /** CPU ms per accepted report: the web processes, and Redis. */
  readonly cpuMsPerReport: { readonly web: number; readonly redis: number };
  /** Over the rounds (set on the median run the report shows): lowest and highest reports/s. */
  readonly range?: readonly [number, number];
}

async function storedEntries(target: RedisTarget, streams: readonly string[]): Promise<number> {
  const lengths = await Promise.all(streams.map((s) => target.client.xlen(s)));
  return lengths.reduce((a, b) => a + Number(b), 0);
}

export async function runSubmit(run: BenchRun, target: RedisTarget, webs: number, plan: SubmitPlan): Promise<SubmitRun> {
  const scratch = await run.scratch();
  const streams = createKeys(scratch.prefix, plan.partitions).reportStreams();
  const env = {
    ...target.env, DATABASE_URL: scratch.databaseUrl, REDIS_PREFIX: scratch.prefix, STREAM_PARTITIONS: String(plan.partitions),
    HOST: "127.0.0.1", PORT: "0", LOG_LEVEL: "warn", ACCESS_LOG: "off",
  };
  const children: ServerChild[] = await Promise.all(Array.from({ length: webs }, (_, i) =>
    startServer(WEB_CHILD, { label: `${target.name === "cluster" ? "cluster " : ""}web ${i + 1}/${webs}`, env, onUnexpectedExit: run.abort })));
  try {
    const perWeb = Math.max(1, Math.round(plan.connections / webs));
    const load = (round: { durationS: number } | { amount: number }) => Promise.all(children.map((c) => autocannonLoad({
      url: c.url, serverPid: c.pid, redis: run.redis, path: "/v2/geosubmit", headers: SUBMIT_HEADERS, bodies: plan.bodies,
    }, { connections: perWeb, ...round })));
    const warm = await load({ durationS: plan.warmupS });
    // The measured round counts requests, each answered before it ends, so the streams can be
    // checked against the 2xx count; its size is what the warm-up's rate does in durationS.
    const amount = Math.max(perWeb * 20, Math.round((Math.min(...warm.map((r) => r.rate)) || 1) * plan.durationS));
    await new Promise((r) => setTimeout(r, 500));
    const before = await storedEntries(target, streams);
    const cpu = await startCpuWindow({ pids: () => ({ web: children.map((c) => c.pid), mysql: mysqlPids([3306]) }), redisNodes: target.nodes });
    const runs = await load({ amount });
    const { shares, spentMs, wallMs } = await cpu.end();
    const ok = runs.reduce((n, r) => n + r.ok, 0);
    const stored = (await storedEntries(target, streams)) - before;
    const reports = ok * plan.reportsPerBody;
    if (stored !== reports) throw new Error(`${webs} web on ${target.name}: ${ok} uploads answered 2xx (${reports} reports) but the streams hold ${stored} more entries`);
    return {
      target: target.name, webs,
      reportsPerSecond: (reports * 1000) / wallMs, requestsPerSecond: (ok * 1000) / wallMs,
      p99Ms: Math.max(...runs.map((r) => r.p99)), non2xx: runs.reduce((n, r) => n + r.non2xx + r.errors + r.timeouts, 0), cpu: shares,
      cpuMsPerReport: { web: spentMs.web / reports, redis: spentMs.redis / reports },
    };
  } finally {
    await Promise.all(children.map((c) => c.stop()));
  }
}
