/**
 * Where a rebuild's history comes from (the retained streams, the reports archive, or the
 * reports split again for a station group), or why it cannot be rebuilt: shared by
 * `ichnos replay --rebuild` and a worker rebuilding a group whose consumer version was raised.
 */
import { findArchivedHistory } from "../archive/archive-spans.ts";
import { archiveLocation } from "../archive/export-location.ts";
import { loadExportConfigs } from "../db/export-configs.ts";
import { rederivedSource, rederiveRefusal } from "../pipeline/rederive.ts";
import type { AnyConsumer } from "../stream/define-consumer.ts";
import { describeMissingHistory, findMissingHistory, type MissingHistory } from "../stream/history-check.ts";
import type { From } from "../stream/positions.ts";
import type { RebuildOptions } from "../stream/rebuild.ts";
import { parseFrom } from "../stream/replay.ts";
import type { Services } from "./services.ts";

/** What replays and rebuilds need, with MAX_DELIVERIES for entries that keep failing. */
export const historyDeps = (services: Services) => ({ ...services, maxDeliveries: services.config.maxDeliveries, regions: services.consumerDeps.regions });

export type RebuildPlan =
  | { readonly kind: "refused"; readonly message: string }
  | {
    readonly kind: "ready";
    readonly options: Pick<RebuildOptions, "archive" | "source">;
    /** What the rebuild counts: entries of the group's streams, or reports split again. */
    readonly counted: "entries" | "reports";
    /** Said before the rebuild starts (where the history comes from), or null. */
    readonly note: string | null;
  };

/** What each of `streams` lacks of the history from `position` on (history-check.ts). */
export async function missingHistory(services: Services, streams: readonly string[], position: From): Promise<MissingHistory[]> {
  return (await Promise.all(streams.map((stream) => findMissingHistory(services, stream, position)))).filter((m) => m !== null);
}

/** The `backup` export's archive for what the retained reports streams lack (archive-spans.ts). */
export async function archiveSpans(services: Services, from: From, missing: readonly MissingHistory[]) {
  const backup = (await loadExportConfigs(services.pool)).find((c) => c.name === "backup" && c.schema === "s3");
  const location = backup ? archiveLocation(backup, services.config.backupUrl) : "none";
  if (typeof location === "string") return { archive: undefined, stillMissing: [...missing] };
  const s3 = services.consumerDeps.archive!.s3();
  return findArchivedHistory({ redis: services.redis, keys: services.keys, s3, location }, from, missing);
}

export async function planRebuild(services: Services, consumer: AnyConsumer, from: string): Promise<RebuildPlan> {
  const position = parseFrom(from);
  // A rebuild seeded from its own source tables (cellarea, from every cell) needs no old entries.
  const missing = consumer.seedRebuild ? [] : await missingHistory(services, services.keys.resolve(consumer.reads), position);
  // Observations are not archived: a station group's trimmed history is re-derived from the reports.
  if (missing.length > 0 && consumer.derivedBy === "splitter") return planFromReports(services, consumer, from, missing);
  const fromArchive = missing.length > 0 ? await archiveSpans(services, position, missing) : null;
  if (fromArchive && fromArchive.stillMissing.length > 0) {
    const note = fromArchive.archive ? "incomplete" : "none";
    return { kind: "refused", message: describeMissingHistory(services.keys, consumer.name, from, fromArchive.stillMissing, true, note) };
  }
  return { kind: "ready", options: { archive: fromArchive?.archive }, counted: "entries", note: null };
}

/**
 * A station group whose observation stream was trimmed: its input is split again from the
 * reports (pipeline/rederive.ts), which must be complete from `from` on, retained or archived.
 */
async function planFromReports(services: Services, consumer: AnyConsumer, from: string, missing: readonly MissingHistory[]): Promise<RebuildPlan> {
  const position = parseFrom(from);
  const internals = (await loadExportConfigs(services.pool)).filter((c) => c.schema === "internal");
  const refusal = rederiveRefusal(consumer, internals, services.keys.resolve(consumer.reads));
  const reportsMissing = await missingHistory(services, services.keys.reportStreams(), position);
  const fromArchive = reportsMissing.length > 0 ? await archiveSpans(services, position, reportsMissing) : null;
  if (refusal !== null || (fromArchive && fromArchive.stillMissing.length > 0)) {
    const note = fromArchive?.archive ? "incomplete" : "none";
    const shown = [...missing, ...(fromArchive?.stillMissing ?? [])];
    const why = refusal ?? "its observations could be split again from the reports, but the reports are incomplete too";
    return { kind: "refused", message: `${describeMissingHistory(services.keys, consumer.name, from, shown, true, note)}\n(${why}.)` };
  }
  const source = await rederivedSource(historyDeps(services), consumer, position, {
    internal: internals[0]!, defaultBatch: services.config.consumerBatch, archive: fromArchive?.archive,
  });
  const note = `${consumer.name}: ${missing.map((m) => services.keys.logicalName(m.stream)).join(", ")} no longer holds the history; ` +
    `its observations are split again from the reports${fromArchive ? " (archived, then retained)" : ""}`;
  return { kind: "ready", options: { source }, counted: "reports", note };
}
