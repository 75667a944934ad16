/**
 * One locate load run (harness/autocannon.ts): POSTs of the pool's bodies in pool order across all connections (a shared counter), each with
 * its own `X-Forwarded-For`. Every response is checked against the query it answers (autocannon
 * hands `onResponse` the connection's context, where `setupRequest` left the pool index; with
 * pipelining 1 a connection has one request in flight): a *hit* is a 200 with a position that fits
 * the query — for Wi-Fi within 500 m of where the query was made (Wi-Fi accuracy is capped at
 * 500 m), for cells within 10 km of the serving cell, for IP-only any 200.
 *
 * Latencies are autocannon's own per-request durations (write → last byte, fractional ms: its
 * histogram keeps whole ms only), kept per query type; percentiles are exact over all requests.
 * The rate counts every HTTP response (a 404 is an answer too) from the start to the last one.
 */
import { distance } from "../../src/geo/distance.ts";
import { type LoadPlan, type LoadServer, runAutocannon, statusCounts } from "../harness/autocannon.ts";
import type { CpuShare } from "../harness/cpu.ts";
import { QUERY_KINDS, type PoolQuery, type QueryKind } from "./queries.ts";

export interface LoadTarget extends LoadServer {
  readonly path: string;
  readonly queries: readonly PoolQuery[];
}

export interface Latency {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

export interface KindStats {
  readonly requests: number;
  readonly ok200: number;
  readonly hits: number;
  readonly latency: Latency;
}

export interface LoadRun {
  readonly connections: number;
  readonly responses: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly ms: number;
  /** HTTP responses per second. */
  readonly rate: number;
  readonly latency: Latency;
  readonly byKind: Record<QueryKind, KindStats>;
  readonly statusCodes: Record<string, number>;
  readonly cpu: CpuShare;
}

const LIMITS = { requestTimeoutS: 10, amountLimitS: 120 };
const HIT_METRES: Record<QueryKind, number> = { wifi: 500, cell: 10_000, ip: Number.POSITIVE_INFINITY };

export function latencyOf(values: Float64Array | number[]): Latency {
  const sorted = Float64Array.from(values).sort();
  if (sorted.length === 0) return { p50: 0, p95: 0, p99: 0, max: 0, mean: 0 };
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
  return { p50: at(50), p95: at(95), p99: at(99), max: sorted.at(-1)!, mean: sorted.reduce((a, b) => a + b, 0) / sorted.length };
}

export function isHit(q: PoolQuery, status: number, body: string): boolean {
  if (status !== 200) return false;
  try {
    const answer = JSON.parse(body) as { location?: { lat?: number; lng?: number } };
    const { lat, lng } = answer.location ?? {};
    if (typeof lat !== "number" || typeof lng !== "number") return false;
    return q.truth === null || distance(q.truth.lat, q.truth.lon, lat, lng) <= HIT_METRES[q.kind];
  } catch {
    return false;
  }
}

export async function runLoad(target: LoadTarget, plan: LoadPlan): Promise<LoadRun> {
  const { queries } = target;
  let next = 0;
  const latencies: number[] = [];
  const kindLatencies: Record<QueryKind, number[]> = { wifi: [], cell: [], ip: [] };
  const counts = Object.fromEntries(QUERY_KINDS.map((k) => [k, { requests: 0, ok200: 0, hits: 0 }])) as Record<QueryKind, { requests: number; ok200: number; hits: number }>;
  let answered: QueryKind | null = null;
  const { result, ms, cpu } = await runAutocannon(target, plan, {
    method: "POST",
    path: target.path,
    setupRequest: (req, context) => {
      const i = next++ % queries.length;
      context.i = i;
      const q = queries[i]!;
      return {
        ...req, body: q.body,
        headers: { "content-type": "application/json", "user-agent": "ichnos-bench-locate/1", "x-forwarded-for": q.ip },
      };
    },
    onResponse: (status, body, context) => {
      const q = queries[context.i as number]!;
      const c = counts[q.kind];
      c.requests += 1;
      if (status === 200) c.ok200 += 1;
      if (isHit(q, status, body)) c.hits += 1;
      answered = q.kind;
    },
  }, LIMITS, (responseTime) => {
    // The instance's 'response' comes right after onResponse for the same response (httpClient.js: recordBody, then 'response').
    latencies.push(responseTime);
    if (answered) kindLatencies[answered].push(responseTime);
    answered = null;
  });
  const byKind = Object.fromEntries(QUERY_KINDS.map((k) => [k, { ...counts[k], latency: latencyOf(kindLatencies[k]) }])) as Record<QueryKind, KindStats>;
  return {
    connections: plan.connections,
    responses: latencies.length,
    errors: result.errors,
    timeouts: result.timeouts,
    ms,
    rate: (latencies.length * 1000) / ms,
    latency: latencyOf(latencies),
    byKind,
    statusCodes: statusCounts(result),
    cpu,
  };
}
