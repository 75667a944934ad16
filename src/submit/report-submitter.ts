/**
 * Turns accepted reports into reports-stream entries (DESIGN §2): each carries the API key (when
 * known), the position source (`gnss` when none), the received time and the client's
 * User-Agent. A request's entries go to Redis in one round trip.
 *
 * Entries are encoded here, once: the encoded text is both what is measured against
 * `maxEntryBytes` and what the appender sends, so the size check costs no second encoding.
 */
import { capUserAgent } from "../domain/submit/field-bounds.ts";
import type { Report, ReportEntry } from "../domain/report.ts";
import { reportPartition } from "../domain/report-partition.ts";
import type { Appender, AppendBatch } from "../stream/append.ts";
import { encodePayload } from "../stream/entry.ts";
import type { Keys } from "../stream/keys.ts";

export interface SubmitInput {
  readonly reports: readonly Report[];
  readonly apiKey: string | null;
  readonly userAgent: string | null;
  readonly receivedMs: number;
  /** Largest encoded entry (`MAX_ENTRY_BYTES`); unbounded when absent (benchmarks, tools). */
  readonly maxEntryBytes?: number;
}

/** A request's entries, encoded and grouped by stream, not yet appended. */
export interface EncodedReports {
  readonly batches: readonly AppendBatch[];
  readonly count: number;
}

/** One report's entry would exceed `maxEntryBytes`; nothing of its request was appended. */
export class EntryTooLargeError extends Error {
  /** The report's position in `SubmitInput.reports`. */
  readonly index: number;
  readonly bytes: number;
  readonly limit: number;

  constructor(index: number, bytes: number, limit: number) {
    super(`this report is ${bytes} bytes once stored; at most ${limit} (MAX_ENTRY_BYTES)`);
    this.name = "EntryTooLargeError";
    this.index = index;
    this.bytes = bytes;
    this.limit = limit;
  }
}

export interface ReportSubmitter {
  /** Builds and encodes the entries; throws `EntryTooLargeError` (appending nothing) for an oversized one. */
  encode(input: SubmitInput): EncodedReports;
  /** Resolves to the number of entries appended; rejects when Redis did not take them. */
  append(encoded: EncodedReports): Promise<number>;
  /** `encode` then `append`. */
  submit(input: SubmitInput): Promise<number>;
}

export function createReportSubmitter(appender: Appender, keys: Keys): ReportSubmitter {
  const streams = keys.reportStreams();

  function encode({ reports, apiKey, userAgent, receivedMs, maxEntryBytes }: SubmitInput): EncodedReports {
    const limit = maxEntryBytes ?? Number.POSITIVE_INFINITY;
    const user_agent = capUserAgent(userAgent);
    const byPartition = new Map<number, string[]>();
    for (const [i, report] of reports.entries()) {
      const entry: ReportEntry = { api_key: apiKey, source: report.position?.source ?? "gnss", received: receivedMs, user_agent, report };
      const text = encodePayload(entry);
      // Redis keeps the UTF-8, at most 3 bytes per UTF-16 unit: most entries skip the count.
      if (text.length * 3 > limit) {
        const bytes = Buffer.byteLength(text, "utf8");
        if (bytes > limit) throw new EntryTooLargeError(i, bytes, limit);
      }
      const p = reportPartition(report, streams.length);
      const list = byPartition.get(p);
      if (list) list.push(text);
      else byPartition.set(p, [text]);
    }
    const batches: AppendBatch[] = [...byPartition].map(([p, payloads]) => ({ stream: streams[p]!, payloads, encoded: true }));
    return { batches, count: reports.length };
  }

  async function append({ batches, count }: EncodedReports): Promise<number> {
    if (count === 0) return 0;
    await appender.appendMany(batches);
    return count;
  }

  return { encode, append, submit: (input) => append(encode(input)) };
}
