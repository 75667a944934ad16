/** Every metric a web process counts, made once per registry (a name may be registered once). */
import { createHttpMetrics, type HttpMetrics } from "./http-metrics.ts";
import { createLocateMetrics, type LocateMetrics } from "./locate-metrics.ts";
import type { MetricsRegistry } from "./registry.ts";
import { type AppendFailures, createAppendFailures, createSubmitMetrics, type SubmitMetrics } from "./submit-metrics.ts";

export interface WebMetrics {
  readonly registry: MetricsRegistry;
  readonly http: HttpMetrics;
  readonly locate: LocateMetrics;
  readonly submit: SubmitMetrics;
  readonly appendFailed: AppendFailures;
}

export function createWebMetrics(registry: MetricsRegistry): WebMetrics {
  return {
    registry,
    http: createHttpMetrics(registry),
    locate: createLocateMetrics(registry),
    submit: createSubmitMetrics(registry),
    appendFailed: createAppendFailures(registry),
  };
}
