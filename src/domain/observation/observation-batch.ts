/**
 * Reading observation-stream entries back into observations: each network gets its report's
 * part attached. Entries from before reports were grouped (a flat `obs` list) are still read.
 */
import type { Observation, ObservationBatch, ReportPart } from "./types.ts";

const PART_KEYS = ["lat", "lon", "accuracy", "altitude", "altitudeAccuracy", "heading", "pressure", "speed", "source", "timestamp"] as const;

/** Copies the part's fields onto the network object (freshly decoded, so it may be changed). */
function attach(network: object, part: ReportPart): Observation {
  const o = network as Record<string, unknown>;
  const p = part as unknown as Record<string, unknown>;
  for (const key of PART_KEYS) if (p[key] !== undefined) o[key] = p[key];
  return o as unknown as Observation;
}

/** The entry's observations in order, or null when the payload is not an observation batch. */
export function expandObservationBatch(data: unknown): Observation[] | null {
  if (typeof data !== "object" || data === null) return null;
  const batch = data as Partial<ObservationBatch> & { obs?: unknown };
  if (Array.isArray(batch.obs)) return batch.obs as Observation[];
  if (!Array.isArray(batch.reports)) return null;
  const out: Observation[] = [];
  for (const report of batch.reports) {
    if (typeof report?.part !== "object" || report.part === null || !Array.isArray(report.networks)) return null;
    for (const network of report.networks) out.push(attach(network, report.part));
  }
  return out;
}

/** How many observations an entry holds, without building them. */
export function countObservations(data: unknown): number {
  const batch = data as Partial<ObservationBatch> & { obs?: unknown[] };
  if (Array.isArray(batch?.obs)) return batch.obs.length;
  return (batch?.reports ?? []).reduce((n, r) => n + r.networks.length, 0);
}
