/**
 * One load run with autocannon's programmatic API: POSTs of the gzipped bodies, in the pool's
 * order across all connections (a shared counter, so concurrent requests carry different
 * bodies), no pipelining.
 *
 * The rate is 2xx responses over the time from the start to the last response. Two ways to end:
 * after `durationS` (the warm-up and the sweep), or after exactly `amount` requests, each of
 * which gets its answer (the measured rounds: sized from the sweep to last about the duration,
 * and only then does every stored entry belong to a counted response, so the stream lengths
 * can be checked against the 2xx count exactly).
 */
import autocannon from "autocannon";
import type { RedisClient } from "../../src/redis/create-redis.ts";
import { cpuShare, sampleCpu, type CpuShare } from "./cpu.ts";

export interface LoadTarget {
  readonly url: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly bodies: readonly Buffer[];
  /** The server process under load, for the CPU columns. */
  readonly serverPid: number;
  readonly redis: RedisClient;
}

export interface LoadPlan {
  readonly connections: number;
  readonly durationS?: number;
  readonly amount?: number;
}

/** A run sized by `amount` is stopped after this long even if answers are missing (a stalled server). */
const AMOUNT_RUN_LIMIT_S = 180;

export interface LoadRun {
  readonly connections: number;
  readonly ok: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly ms: number;
  /** 2xx responses per second. */
  readonly rate: number;
  readonly p50: number;
  readonly p99: number;
  readonly meanLatency: number;
  readonly statusCodes: Record<string, number>;
  readonly cpu: CpuShare;
}

const REQUEST_TIMEOUT_S = 30;

export async function runAutocannon(target: LoadTarget, plan: LoadPlan): Promise<LoadRun> {
  let next = 0;
  const request: autocannon.Request = {
    method: "POST",
    path: target.path,
    headers: { ...target.headers },
    setupRequest: (req) => ({ ...req, body: target.bodies[next++ % target.bodies.length]! }),
  };
  const before = await sampleCpu(target.redis, target.serverPid);
  const started = performance.now();
  let lastResponse = started;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({
      url: target.url,
      connections: plan.connections,
      pipelining: 1,
      timeout: REQUEST_TIMEOUT_S,
      ...(plan.amount ? { amount: plan.amount } : { duration: plan.durationS ?? 10 }),
      requests: [request],
    }, (err, res) => (err ? reject(err) : resolve(res)));
    instance.on("response", () => {
      lastResponse = performance.now();
    });
    if (plan.amount) {
      const limit = setTimeout(() => instance.stop(), AMOUNT_RUN_LIMIT_S * 1000);
      limit.unref();
      instance.once("done", () => clearTimeout(limit));
    }
  });
  const cpu = cpuShare(before, await sampleCpu(target.redis, target.serverPid));
  const ms = lastResponse - started;
  const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, s]) => [code, s.count]));
  return {
    connections: plan.connections,
    ok: result["2xx"],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    ms,
    rate: (result["2xx"] * 1000) / ms,
    p50: result.latency.p50,
    p99: result.latency.p99,
    meanLatency: result.latency.mean,
    statusCodes,
    cpu,
  };
}
