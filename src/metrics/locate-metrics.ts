/**
 * The locate path's counts (SPEC §8.2): `locate.query`, `locate.result`, `locate.source` (and the
 * region equivalents), `locate.fallback.cache`, `locate.fallback.lookup` with its timing, and the
 * query reports dropped when Redis cannot take them (DESIGN §5). Upstream tags each by API key;
 * keys are as many as `ichnos keys add` makes, so no label carries one.
 */
import { Counter, Histogram } from "prom-client";
import type { MetricsRegistry } from "./registry.ts";

export type LocateApi = "locate" | "region";
export type LocateSource = "internal" | "geoip" | "fallback";
/** Upstream's `blue|cell|wifi:none|one|many`. */
export type NetworkCount = "none" | "one" | "many";

export interface QueryShape {
  readonly geoip: boolean;
  readonly blue: NetworkCount;
  readonly cell: NetworkCount;
  readonly wifi: NetworkCount;
}

export interface FallbackMetrics {
  /** The cache's answer: hit, miss, bypassed, inconsistent or failure (cache.ts). */
  cache(status: string): void;
  /** A provider call's HTTP status code, or `timeout`, `error` (no answer) or `invalid` (a 2xx no schema accepts). */
  lookup(status: string, seconds?: number): void;
  rateLimited(): void;
}

export interface LocateMetrics {
  readonly fallback: FallbackMetrics;
  query(api: LocateApi, shape: QueryShape): void;
  /** Whether the answer met the query's expected accuracy class (upstream `status:hit|miss`). */
  result(api: LocateApi, accuracy: string, hit: boolean, fallbackAllowed: boolean): void;
  /** The same per source searched. */
  source(api: LocateApi, source: LocateSource, accuracy: string, hit: boolean): void;
  queryReportDropped(reason: "too_large" | "append_failed"): void;
}

const status = (hit: boolean) => (hit ? "hit" : "miss");

export function createLocateMetrics(registry: MetricsRegistry): LocateMetrics {
  const registers = [registry];
  const queries = new Counter({
    name: "ichnos_locate_queries_total", help: "Locate and region queries, by API and by how many networks of each kind they carried",
    labelNames: ["api", "geoip", "blue", "cell", "wifi"] as const, registers,
  });
  const results = new Counter({
    name: "ichnos_locate_results_total",
    help: "Locate and region answers by the query's expected accuracy class, and whether the answer met it (hit) or not (miss, 404 included)",
    labelNames: ["api", "accuracy", "status", "fallback_allowed"] as const, registers,
  });
  const sources = new Counter({
    name: "ichnos_locate_source_results_total", help: "Per source searched (internal, geoip, fallback): whether its results met the expected accuracy",
    labelNames: ["api", "source", "accuracy", "status"] as const, registers,
  });
  const dropped = new Counter({
    name: "ichnos_locate_query_reports_dropped_total", help: "Query reports (SPEC §3.9) not appended: over MAX_ENTRY_BYTES, or Redis failed",
    labelNames: ["reason"] as const, registers,
  });
  const cache = new Counter({
    name: "ichnos_fallback_cache_total", help: "External fallback cache answers: hit, miss, bypassed, inconsistent, failure",
    labelNames: ["status"] as const, registers,
  });
  const lookups = new Counter({
    name: "ichnos_fallback_lookups_total", help: "External fallback provider calls by HTTP status, or timeout, error, invalid",
    labelNames: ["status"] as const, registers,
  });
  const lookupSeconds = new Histogram({
    name: "ichnos_fallback_lookup_duration_seconds", help: "Time an external fallback provider took to answer (or fail)",
    registers, buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
  });
  const limited = new Counter({
    name: "ichnos_fallback_rate_limited_total", help: "External fallback lookups skipped by the key's fallback rate limit", registers,
  });
  // Prometheus shows a series only once it was touched: the ones an alert reads start at 0.
  for (const reason of ["too_large", "append_failed"]) dropped.inc({ reason }, 0);
  return {
    fallback: {
      cache: (s) => cache.inc({ status: s }),
      lookup(s, seconds) {
        lookups.inc({ status: s });
        if (seconds !== undefined) lookupSeconds.observe(seconds);
      },
      rateLimited: () => limited.inc(),
    },
    query: (api, shape) => queries.inc({ api, geoip: String(shape.geoip), blue: shape.blue, cell: shape.cell, wifi: shape.wifi }),
    result: (api, accuracy, hit, fallbackAllowed) => results.inc({ api, accuracy, status: status(hit), fallback_allowed: String(fallbackAllowed) }),
    source: (api, source, accuracy, hit) => sources.inc({ api, source, accuracy, status: status(hit) }),
    queryReportDropped: (reason) => dropped.inc({ reason }),
  };
}
