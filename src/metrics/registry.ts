/**
 * One Prometheus registry per process (never prom-client's global default): the composition root
 * makes it (cli/services.ts) and hands it to every part that counts, so two processes built in one
 * test never share counts. Every name starts with `ichnos_`, the process's own Node metrics too.
 */
import { collectDefaultMetrics, Registry } from "prom-client";

export type MetricsRegistry = Registry;

export const METRIC_PREFIX = "ichnos_";

export function createMetricsRegistry(): MetricsRegistry {
  const registry = new Registry();
  // CPU, memory, event-loop lag and GC: read on scrape, no timer of their own.
  collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
  return registry;
}

/** The exposition a scrape gets, with its Content-Type (Prometheus text format 0.0.4). */
export async function readExposition(registry: MetricsRegistry): Promise<{ body: string; contentType: string }> {
  return { body: await registry.metrics(), contentType: registry.contentType };
}
