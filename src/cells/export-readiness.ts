/**
 * Whether every cell modified before a cutoff S is in MySQL, so that an export whose window ends
 * at S is complete. A cell's `modified` is when the report it was learned from arrived (the
 * report entry's id; station-projector.ts `derivationTime`), and a report reaches the cell
 * tables in two steps, so readiness is two conditions, checked in order:
 *
 * 1. every splitter group (`export:<name>` of an `internal` export_config row) has applied every
 *    entry before S on every reports stream: the first entry after its checkpoint is at or past
 *    S, or there is none (lag 0);
 * 2. the heads of the cell observation streams, recorded once per S in Redis right after 1 held,
 *    are applied by their `station:cell:<radio>` groups.
 *
 * Each time the checkpoint (MySQL) is read before the stream: entries appended after that read
 * can only make the group look further behind, never further ahead. The splitter appends its
 * observations before its checkpoint commits, so heads read after 1 held include them all.
 */
import type { Pool } from "../db/pool.ts";
import { loadExportConfigs } from "../db/export-configs.ts";
import { loadCheckpoint } from "../db/stream-checkpoint.ts";
import { exportGroupName } from "../domain/export-config.ts";
import { STATION_RADIOS } from "../domain/observation/types.ts";
import type { RedisClient } from "../redis/create-redis.ts";
import { compareEntryIds, entryIdTime } from "../stream/entry-id.ts";
import { KEY_FORMATS, type Keys } from "../stream/keys.ts";
import { firstEntryFrom, lastEntry } from "../stream/stream-commands.ts";

/** How long an export waits for a lagging pipeline before it is written anyway (with a warning). */
export const READINESS_GRACE_MS = 15 * 60_000;
/** The record outlives any wait: the oldest export the job writes late is a day old. */
const RECORD_TTL_MS = 2 * 86_400_000;

export interface ReadinessDeps {
  readonly pool: Pool;
  readonly redis: RedisClient;
  readonly keys: Keys;
}

export interface LaggingGroup {
  readonly group: string;
  /** The logical stream name, e.g. `reports:0`, `obs:cell:gsm`. */
  readonly stream: string;
  readonly checkpoint: string | null;
  /** What the group must apply: `entries before <ISO time>`, or the stream head's id. */
  readonly target: string;
}

export interface ExportReadiness {
  readonly ready: boolean;
  readonly lagging: readonly LaggingGroup[];
}

export type PublishDecision = "publish" | "wait" | "overdue";

/**
 * Publish when ready; otherwise wait until READINESS_GRACE_MS after the export became due, or
 * after the job first found it due if that was later (after an outage of every worker, the
 * pipeline catching up gets its quarter of an hour too, instead of diffs written before it).
 */
export function publishDecision(readiness: ExportReadiness, dueMs: number, waitingSinceMs: number, nowMs: number): PublishDecision {
  if (readiness.ready) return "publish";
  return nowMs >= Math.max(dueMs, waitingSinceMs) + READINESS_GRACE_MS ? "overdue" : "wait";
}

const recordKey = (keys: Keys, cutoffMs: number) => KEY_FORMATS.cellExportReadiness(keys.prefix, cutoffMs);

/** Records that an export with this cutoff is due (first call wins); resolves to when it was first noted. */
export async function noteExportDue(deps: Pick<ReadinessDeps, "redis" | "keys">, cutoffMs: number, nowMs: number): Promise<number> {
  const key = recordKey(deps.keys, cutoffMs);
  await deps.redis.hsetnx(key, "since", String(nowMs));
  await deps.redis.pexpire(key, RECORD_TTL_MS);
  return Number(await deps.redis.hget(key, "since"));
}

/** The first entry after the group's checkpoint (from the start without one); null: none. */
async function nextUnapplied(deps: ReadinessDeps, group: string, stream: string): Promise<{ checkpoint: string | null; next: string | null }> {
  const cp = await loadCheckpoint(deps.pool, group, stream);
  const next = await firstEntryFrom(deps.redis, stream, cp ? `(${cp.lastId}` : "-");
  return { checkpoint: cp?.lastId ?? null, next: next?.id ?? null };
}

async function splittersBehind(deps: ReadinessDeps, cutoffMs: number): Promise<LaggingGroup[]> {
  const groups = (await loadExportConfigs(deps.pool)).filter((c) => c.schema === "internal").map((c) => exportGroupName(c.name));
  const out: LaggingGroup[] = [];
  for (const group of groups) {
    for (const stream of deps.keys.reportStreams()) {
      const { checkpoint, next } = await nextUnapplied(deps, group, stream);
      if (next !== null && entryIdTime(next).getTime() < cutoffMs) {
        out.push({ group, stream: deps.keys.logicalName(stream), checkpoint, target: `entries before ${new Date(cutoffMs).toISOString()}` });
      }
    }
  }
  return out;
}

const cellStreams = () => STATION_RADIOS.map((radio) => ({ logical: `obs:cell:${radio}`, group: `station:cell:${radio}` }));

/** The cell observation streams' heads for this cutoff: read and stored by the first caller, then fixed. */
async function recordedHeads(deps: ReadinessDeps, cutoffMs: number): Promise<Record<string, string>> {
  const key = recordKey(deps.keys, cutoffMs);
  const stored = await deps.redis.hget(key, "heads");
  if (stored !== null) return JSON.parse(stored) as Record<string, string>;
  const heads: Record<string, string> = {};
  for (const { logical } of cellStreams()) {
    const head = await lastEntry(deps.redis, deps.keys.stream(logical));
    if (head) heads[logical] = head.id;
  }
  await deps.redis.hsetnx(key, "heads", JSON.stringify(heads));
  await deps.redis.pexpire(key, RECORD_TTL_MS);
  return JSON.parse((await deps.redis.hget(key, "heads")) ?? "{}") as Record<string, string>;
}

async function projectorsBehind(deps: ReadinessDeps, heads: Readonly<Record<string, string>>): Promise<LaggingGroup[]> {
  const out: LaggingGroup[] = [];
  for (const { logical, group } of cellStreams()) {
    const head = heads[logical];
    if (head === undefined) continue;
    const { checkpoint, next } = await nextUnapplied(deps, group, deps.keys.stream(logical));
    // Entries past the head are newer than the cutoff's reports; trimmed or dead-lettered ones count as applied.
    if (next !== null && compareEntryIds(next, head) <= 0) out.push({ group, stream: logical, checkpoint, target: head });
  }
  return out;
}

export async function readExportReadiness(deps: ReadinessDeps, cutoffMs: number): Promise<ExportReadiness> {
  const splitters = await splittersBehind(deps, cutoffMs);
  if (splitters.length > 0) return { ready: false, lagging: splitters };
  const projectors = await projectorsBehind(deps, await recordedHeads(deps, cutoffMs));
  return { ready: projectors.length === 0, lagging: projectors };
}
