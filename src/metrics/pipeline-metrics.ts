/**
 * What workers count as they apply entries (SPEC §8.2 `data.observation.insert`,
 * `data.station.new|confirm|blocklist`, plus what event sourcing adds): batch latency, entries
 * applied, lost and dead-lettered per group, station decisions, and the trimmer's cuts. Groups
 * and streams are as many as the consumer files, export rows and STREAM_PARTITIONS make: bounded.
 */
import { Counter, Histogram } from "prom-client";
import type { MetricsRegistry } from "./registry.ts";

export type TrimReason = "retention" | "max_bytes";

export interface BatchOutcome {
  readonly applied: number;
  readonly lost: number;
}

export interface PipelineMetrics {
  /** A committed (or settled) batch of `group`, with the time its transaction took. */
  batch(group: string, outcome: BatchOutcome, seconds: number): void;
  deadLettered(group: string, entries: number): void;
  /** Observations the station updater weighed (weight > 0) and its per-station decisions. */
  stations(kind: string, observations: number, decisions: Readonly<Record<string, number>>): void;
  trimmed(stream: string, reason: TrimReason, entries: number): void;
}

export function createPipelineMetrics(registry: MetricsRegistry): PipelineMetrics {
  const registers = [registry];
  const batchSeconds = new Histogram({
    name: "ichnos_consumer_batch_duration_seconds", help: "Time one batch of a group took: checkpoint lock, projection, commit and XACK",
    labelNames: ["group"] as const, registers, buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  });
  const applied = new Counter({
    name: "ichnos_consumer_entries_applied_total", help: "Entries a group projected and committed in this process",
    labelNames: ["group"] as const, registers,
  });
  const lost = new Counter({
    name: "ichnos_consumer_entries_lost_total", help: "Entries a group found gone (trimmed past it, or lost by Redis) when it reached them",
    labelNames: ["group"] as const, registers,
  });
  const dead = new Counter({
    name: "ichnos_consumer_dead_letters_total", help: "Entries this process moved to a group's dead letters",
    labelNames: ["group"] as const, registers,
  });
  const observations = new Counter({
    name: "ichnos_station_observations_total", help: "Observations the station projectors weighed (weight above 0), by station kind",
    labelNames: ["kind"] as const, registers,
  });
  const decisions = new Counter({
    name: "ichnos_station_decisions_total",
    help: "Station updater decisions by kind: new, new_block, change, replace, confirm, block, blocked_skip (SPEC §4.8)",
    labelNames: ["kind", "decision"] as const, registers,
  });
  const trimmed = new Counter({
    name: "ichnos_stream_trimmed_entries_total", help: "Entries the trimmer removed, by stream and why: retention/checkpoints, or over STREAM_MAX_BYTES",
    labelNames: ["stream", "reason"] as const, registers,
  });
  return {
    batch(group, outcome, seconds) {
      batchSeconds.observe({ group }, seconds);
      if (outcome.applied > 0) applied.inc({ group }, outcome.applied);
      if (outcome.lost > 0) lost.inc({ group }, outcome.lost);
    },
    deadLettered: (group, entries) => dead.inc({ group }, entries),
    stations(kind, weighed, byDecision) {
      if (weighed > 0) observations.inc({ kind }, weighed);
      for (const [decision, n] of Object.entries(byDecision)) if (n > 0) decisions.inc({ kind, decision }, n);
    },
    trimmed(stream, reason, entries) {
      if (entries > 0) trimmed.inc({ stream, reason }, entries);
    },
  };
}
