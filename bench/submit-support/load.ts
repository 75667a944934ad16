/**
 * One submit load run (harness/autocannon.ts): POSTs of the gzipped bodies, in the pool's order
 * across all connections (a shared counter, so concurrent requests carry different bodies).
 * The rate is 2xx responses over the time from the start to the last response. Measured rounds
 * end after exactly `amount` requests, each of which gets its answer, and only then does every
 * stored entry belong to a counted response, so the stream lengths can be checked against the
 * 2xx count exactly.
 */
import { type LoadPlan, type LoadServer, runAutocannon, statusCounts } from "../harness/autocannon.ts";
import type { CpuShare } from "../harness/cpu.ts";

export interface LoadTarget extends LoadServer {
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly bodies: readonly Buffer[];
}

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

const LIMITS = { requestTimeoutS: 30, amountLimitS: 180 };

export async function autocannonLoad(target: LoadTarget, plan: LoadPlan): Promise<LoadRun> {
  let next = 0;
  const { result, ms, cpu } = await runAutocannon(target, plan, {
    method: "POST",
    path: target.path,
    headers: { ...target.headers },
    setupRequest: (req) => ({ ...req, body: target.bodies[next++ % target.bodies.length]! }),
  }, LIMITS);
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
    statusCodes: statusCounts(result),
    cpu,
  };
}
