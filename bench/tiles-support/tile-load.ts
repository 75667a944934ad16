/**
 * One tile load run (harness/autocannon.ts): GETs of the sweep's URLs in sweep order across all
 * connections (a shared counter, cycling), so the same tiles are asked of every server. A run
 * either lasts `durationS` or asks for exactly `amount` tiles (the cold pass: each URL once).
 * Every answer is tied to its tile through the connection's context (pipelining 1: one request
 * in flight per connection), which gives per-zoom latencies and, when the bodies are known,
 * a check that each answer has its tile's length. Latencies are autocannon's per-request
 * durations in fractional ms; the rate counts 200s from the start to the last response.
 */
import { type LoadPlan, type LoadServer, runAutocannon, statusCounts } from "../harness/autocannon.ts";
import type { CpuShare } from "../harness/cpu.ts";
import { type Latency, latencyOf } from "../locate-support/load.ts";
import type { SweepTile } from "./sweep.ts";

export interface TileTarget extends LoadServer {
  readonly tiles: readonly SweepTile[];
  /** Each tile's body length, once known: answers of another length count as mismatched. */
  readonly bodyLengths?: readonly number[];
}

export interface ZoomLatency {
  readonly z: number;
  readonly responses: number;
  readonly latency: Latency;
  /** Mean body bytes of this zoom's answers. */
  readonly bodyBytes: number;
}

export interface TileRun {
  readonly connections: number;
  readonly ok: number;
  readonly non200: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly mismatched: number;
  readonly ms: number;
  /** 200s per second. */
  readonly rate: number;
  readonly latency: Latency;
  readonly byZoom: readonly ZoomLatency[];
  /** Mean body bytes per answer, and what crossed the wire per answer (status line and headers too). */
  readonly bodyBytes: number;
  readonly wireBytes: number;
  readonly statusCodes: Record<string, number>;
  readonly cpu: CpuShare;
}

const LIMITS = { requestTimeoutS: 30, amountLimitS: 600 };

export async function runTileLoad(target: TileTarget, plan: LoadPlan): Promise<TileRun> {
  const { tiles, bodyLengths } = target;
  let next = 0;
  let ok = 0;
  let mismatched = 0;
  let bodyBytes = 0;
  let answered = -1;
  let answeredBytes = 0;
  const latencies: number[] = [];
  const zoomLatencies = new Map<number, { values: number[]; bytes: number }>();
  const { result, ms, cpu } = await runAutocannon(target, plan, {
    method: "GET",
    path: tiles[0]!.path,
    setupRequest: (req, context) => {
      const i = next++ % tiles.length;
      context.i = i;
      return { ...req, path: tiles[i]!.path };
    },
    onResponse: (status, body, context) => {
      const i = context.i as number;
      answered = i;
      answeredBytes = body.length;
      if (status !== 200) return;
      ok += 1;
      bodyBytes += body.length;
      if (bodyLengths && body.length !== bodyLengths[i]) mismatched += 1;
    },
  }, LIMITS, (responseTime) => {
    // The instance's 'response' follows onResponse for the same response (httpClient.js: recordBody, then 'response').
    latencies.push(responseTime);
    if (answered < 0) return;
    const tile = tiles[answered]!;
    const zoom = zoomLatencies.get(tile.z) ?? { values: [], bytes: 0 };
    zoom.values.push(responseTime);
    zoom.bytes += answeredBytes;
    zoomLatencies.set(tile.z, zoom);
    answered = -1;
  });
  const byZoom = [...zoomLatencies].sort((a, b) => a[0] - b[0]).map(([z, v]) => ({
    z, responses: v.values.length, latency: latencyOf(v.values), bodyBytes: v.bytes / Math.max(1, v.values.length),
  }));
  return {
    connections: plan.connections, ok, non200: result.non2xx + (result["2xx"] - ok), errors: result.errors, timeouts: result.timeouts,
    mismatched, ms, rate: (ok * 1000) / ms, latency: latencyOf(latencies), byZoom,
    bodyBytes: bodyBytes / Math.max(1, ok),
    wireBytes: result.throughput.total / Math.max(1, result["2xx"] + result.non2xx),
    statusCodes: statusCounts(result), cpu,
  };
}
