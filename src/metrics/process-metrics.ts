/**
 * A process's registry and the metrics made on it, once: `ichnos start` runs web and workers in
 * one process, and a metric name can be registered only once per registry.
 */
import { createPipelineMetrics, type PipelineMetrics } from "./pipeline-metrics.ts";
import { createMetricsRegistry, type MetricsRegistry } from "./registry.ts";
import { createWebMetrics, type WebMetrics } from "./web-metrics.ts";

export interface ProcessMetrics {
  readonly registry: MetricsRegistry;
  readonly web: WebMetrics;
  readonly pipeline: PipelineMetrics;
}

export function createProcessMetrics(registry: MetricsRegistry = createMetricsRegistry()): ProcessMetrics {
  return { registry, web: createWebMetrics(registry), pipeline: createPipelineMetrics(registry) };
}
