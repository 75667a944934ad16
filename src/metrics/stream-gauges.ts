/**
 * The event log's state as gauges, read when Prometheus scrapes (what `ichnos groups` shows, and
 * each stream's length and memory). One read serves every gauge of a scrape and is reused for
 * `ttlMs`, and concurrent scrapes share the read in flight, so a scrape storm costs Redis and
 * MySQL at most one read per `ttlMs`.
 */
import { Gauge } from "prom-client";
import type { MetricsRegistry } from "./registry.ts";

export interface GroupState {
  readonly group: string;
  /** Catalogue name (`reports:0`), never a Redis key: the same under any REDIS_PREFIX. */
  readonly stream: string;
  readonly lag: number | null;
  readonly pending: number;
  readonly deadLetters: number;
  readonly lost: number;
}

export interface StreamSize {
  readonly stream: string;
  readonly length: number;
  readonly bytes: number;
}

export interface LogState {
  readonly groups: readonly GroupState[];
  readonly streams: readonly StreamSize[];
}

export const STREAM_GAUGES_TTL_MS = 5000;

/** Registers the gauges once per registry; a second worker process in the same registry reuses them. */
export function registerStreamGauges(registry: MetricsRegistry, read: () => Promise<LogState>, ttlMs = STREAM_GAUGES_TTL_MS, now = Date.now): void {
  if (registry.getSingleMetric("ichnos_group_lag_entries")) return;
  let cached: { at: number; state: Promise<LogState> } | null = null;
  const state = (): Promise<LogState> => {
    if (!cached || now() - cached.at >= ttlMs) {
      const reading = read();
      cached = { at: now(), state: reading };
      // A failed read is not kept: the next scrape tries again.
      reading.catch(() => {
        if (cached?.state === reading) cached = null;
      });
    }
    return cached.state;
  };
  const gauge = (name: string, help: string, labelNames: readonly string[], fill: (g: Gauge, s: LogState) => void) => {
    const g: Gauge = new Gauge({
      name, help, labelNames, registers: [registry],
      async collect() {
        const s = await state();
        // Groups and streams come and go (export rows): only what the last read saw is shown.
        g.reset();
        fill(g, s);
      },
    });
  };
  gauge("ichnos_group_lag_entries", "Entries after a group's checkpoint still to apply, per group and stream (sequence numbers, not XINFO)", ["group", "stream"], (g, s) => {
    for (const r of s.groups) if (r.lag !== null) g.set({ group: r.group, stream: r.stream }, r.lag);
  });
  gauge("ichnos_group_pending_entries", "Entries delivered to a group's consumers and not yet acknowledged", ["group", "stream"], (g, s) => {
    for (const r of s.groups) g.set({ group: r.group, stream: r.stream }, r.pending);
  });
  gauge("ichnos_group_lost_entries", "Entries a group lost to trimming or a Redis data loss, counted or not yet noticed", ["group", "stream"], (g, s) => {
    for (const r of s.groups) g.set({ group: r.group, stream: r.stream }, r.lost);
  });
  gauge("ichnos_group_dead_letters", "Entries in a group's dead letters (ichnos dead list G)", ["group"], (g, s) => {
    for (const r of s.groups) g.set({ group: r.group }, r.deadLetters);
  });
  gauge("ichnos_stream_length_entries", "Entries a stream holds (XLEN)", ["stream"], (g, s) => {
    for (const r of s.streams) g.set({ stream: r.stream }, r.length);
  });
  gauge("ichnos_stream_memory_bytes", "Memory a stream takes in Redis (MEMORY USAGE), against STREAM_MAX_BYTES", ["stream"], (g, s) => {
    for (const r of s.streams) g.set({ stream: r.stream }, r.bytes);
  });
}
