/**
 * The one place a projection's context is built, for live batches, replays, rebuilds and
 * dead-letter retries alike: the transaction, names, and the capabilities consumers get instead
 * of capturing clients of their own (appending to the catalogue's streams, regions).
 */
import type { PoolConnection } from "../db/pool.ts";
import { lazyRegionLookup } from "../geo/lazy-regions.ts";
import type { RegionLookup } from "../geo/region-lookup.ts";
import type { Logger } from "../logger.ts";
import type { RedisClient } from "../redis/create-redis.ts";
import { createAppender, type Appender } from "./append.ts";
import { appendOnce, readSourceMarks } from "./append-once.ts";
import { type AfterRebuildContext, liveTable, type OnceOutput, type ProjectContext } from "./define-consumer.ts";
import type { Keys } from "./keys.ts";
import type { StreamName } from "./streams.ts";

/** One appender per Redis client and key set: it keeps the append script's loaded state. */
const appenders = new WeakMap<RedisClient, WeakMap<Keys, Appender>>();
const appenderOf = (redis: RedisClient, keys: Keys): Appender => {
  let byKeys = appenders.get(redis);
  if (!byKeys) {
    byKeys = new WeakMap();
    appenders.set(redis, byKeys);
  }
  const known = byKeys.get(keys);
  if (known) return known;
  const appender = createAppender(redis, keys);
  byKeys.set(keys, appender);
  return appender;
};

/** The boundaries load on first use, once per process. */
let defaultRegions: RegionLookup | null = null;
const regionsOrDefault = (given: RegionLookup | undefined): RegionLookup => {
  if (given) return given;
  defaultRegions ??= lazyRegionLookup();
  return defaultRegions;
};

export interface ContextParts {
  readonly tx: PoolConnection;
  readonly log: Logger;
  readonly group: string;
  readonly streamKey: string;
  readonly redis: RedisClient;
  readonly keys: Keys;
  readonly consumer: string;
  readonly regions?: RegionLookup;
  readonly table?: (name: string) => string;
  readonly rebuilding?: boolean;
  /** Collects the projection's `afterCommit` callbacks for whoever commits its transaction. */
  readonly onCommit: (fn: () => void) => void;
}

export function projectContext(parts: ContextParts): ProjectContext {
  const { redis, keys } = parts;
  const stream = keys.logicalName(parts.streamKey);
  return {
    tx: parts.tx, log: parts.log, group: parts.group, stream, streamKey: parts.streamKey, consumer: parts.consumer,
    table: parts.table ?? liveTable, rebuilding: parts.rebuilding ?? false,
    regions: regionsOrDefault(parts.regions),
    append: (target, payloads) => appenderOf(redis, keys).append(keys.stream(target), payloads),
    output: onceOutput(redis, keys, `${parts.group}@${stream}`),
    afterCommit: parts.onCommit,
  };
}

export function afterRebuildContext(parts: { readonly tx: PoolConnection; readonly log: Logger; readonly redis: RedisClient; readonly keys: Keys }): AfterRebuildContext {
  return { tx: parts.tx, log: parts.log, append: (target, payloads) => appenderOf(parts.redis, parts.keys).append(parts.keys.stream(target), payloads) };
}

/** Marks are per group and source stream (`<group>@<stream>`): two groups may feed one target. */
function onceOutput(redis: RedisClient, keys: Keys, source: string): OnceOutput {
  return {
    async heldThrough(targets) {
      const marks = await readSourceMarks(redis, targets.map((t) => keys.stream(t)), source);
      return new Map(targets.map((t) => [t, marks.get(keys.stream(t)) ?? null] as [StreamName, string | null]));
    },
    append: (through, appends) =>
      appendOnce(redis, keys, source, through, appends.map((a) => ({ stream: keys.stream(a.target), payload: a.payload, expectedMark: a.held }))),
  };
}
