import { type AnyConsumer, tableNames } from "../stream/define-consumer.ts";
import { readGroupStatus } from "../stream/group-status.ts";
import { findLiveConsumers } from "../stream/consumer-liveness.ts";
import type { ArchivedHistory } from "../archive/archive-spans.ts";
import { archivedTotal } from "../stream/apply-history.ts";
import { describeMissingHistory } from "../stream/history-check.ts";
import { FewerRowsError, rebuildGroup, type RebuildOptions, type RebuildProgress } from "../stream/rebuild.ts";
import { parseFrom, replayArchivedPart, replayGroup } from "../stream/replay.ts";
import { formatDuration } from "../util/units.ts";
import { seeHelp, UsageError } from "./args.ts";
import { archiveSpans, historyDeps, missingHistory, planRebuild } from "./rebuild-plan.ts";
import { selectConsumers } from "../process/worker-process.ts";
import type { Services } from "./services.ts"

export interface ReplayOptions {
  readonly follow?: boolean;
  readonly rebuild?: boolean;
  /** Swap in rebuilt tables even when they hold fewer rows than the live ones. */
  readonly allowFewerRows?: boolean;
}

/** `--from`'s value; a bad one is a usage error. */
export function parseReplayFrom(from: string): ReturnType<typeof parseFrom> {
  try {
    return parseFrom(from);
  } catch (err) {
    throw new UsageError(`ichnos replay: ${(err as Error).message} ${seeHelp("replay")}`);
  }
}

export async function replayCommand(
  services: Services, consumers: readonly AnyConsumer[], group: string | undefined, from: string | undefined, options: ReplayOptions = {},
): Promise<number> {
  if (!group || !from) {
    throw new UsageError(`ichnos replay: name the group and --from: ichnos replay G --from <start|ENTRY-ID|ISO-time> ${seeHelp("replay")}`);
  }
  const [consumer] = selectConsumers(consumers, [group]);
  const rebuild = options.rebuild ?? false;
  if (!rebuild && consumer!.idempotent === false) {
    throw new UsageError(
      `ichnos replay: re-applying ${group}'s entries to its live tables would count them twice; rebuild it instead: ichnos replay ${group} --from ${from} --rebuild`,
    );
  }
  const position = parseReplayFrom(from);
  if (rebuild) {
    const plan = await planRebuild(services, consumer!, from);
    if (plan.kind === "refused") {
      process.stderr.write(`${plan.message}\n`);
      return 1;
    }
    if (plan.note) process.stdout.write(`${plan.note}\n`);
    return rebuildCommand(services, consumer!, from, { ...plan.options, allowFewerRows: options.allowFewerRows ?? false }, plan.counted);
  }
  const missing = await missingHistory(services, services.keys.resolve(consumer!.reads), position);
  const fromArchive = missing.length > 0 ? await archiveSpans(services, position, missing) : null;
  if (fromArchive && fromArchive.stillMissing.length > 0) {
    const note = fromArchive.archive ? "incomplete" : "none";
    process.stderr.write(`${describeMissingHistory(services.keys, group, from, fromArchive.stillMissing, false, note)}\n`);
    return 1;
  }
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

/** `--rebuild`: shadow tables, progress on stderr, one swap at the end. */
async function rebuildCommand(
  services: Services, consumer: AnyConsumer, from: string, options: Pick<RebuildOptions, "allowFewerRows" | "archive" | "source">, counted = "entries",
): Promise<number> {
  if (tableNames(consumer).length === 0) {
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
  process.stdout.write(`rebuilt ${tableNames(consumer).join(", ")} from ${result.applied} ${counted} in ${formatDuration(Date.now() - started)}; swapped in\n`);
  if (result.deadLettered > 0) {
    process.stdout.write(`${result.deadLettered} entries failed and were dead-lettered; see "ichnos dead list ${consumer.name}", fix the projection, then "ichnos dead retry ${consumer.name}"\n`);
  }
  return 0;
}

/**
 * Says so, once per change, when no worker consumes the group (none alive within
 * CONSUMER_LIVENESS, consumer-liveness.ts): the progress would otherwise stand still silently.
 */
function livenessNotice(services: Services, consumer: AnyConsumer): () => Promise<void> {
  const streams = services.keys.resolve(consumer.reads);
  const ttlMs = services.config.consumerLivenessMs;
  let consumed: boolean | null = null;
  return async () => {
    const live = await findLiveConsumers(services.redis, services.keys, consumer.name, streams, ttlMs);
    if (consumed === live.length > 0) return;
    const first = consumed === null;
    consumed = live.length > 0;
    if (!consumed) {
      process.stderr.write(`\n${consumer.name}: no worker is consuming this group (none alive within CONSUMER_LIVENESS, ${formatDuration(ttlMs)}); ` +
        `nothing will be re-applied until one runs it: ichnos work (or ichnos drain --group ${consumer.name})\n`);
    } else if (!first) {
      process.stderr.write(`\n${consumer.name}: a worker is consuming the group again (${live.join(", ")})\n`);
    }
  };
}

/** Prints done/total, rate and ETA until the group has caught up. */
async function followProgress(services: Services, consumer: AnyConsumer, total: number): Promise<void> {
  const group = consumer.name;
  const started = Date.now();
  const checkConsumers = livenessNotice(services, consumer);
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
    await checkConsumers();
    await new Promise((r) => setTimeout(r, 1000));
  }
  process.stderr.write("\ncaught up\n");
}
