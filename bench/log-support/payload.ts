/**
 * The size of bench:log's entries (the world's stream reports, ~490 bytes of JSON), and the one
 * report redis-benchmark sends as the payload of its XADDs.
 */
import type { StreamReport, StreamReports } from "../harness/world/stream-reports.ts";

export function averageJsonBytes(reports: readonly StreamReport[]): number {
  const sample = reports.slice(0, 1000);
  return Math.round(sample.reduce((sum, r) => sum + Buffer.byteLength(JSON.stringify(r)), 0) / Math.max(1, sample.length));
}

/** The report among the first thousand whose JSON is closest to the average size. */
export function typicalReport(entries: StreamReports): StreamReport {
  const sample = entries.reports(1000);
  const average = averageJsonBytes(sample);
  const size = (r: StreamReport) => Math.abs(Buffer.byteLength(JSON.stringify(r)) - average);
  return sample.reduce((best, r) => (size(r) < size(best) ? r : best));
}
