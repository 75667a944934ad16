import type { AnyConsumer } from "../stream/define-consumer.ts";
import { readGroupStatus } from "../stream/group-status.ts";
import { type ArchivedHistory, findArchivedHistory } from "../archive/archive-spans.ts";
import { archivedTotal } from "../stream/apply-history.ts";
import { archiveLocation } from "../archive/export-location.ts";
import { loadExportConfigs } from "../db/export-configs.ts";
import { describeMissingHistory, findMissingHistory, type MissingHistory } from "../stream/history-check.ts";
import type { From } from "../stream/positions.ts";
import { rederivedSource, rederiveRefusal } from "../pipeline/rederive.ts";
import { FewerRowsError, rebuildGroup, type RebuildOptions, type RebuildProgress } from "../stream/rebuild.ts";
import { parseFrom, replayArchivedPart, replayGroup } from "../stream/replay.ts";
import { formatDuration } from "../util/units.ts";
import { UsageError } from "./args.ts";
import { selectConsumers } from "./serve-command.ts";
import type { Services } from "./services.ts";

/** What replays and rebuilds need, with MAX_DELIVERIES for entries that keep failing. */
const historyDeps = (services: Services) => ({ ...services, maxDeliveries: services.config.maxDeliveries });

export interface ReplayOptions {
  readonly follow?: boolean;
  readonly rebuild?: boolean;
  /** Swap in rebuilt tables even when they hold fewer rows than the live ones. */
  readonly allowFewerRows?: boolean;
}

export async function replayCommand(
  services: Services, consumers: readonly AnyConsumer[], group: string | undefined, from: string | undefined, options: ReplayOptions = {},
): Promise<number> {
  if (!group || !from) {
    throw new UsageError("usage: ichnos replay <group> --from <start|entry-id|ISO-time> [--follow] [--rebuild [--allow-fewer-rows]]");
  }
  const [consumer] = selectConsumers(consumers, [group]);
  const rebuild = options.rebuild ?? false;
  if (!rebuild && consumer!.idempotent === false) {
    throw new UsageError(
      `ichnos replay: re-applying ${group}'s entries to its live tables would count them twice; rebuild it instead: ichnos replay ${group} --from ${from} --rebuild`,
    );
  }
  const position = parseFrom(from);
  // A rebuild seeded from its own source tables (cellarea, from every cell) needs no old entries.
  const needsHistory = !(rebuild && consumer!.seedRebuild);
  const missing = needsHistory ? await missingHistory(services, services.keys.resolve(consumer!.reads), position) : [];
  // Observations are not archived: a station group's trimmed history is re-derived from the reports.
  if (rebuild && missing.length > 0 && consumer!.derivedBy === "splitter") {
    return rebuildFromReports(services, consumer!, from, options.allowFewerRows ?? false, missing);
  }
  const fromArchive = missing.length > 0 ? await archiveSpans(services, position, missing) : null;
  if (fromArchive && fromArchive.stillMissing.length > 0) {
    const note = fromArchive.archive ? "incomplete" : "none";
    process.stderr.write(`${describeMissingHistory(services.keys, group, from, fromArchive.stillMissing, rebuild, note)}\n`);
    return 1;
  }
  if (rebuild) return rebuildCommand(services, consumer!, from, { allowFewerRows: options.allowFewerRows ?? false, archive: fromArchive?.archive });
  const seams = fromArchive?.archive ? await applyArchivedPart(services, consumer!, fromArchive.archive) : new Map();
  const moved = await replayGroup(services, consumer!, position, seams);
  const status = await readGroupStatus(services.redis, services.pool, services.keys, [consumer!]);
  const total = status.reduce((n, s) => n + (s.lag ?? 0), 0);
  for (const m of moved) {
    const s = status.find((r) => r.stream === services.keys.logicalName(m.stream));
    process.stdout.write(`${group} ${services.keys.logicalName(m.stream)}: positioned after ${m.position.id}; ${s?.lag ?? "?"} entries to apply\n`);
  }
  process.stdout.write(`${total} entries will be re-applied by the running workers${options.follow ? "" : " (add --follow to watch)"}\n`);
  if (options.follow) await followProgress(services, consumer!, total);
  return 0;
}

/** What each of `streams` lacks of the history from `position` on (history-check.ts). */
async function missingHistory(services: Services, streams: readonly string[], position: From): Promise<MissingHistory[]> {
  return (await Promise.all(streams.map((stream) => findMissingHistory(services, stream, position)))).filter((m) => m !== null);
}

/** The `backup` export's archive for what the retained reports streams lack (archive-spans.ts). */
async function archiveSpans(services: Services, from: From, missing: readonly MissingHistory[]) {
  const backup = (await loadExportConfigs(services.pool)).find((c) => c.name === "backup" && c.schema === "s3");
  const location = backup ? archiveLocation(backup, services.config.backupUrl) : "none";
  if (typeof location === "string") return { archive: undefined, stillMissing: [...missing] };
  const s3 = services.consumerDeps.archive!.s3();
  return findArchivedHistory({ redis: services.redis, keys: services.keys, s3, location }, from, missing);
}

/** The archived part of a plain replay, with progress on stderr (replay.ts replayArchivedPart). */
async function applyArchivedPart(services: Services, consumer: AnyConsumer, archive: ArchivedHistory) {
  const total = archivedTotal(archive);
  const progress = progressPrinter(`${consumer.name} replay from the archive`);
  let done = 0;
  const seams = await replayArchivedPart(historyDeps(services), consumer, archive, (n) => {
    done += n;
    progress({ done, total: Math.max(total, done), phase: "replaying" });
  });
  progress({ done, total: done, phase: "done" });
  process.stderr.write("\n");
  process.stdout.write(`${consumer.name}: ${done} archived entries applied from the archive\n`);
  return seams;
}

/** Prints done/total, rate and ETA on stderr, at most once a second while replaying. */
function progressPrinter(label: string): (p: RebuildProgress) => void {
  const started = Date.now();
  let lastPrint = 0;
  return (p) => {
    if (p.phase === "replaying" && Date.now() - lastPrint < 1000) return;
    lastPrint = Date.now();
    const elapsed = (Date.now() - started) / 1000;
    const rate = elapsed > 0 ? p.done / elapsed : 0;
    const eta = rate > 0 ? formatDuration(((p.total - p.done) / rate) * 1000) : "?";
    process.stderr.write(`\r${label}: ${p.done}/${p.total} entries, ${Math.round(rate)}/s, ETA ${eta} (${p.phase})   `);
  };
}

/**
 * A rebuild of a group whose observation stream was trimmed: its input is split again from the
 * reports (pipeline/rederive.ts), which must be complete from `from` on, retained or archived.
 */
async function rebuildFromReports(
  services: Services, consumer: AnyConsumer, from: string, allowFewerRows: boolean, missing: readonly MissingHistory[],
): Promise<number> {
  const position = parseFrom(from);
  const internals = (await loadExportConfigs(services.pool)).filter((c) => c.schema === "internal");
  const refusal = rederiveRefusal(consumer, internals, services.keys.resolve(consumer.reads));
  const reportsMissing = await missingHistory(services, services.keys.reportStreams(), position);
  const fromArchive = reportsMissing.length > 0 ? await archiveSpans(services, position, reportsMissing) : null;
  if (refusal !== null || (fromArchive && fromArchive.stillMissing.length > 0)) {
    const note = fromArchive?.archive ? "incomplete" : "none";
    const shown = [...missing, ...(fromArchive?.stillMissing ?? [])];
    const why = refusal ?? "its observations could be split again from the reports, but the reports are incomplete too";
    process.stderr.write(`${describeMissingHistory(services.keys, consumer.name, from, shown, true, note)}\n(${why}.)\n`);
    return 1;
  }
  process.stdout.write(
    `${consumer.name}: ${missing.map((m) => services.keys.logicalName(m.stream)).join(", ")} no longer holds the history; ` +
      `its observations are split again from the reports${fromArchive ? " (archived, then retained)" : ""}\n`,
  );
  const source = await rederivedSource({ ...historyDeps(services), regions: services.consumerDeps.regions }, consumer, position, {
    internal: internals[0]!, defaultBatch: services.config.consumerBatch, archive: fromArchive?.archive,
  });
  return rebuildCommand(services, consumer, from, { allowFewerRows, source }, "reports");
}

/** `--rebuild`: shadow tables, progress on stderr, one swap at the end. */
async function rebuildCommand(
  services: Services, consumer: AnyConsumer, from: string, options: Pick<RebuildOptions, "allowFewerRows" | "archive" | "source">, counted = "entries",
): Promise<number> {
  if (!consumer.tables?.length) {
    throw new UsageError(`ichnos replay: group ${consumer.name} keeps no tables of its own; replay it without --rebuild`);
  }
  const started = Date.now();
  const onProgress = progressPrinter(`${consumer.name} rebuild`);
  let result: Awaited<ReturnType<typeof rebuildGroup>>;
  try {
    result = await rebuildGroup(historyDeps(services), consumer, parseFrom(from), { ...options, onProgress });
  } catch (err) {
    if (!(err instanceof FewerRowsError)) throw err;
    process.stderr.write(`\n${err.message}\n`);
    return 1;
  }
  process.stderr.write("\n");
  for (const s of result.streams) {
    process.stdout.write(`${consumer.name} ${services.keys.logicalName(s.stream)}: rebuilt up to ${s.lastId}\n`);
  }
  process.stdout.write(`rebuilt ${consumer.tables.join(", ")} from ${result.applied} ${counted} in ${formatDuration(Date.now() - started)}; swapped in\n`);
  if (result.deadLettered > 0) {
    process.stdout.write(`${result.deadLettered} entries failed and were dead-lettered; see "ichnos dead list ${consumer.name}", fix the projection, then "ichnos dead retry ${consumer.name}"\n`);
  }
  return 0;
}

/** Prints done/total, rate and ETA until the group has caught up. */
async function followProgress(services: Services, consumer: AnyConsumer, total: number): Promise<void> {
  const group = consumer.name;
  const started = Date.now();
  for (;;) {
    const rows = await readGroupStatus(services.redis, services.pool, services.keys, [consumer]);
    const lag = rows.reduce((n, r) => n + (r.lag ?? 0), 0);
    const pending = rows.reduce((n, r) => n + r.pending, 0);
    const done = Math.max(0, total - lag);
    const elapsed = (Date.now() - started) / 1000;
    const rate = elapsed > 0 ? done / elapsed : 0;
    const eta = rate > 0 ? formatDuration((lag / rate) * 1000) : "?";
    process.stderr.write(`\r${group}: ${done}/${total} entries, ${Math.round(rate)}/s, ETA ${eta}, pending ${pending}   `);
    if (lag === 0 && pending === 0) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  process.stderr.write("\ncaught up\n");
}
