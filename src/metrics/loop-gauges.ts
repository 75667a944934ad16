/**
 * Consumer loops stuck in one step (stream/loop-watch.ts) as a gauge: a loop that waits forever
 * on one step lags its group while every process looks healthy, and this names it.
 */
import { Gauge } from "prom-client";
import type { LoopWatch } from "../stream/loop-watch.ts";
import type { MetricsRegistry } from "./registry.ts";

type StuckSource = Pick<LoopWatch, "stuck">;
const sources = new WeakMap<MetricsRegistry, Set<StuckSource>>();

/** Adds `watch` to the registry's gauge (created on first use); returns its removal. */
export function registerStuckLoopGauge(registry: MetricsRegistry, watch: StuckSource): () => void {
  let set = sources.get(registry);
  if (!set) {
    const watches = new Set<StuckSource>();
    set = watches;
    sources.set(registry, watches);
    const gauge: Gauge = new Gauge({
      name: "ichnos_consumer_loop_stuck_seconds",
      help: "Seconds a consumer loop has spent in one step far beyond what it takes (CONSUMER_BLOCK × 3, at least 30 s), by group, stream and step; absent when none is stuck",
      labelNames: ["group", "stream", "step"], registers: [registry],
      collect() {
        gauge.reset();
        for (const w of watches) for (const s of w.stuck()) gauge.set({ group: s.group, stream: s.stream, step: s.step }, s.forMs / 1000);
      },
    });
  }
  set.add(watch);
  return () => set.delete(watch);
}
