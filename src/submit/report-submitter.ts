/**
 * Turns accepted reports into reports-stream entries (DESIGN §2): each carries the API key (when
 * known), the position source (`gnss` when none), the received time and the client's
 * User-Agent. A request's entries go to Redis in one round trip.
 */
import type { Report, ReportEntry } from "../domain/report.ts";
import { reportPartition } from "../domain/report-partition.ts";
import type { Appender, AppendBatch } from "../stream/append.ts";
import type { Keys } from "../stream/keys.ts";

export interface SubmitInput {
  readonly reports: readonly Report[];
  readonly apiKey: string | null;
  readonly userAgent: string | null;
  readonly receivedMs: number;
}

export interface ReportSubmitter {
  /** Resolves to the number of entries appended; rejects when Redis did not take them. */
  submit(input: SubmitInput): Promise<number>;
}

export function createReportSubmitter(appender: Appender, keys: Keys): ReportSubmitter {
  const streams = keys.reportStreams();
  return {
    async submit({ reports, apiKey, userAgent, receivedMs }) {
      if (reports.length === 0) return 0;
      const byPartition = new Map<number, ReportEntry[]>();
      for (const report of reports) {
        const entry: ReportEntry = {
          api_key: apiKey, source: report.position?.source ?? "gnss", received: receivedMs, user_agent: userAgent, report,
        };
        const p = reportPartition(report, streams.length);
        const list = byPartition.get(p);
        if (list) list.push(entry);
        else byPartition.set(p, [entry]);
      }
      const batches: AppendBatch[] = [...byPartition].map(([p, payloads]) => ({ stream: streams[p]!, payloads }));
      await appender.appendMany(batches);
      return reports.length;
    },
  };
}
