/**
 * The internal export (SPEC §4.6): reports → validated observations, one batch entry per
 * observation stream per input batch (DESIGN §2). Appends are made exactly-once per report by
 * source marks (append-once.ts), because they happen before the group's checkpoint commits.
 */
import type { ReportEntry } from "../domain/report.ts";
import type { ObservationBatch, ReportPart, StationKind } from "../domain/observation/types.ts";
import { observationShard, splitNetworks } from "../domain/observation/split-report.ts";
import type { RegionLookup } from "../geo/region-lookup.ts";
import type { RedisClient } from "../redis/create-redis.ts";
import type { ProjectContext } from "../stream/define-consumer.ts";
import type { StreamName } from "../stream/streams.ts";
import { compareEntryIds } from "../stream/entry-id.ts";
import type { StreamEntry } from "../stream/entry.ts";
import type { Keys } from "../stream/keys.ts";
import { getOrCreate } from "../util/get-or-create.ts";

export interface SplitterDeps {
  readonly redis: RedisClient;
  readonly keys: Keys;
  readonly regions: RegionLookup;
}

export interface SplitStats {
  reports: number;
  reportsDropped: number;
  observations: number;
  networksDropped: number;
}

const KINDS: readonly StationKind[] = ["blue", "wifi", "cell"];

interface ReportGroup {
  readonly id: string;
  readonly part: ReportPart;
  readonly networks: object[];
}

/** The observations of a batch of reports for one observation stream. */
export interface Target {
  readonly stream: string;
  /** Per report (by entry id, in stream order): its part and the networks for this shard. */
  readonly reports: Map<string, ReportGroup>;
}

export const emptySplitStats = (): SplitStats => ({ reports: 0, reportsDropped: 0, observations: 0, networksDropped: 0 });

/** Each observation stream's share of a batch of reports, by stream key. */
export function splitIntoTargets(
  entries: readonly StreamEntry<ReportEntry>[], deps: Pick<SplitterDeps, "keys" | "regions">, stats: SplitStats = emptySplitStats(),
): Map<string, Target> {
  const targets = new Map<string, Target>();
  for (const entry of entries) {
    const split = splitNetworks(entry.data, deps.regions);
    stats.reports += 1;
    const { part } = split;
    const found = split.blue.length + split.wifi.length + split.cell.length;
    if (part === null || found === 0) stats.reportsDropped += 1;
    stats.networksDropped += split.droppedNetworks.blue + split.droppedNetworks.wifi + split.droppedNetworks.cell;
    if (part === null) continue;
    for (const kind of KINDS) {
      for (const network of split[kind]) {
        const stream = deps.keys.stream(`obs:${kind}:${observationShard(kind, network)}`);
        const target = getOrCreate(targets, stream, () => ({ stream, reports: new Map<string, ReportGroup>() }));
        getOrCreate(target.reports, entry.id, () => ({ id: entry.id, part, networks: [] })).networks.push(network);
      }
    }
  }
  return targets;
}

/** The entry appended for a target: `first` and `last` are the whole input batch's ids. */
export function observationBatch(sourceStream: string, first: string, last: string, groups: readonly ReportGroup[]): ObservationBatch {
  return {
    src: { stream: sourceStream, first, last },
    reports: groups.map((g) => ({ part: g.part, networks: g.networks })),
  } as ObservationBatch;
}

/**
 * Splits a batch of report entries from the context's reports stream and appends the
 * observations through the context's exactly-once output (marks per group and stream).
 */
export async function splitAndAppend(
  keys: Keys, ctx: Pick<ProjectContext, "stream" | "regions" | "output" | "log">, entries: readonly StreamEntry<ReportEntry>[],
): Promise<SplitStats> {
  const stats = emptySplitStats();
  if (entries.length === 0) return stats;
  const targets = splitIntoTargets(entries, { keys, regions: ctx.regions }, stats);
  const names = new Map([...targets.keys()].map((key) => [key, keys.logicalName(key) as StreamName]));
  const held = await ctx.output.heldThrough([...names.values()]);
  const first = entries[0]!.id;
  const last = entries[entries.length - 1]!.id;
  const appends = [];
  for (const target of targets.values()) {
    const name = names.get(target.stream)!;
    const mark = held.get(name) ?? null;
    // Reports this stream already holds the output of (a redelivery after a crash) are left out.
    const groups = [...target.reports.values()];
    const fresh = mark === null ? groups : groups.filter((g) => compareEntryIds(g.id, mark) > 0);
    if (fresh.length === 0) continue;
    for (const g of fresh) stats.observations += g.networks.length;
    appends.push({ target: name, payload: observationBatch(ctx.stream, first, last, fresh), held: mark });
  }
  await ctx.output.append(last, appends);
  ctx.log.debug({ ...stats, streams: appends.length }, "reports split into observations");
  return stats;
}
