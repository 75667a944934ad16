/**
 * Rebuilding a group that reads an observation stream from the reports instead (DESIGN §3: the
 * archive holds the reports streams only). The reports, archived and retained, are split again
 * by the splitter's own code, in the internal export's batches, and the share of the group's
 * stream is projected; the observation stream itself is not read.
 *
 * The seam with the live observation stream is the splitter's source marks: the stream holds the
 * output of exactly the reports up to each partition's mark. Inside the swap, one script reads
 * the stream's newest entry and the marks together, the reports are split up to those marks, and
 * the group is positioned at that entry: nothing is applied twice, nothing is left out.
 *
 * What may differ from the live tables: the live splitter split whatever had arrived, in batches
 * of up to `batch` reports, and reports from several partitions interleaved on the stream;
 * here each partition is split in full batches, one partition after another. The station updater
 * weighs a batch's observations together, so stations can come out slightly different where the
 * live batches were partial or interleaved. With one partition and full batches they are equal.
 */
import type { ArchivedHistory } from "../archive/archive-spans.ts";
import { exportAllows, exportGroupName, type ExportConfig } from "../domain/export-config.ts";
import { isReportEntry, type ReportEntry } from "../domain/report.ts";
import type { RegionLookup } from "../geo/region-lookup.ts";
import { allSourceMarks, headAndSourceMarks } from "../stream/append-once.ts";
import {
  applyEntries, archivedBatches, type ArchivePart, type Cursor, entriesAfter, type HistoryDeps, type HistoryEntry, type HistoryTarget,
  startCursor,
} from "../stream/apply-history.ts";
import type { AnyConsumer } from "../stream/define-consumer.ts";
import { ENTRY_SCHEMA_VERSION, projectionEntry } from "../stream/entry.ts";
import { compareEntryIds, ZERO_ID } from "../stream/entry-id.ts";
import type { From } from "../stream/positions.ts";
import type { RebuildSource } from "../stream/rebuild.ts";
import { rangeThrough, sequenceValue } from "../stream/stream-commands.ts";
import { observationBatch, splitIntoTargets } from "./splitter.ts";

export interface RederiveDeps extends HistoryDeps {
  readonly regions: RegionLookup;
}

export interface RederiveOptions {
  /** The internal export whose splitter feeds the stream (its batch, skip_keys, skip_sources). */
  readonly internal: ExportConfig;
  /** Reports per split when the export's `batch` is 0 (CONSUMER_BATCH). */
  readonly defaultBatch: number;
  /** Archived reports older than the retained reports streams. */
  readonly archive?: ArchivedHistory;
}

const READ_CHUNK = 500;


interface Partition {
  readonly index: number;
  /** The splitter's source name for this partition, as its marks name it. */
  readonly source: string;
  readonly cursor: Cursor;
  /** The archived stretch still to read before the retained stream (the first one from the history check). */
  firstArchivePart: ArchivePart | undefined;
  /** Reports read but not yet split: the current batch. */
  pending: HistoryEntry[];
}

/** Why the group cannot be rebuilt from the reports, or null. */
export function rederiveRefusal(consumer: AnyConsumer, internals: readonly ExportConfig[], streams: readonly string[]): string | null {
  if (streams.length !== 1) return `${consumer.name} reads ${streams.length} observation streams; a rebuild from the reports re-derives one`;
  if (internals.length !== 1) {
    return `the observation streams are fed by ${internals.length} internal exports (${internals.map((c) => c.name).join(", ") || "none"}); a rebuild from the reports needs exactly one`;
  }
  return null;
}

export async function rederivedSource(deps: RederiveDeps, consumer: AnyConsumer, from: From, options: RederiveOptions): Promise<RebuildSource> {
  const [stream] = deps.keys.resolve(consumer.reads);
  const obsStream = stream!;
  const { internal } = options;
  const splitBatch = internal.batch > 0 ? internal.batch : options.defaultBatch;
  const projectBatch = consumer.batchSize ?? READ_CHUNK;
  const partitions: Partition[] = [];
  for (const [index, reports] of deps.keys.reportStreams().entries()) {
    partitions.push({
      index, source: `${exportGroupName(internal.name)}@${deps.keys.logicalName(reports)}`,
      cursor: await startCursor(deps, reports, from, options.archive), firstArchivePart: options.archive?.spans.get(reports), pending: [],
    });
  }
  // Where the group will stand on its stream: set inside the swap.
  const obsCursor: Cursor = { stream: obsStream, lastId: ZERO_ID, lastEntry: 0 };
  const derived: HistoryEntry[] = [];
  // The projected entries' own cursor; the group's position is obsCursor.
  const applied: Cursor = { stream: obsStream, lastId: ZERO_ID, lastEntry: 0 };

  const flushDerived = async (target: HistoryTarget, all: boolean) => {
    while (derived.length >= projectBatch || (all && derived.length > 0)) {
      await applyEntries(deps, consumer, target, applied, derived.splice(0, projectBatch));
    }
  };

  /** Splits the pending batch and keeps the group's stream's share, as the live splitter appended it. */
  const split = async (p: Partition, target: HistoryTarget) => {
    const batch = p.pending;
    p.pending = [];
    if (batch.length === 0) return;
    const allowed = batch
      .filter((e) => !e.error && isReportEntry(e.data) && exportAllows(internal, e.data.api_key, e.data.source))
      .map((e) => projectionEntry<ReportEntry>(p.cursor.stream, e));
    const share = splitIntoTargets(allowed, deps).get(obsStream);
    if (share) {
      const first = batch[0]!.id;
      const last = batch[batch.length - 1]!.id;
      derived.push({ id: last, seq: 0, version: ENTRY_SCHEMA_VERSION, data: observationBatch(deps.keys.logicalName(p.cursor.stream), first, last, [...share.reports.values()]) });
    }
    await flushDerived(target, false);
  };

  /** The partition's reports after its cursor up to `untilId`: archived ones first, then retained. */
  async function* reportsThrough(p: Partition, untilId: string): AsyncGenerator<HistoryEntry[]> {
    const firstPart = p.firstArchivePart;
    p.firstArchivePart = undefined;
    for await (const batch of archivedBatches(deps, options.archive, p.cursor, p.index, READ_CHUNK, firstPart)) {
      const wanted = batch.filter((e) => compareEntryIds(e.id, untilId) <= 0);
      if (wanted.length > 0) yield wanted;
      if (wanted.length < batch.length) return;
    }
    for (;;) {
      const entries = await rangeThrough(deps.redis, p.cursor.stream, p.cursor.lastId, untilId, READ_CHUNK);
      if (entries.length === 0) return;
      if (p.cursor.lastEntry > 0 && entries[0]!.seq !== p.cursor.lastEntry + 1) {
        throw new Error(`${deps.keys.logicalName(p.cursor.stream)} jumps from #${p.cursor.lastEntry} to #${entries[0]!.seq} during the rebuild; start it again`);
      }
      yield entries;
      if (entries.length < READ_CHUNK) return;
    }
  }

  /** Splits each partition's reports up to its mark: what the stream holds the output of. */
  const deriveThrough = async (marks: ReadonlyMap<string, string>, target: HistoryTarget, onApplied: (n: number) => void) => {
    for (const p of partitions) {
      const mark = marks.get(p.source);
      if (mark === undefined || compareEntryIds(mark, p.cursor.lastId) <= 0) continue;
      for await (const entries of reportsThrough(p, mark)) {
        for (const e of entries) {
          p.pending.push(e);
          if (p.pending.length >= splitBatch) await split(p, target);
        }
        const last = entries[entries.length - 1]!;
        p.cursor.lastId = last.id;
        p.cursor.lastEntry = last.seq;
        onApplied(entries.length);
      }
      // A mark is the last report of one of the live splitter's batches: the batch ends here.
      await split(p, target);
    }
    await flushDerived(target, true);
  };

  return {
    cursors: [obsCursor],
    total: () => entriesAfter(deps, partitions.map((p) => p.cursor)),
    async replay(target, onApplied) {
      await deriveThrough(await allSourceMarks(deps.redis, obsStream), target, onApplied);
    },
    async catchUp(target, onApplied) {
      const { newest, marks } = await headAndSourceMarks(deps.redis, obsStream);
      await deriveThrough(marks, target, onApplied);
      obsCursor.lastId = newest?.id ?? ZERO_ID;
      obsCursor.lastEntry = newest?.seq ?? (await sequenceValue(deps.redis, deps.keys.sequence(obsStream)));
    },
  };
}
