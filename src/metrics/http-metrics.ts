/**
 * SPEC §8.2 `request` / `request.timing`: every HTTP answer by route pattern (never the raw
 * path, whose ids and typos would make a series each), method and status.
 */
import { Counter, Histogram } from "prom-client";
import type { MetricsRegistry } from "./registry.ts";

export interface HttpMetrics {
  observe(route: string, method: string, status: number, seconds: number): void;
}

// Node's parser admits only its own list of methods, but a label set should not depend on that.
const METHODS: ReadonlySet<string> = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

export function createHttpMetrics(registry: MetricsRegistry): HttpMetrics {
  const requests = new Counter({
    name: "ichnos_http_requests_total", help: "HTTP requests answered, by route pattern, method and status",
    labelNames: ["route", "method", "status"] as const, registers: [registry],
  });
  const duration = new Histogram({
    name: "ichnos_http_request_duration_seconds", help: "Time from a request's arrival to its answer's headers, by route pattern and method",
    labelNames: ["route", "method"] as const, registers: [registry],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  });
  return {
    observe(route, method, status, seconds) {
      const m = METHODS.has(method) ? method : "other";
      requests.inc({ route, method: m, status: String(status) });
      duration.observe({ route, method: m }, seconds);
    },
  };
}
