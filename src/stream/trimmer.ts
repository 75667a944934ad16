/**
 * The trimmer (DESIGN §2). Each stream is trimmed with MINID to the older of the retention
 * horizon and the slowest group's checkpoint, so no group loses anything in normal operation.
 * Only a stream over STREAM_MAX_BYTES is cut past its groups — a stuck group must not take
 * Redis down — and the groups that lose entries are named with their counts.
 */
import { loadCheckpoints, type Checkpoint } from "../db/stream-checkpoint.ts";
import type { Pool } from "../db/pool.ts";
import type { Logger } from "../logger.ts";
import type { PipelineMetrics } from "../metrics/pipeline-metrics.ts";
import type { RedisClient } from "../redis/create-redis.ts";
import { compareEntryIds, previousEntryId } from "./entry-id.ts";
import type { Keys } from "./keys.ts";
import { fieldsToRecord } from "./entry.ts";
import { recordStreamHeads } from "../db/stream-head.ts";
import { firstEntryFrom, groupInfo, lastEntry, type GroupInfo } from "./stream-commands.ts";

export interface TrimSettings {
  readonly retentionMs: number;
  readonly maxBytes: number;
  /** Consumers idle this long with nothing pending are removed (crashed processes leave them). */
  readonly consumerIdleMs?: number;
}

const DEFAULT_CONSUMER_IDLE_MS = 86_400_000;

export interface TrimReport {
  readonly stream: string;
  readonly minId: string;
  readonly trimmed: number;
  /** Entries removed by the memory cap beyond what retention and checkpoints allowed. */
  readonly forced: number;
  readonly bytesBefore: number;
  /** Entries each lagging group will count as lost. */
  readonly lostByGroup: Readonly<Record<string, number>>;
  readonly prunedConsumers: number;
}

/** Removes consumers that hold nothing and have not been seen for `idleMs`. */
async function pruneIdleConsumers(redis: RedisClient, stream: string, groups: readonly GroupInfo[], idleMs: number): Promise<number> {
  let pruned = 0;
  for (const group of groups) {
    const consumers = (await redis.call("XINFO", ["CONSUMERS", stream, group.name])) as string[][];
    for (const flat of consumers) {
      const c = fieldsToRecord(flat.map(String));
      if (Number(c.pending) === 0 && Number(c.idle) >= idleMs) {
        await redis.call("XGROUP", ["DELCONSUMER", stream, group.name, c.name!]);
        pruned += 1;
      }
    }
  }
  return pruned;
}

/** Where a group still needs the stream from: its checkpoint, or for a group we don't manage, its oldest pending entry. */
async function neededFrom(redis: RedisClient, stream: string, group: GroupInfo, cp: Checkpoint | undefined): Promise<string> {
  if (cp) return cp.lastId;
  const summary = (await redis.call("XPENDING", [stream, group.name])) as [number, string | null];
  const oldestPending = summary[1] ? previousEntryId(summary[1]) : null;
  return oldestPending && compareEntryIds(oldestPending, group.lastDeliveredId) < 0 ? oldestPending : group.lastDeliveredId;
}

export async function trimStream(
  deps: { redis: RedisClient; log: Logger; keys: Keys }, stream: string, checkpoints: readonly Checkpoint[], settings: TrimSettings, now = Date.now(),
): Promise<TrimReport> {
  const { redis } = deps;
  const groups = await groupInfo(redis, stream);
  const cps = checkpoints.filter((c) => c.stream === stream);
  let minId = `${Math.max(0, now - settings.retentionMs)}-0`;
  for (const group of groups) {
    const needed = await neededFrom(redis, stream, group, cps.find((c) => c.group === group.name));
    if (compareEntryIds(needed, minId) < 0) minId = needed;
  }
  // "~" may leave a few more entries than asked, never fewer: safe for lagging groups.
  const trimmed = Number(await redis.call("XTRIM", [stream, "MINID", "~", minId]));
  const bytesBefore = Number((await redis.call("MEMORY", ["USAGE", stream])) ?? 0);
  let forced = 0;
  const lostByGroup: Record<string, number> = {};
  if (bytesBefore > settings.maxBytes) {
    // Stream memory is not linear in entries (listpack nodes, the radix tree), so shrink until
    // under the cap, keeping 90% of it so the next append does not put it straight back over.
    let bytes = bytesBefore;
    for (let round = 0; round < 5 && bytes > settings.maxBytes; round++) {
      const length = Number(await redis.xlen(stream));
      const keep = Math.max(1, Math.floor((length * settings.maxBytes * 0.9) / bytes));
      forced += Number(await redis.call("XTRIM", [stream, "MAXLEN", "=", keep]));
      bytes = Number((await redis.call("MEMORY", ["USAGE", stream])) ?? 0);
    }
    const first = await firstEntryFrom(redis, stream);
    for (const cp of cps) {
      const lost = first ? first.seq - 1 - cp.lastEntry : 0;
      if (lost > 0) lostByGroup[cp.group] = lost;
    }
    deps.log.warn(
      { stream: deps.keys.logicalName(stream), bytes: bytesBefore, maxBytes: settings.maxBytes, removed: forced, lostByGroup },
      "stream exceeded STREAM_MAX_BYTES and was trimmed past lagging groups; find out why they lag (ichnos groups) or raise the cap",
    );
  }
  const prunedConsumers = await pruneIdleConsumers(redis, stream, groups, settings.consumerIdleMs ?? DEFAULT_CONSUMER_IDLE_MS);
  return { stream, minId, trimmed, forced, bytesBefore, lostByGroup, prunedConsumers };
}

export async function trimStreams(
  deps: { redis: RedisClient; pool: Pool; log: Logger; keys: Keys; trimMetrics?: Pick<PipelineMetrics, "trimmed"> }, streams: readonly string[], settings: TrimSettings,
): Promise<TrimReport[]> {
  const checkpoints = await loadCheckpoints(deps.pool);
  const reports: TrimReport[] = [];
  const heads: { stream: string; id: string; seq: number }[] = [];
  for (const stream of streams) {
    const report = await trimStream(deps, stream, checkpoints, settings);
    reports.push(report);
    deps.trimMetrics?.trimmed(deps.keys.logicalName(stream), "retention", report.trimmed);
    deps.trimMetrics?.trimmed(deps.keys.logicalName(stream), "max_bytes", report.forced);
    const head = await lastEntry(deps.redis, stream);
    if (head && head.seq > 0) heads.push({ stream, ...head });
  }
  // What each stream held, for counting what a later Redis data loss took (stream-head.ts).
  await recordStreamHeads(deps.pool, heads);
  const total = reports.reduce((n, r) => n + r.trimmed + r.forced, 0);
  if (total > 0) deps.log.info({ streams: reports.length, trimmed: total }, "streams trimmed");
  return reports;
}
