/**
 * The submit API's counts: reports appended to the reports streams, and reports that were not,
 * by why (SPEC §8.2 `data.report.upload|drop` as seen at the door); and appends to Redis that
 * failed, for submit (the client got 503) and locate's query reports alike.
 */
import { Counter } from "prom-client";
import type { MetricsRegistry } from "./registry.ts";

/**
 * `unusable`: an item normalisation left nothing of (no valid network); `sampled`: the key's
 * `store_sample_submit` kept it out; `append_failed`: Redis did not take it (the request got 503).
 */
export type SubmitDropReason = "unusable" | "sampled" | "append_failed";

export interface SubmitMetrics {
  accepted(reports: number): void;
  dropped(reason: SubmitDropReason, reports: number): void;
}

/** Who asked Redis to append: a submit request, or locate for a query report. */
export type AppendCaller = "submit" | "locate";
export type AppendFailures = (caller: AppendCaller) => void;

export function createAppendFailures(registry: MetricsRegistry): AppendFailures {
  const failures = new Counter({
    name: "ichnos_stream_append_failures_total", help: "Appends to the reports streams that Redis did not take, by caller",
    labelNames: ["caller"] as const, registers: [registry],
  });
  for (const caller of ["submit", "locate"]) failures.inc({ caller }, 0);
  return (caller) => failures.inc({ caller });
}

export function createSubmitMetrics(registry: MetricsRegistry): SubmitMetrics {
  const accepted = new Counter({
    name: "ichnos_submit_reports_accepted_total", help: "Submitted reports appended to the reports streams", registers: [registry],
  });
  const dropped = new Counter({
    name: "ichnos_submit_reports_dropped_total", help: "Submitted reports not stored: unusable, sampled out, or Redis failed",
    labelNames: ["reason"] as const, registers: [registry],
  });
  for (const reason of ["unusable", "sampled", "append_failed"]) dropped.inc({ reason }, 0);
  return {
    accepted: (n) => accepted.inc(n),
    dropped: (reason, n) => {
      if (n > 0) dropped.inc({ reason }, n);
    },
  };
}
