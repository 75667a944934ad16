/**
 * One load run with autocannon's programmatic API, in the bench process, no pipelining. Two
 * ways to end: after `durationS` (warm-ups and sweeps), or after exactly `amount` requests, each
 * of which gets its answer (measured rounds, so that what the server stored can be checked
 * against what was counted); an `amount` run is stopped after `amountLimitS` even if answers are
 * missing (a stalled server). The time is from the start to the last response, and the CPU
 * shares cover the same run.
 */
import autocannon from "autocannon";
import type { RedisClient } from "../../src/redis/create-redis.ts";
import { cpuShare, type CpuShare, sampleCpu } from "./cpu.ts";

export interface LoadPlan {
  readonly connections: number;
  readonly durationS?: number;
  readonly amount?: number;
}

export interface LoadServer {
  readonly url: string;
  /** The server process under load, for the CPU columns. */
  readonly serverPid: number;
  readonly redis: RedisClient;
}

export interface LoadLimits {
  /** Seconds before a request counts as timed out. */
  readonly requestTimeoutS: number;
  readonly amountLimitS: number;
}

export interface AutocannonRun {
  readonly result: autocannon.Result;
  readonly ms: number;
  readonly cpu: CpuShare;
}

/** `onResponse` gets autocannon's per-request duration in fractional ms (its histogram keeps whole ms only). */
export async function runAutocannon(
  server: LoadServer, plan: LoadPlan, request: autocannon.Request, limits: LoadLimits,
  onResponse?: (responseTimeMs: number) => void,
): Promise<AutocannonRun> {
  const before = await sampleCpu(server.redis, server.serverPid);
  const started = performance.now();
  let lastResponse = started;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({
      url: server.url,
      connections: plan.connections,
      pipelining: 1,
      timeout: limits.requestTimeoutS,
      ...(plan.amount ? { amount: plan.amount } : { duration: plan.durationS ?? 10 }),
      requests: [request],
    }, (err, res) => (err ? reject(err) : resolve(res)));
    instance.on("response", (_client: unknown, _status: number, _bytes: number, responseTime: number) => {
      lastResponse = performance.now();
      onResponse?.(responseTime);
    });
    if (plan.amount) {
      const limit = setTimeout(() => instance.stop(), limits.amountLimitS * 1000);
      limit.unref();
      instance.once("done", () => clearTimeout(limit));
    }
  });
  const cpu = cpuShare(before, await sampleCpu(server.redis, server.serverPid));
  return { result, ms: lastResponse - started, cpu };
}

export const statusCounts = (result: autocannon.Result): Record<string, number> =>
  Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, s]) => [code, s.count]));
