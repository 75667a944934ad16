/**
 * What the live feed reads from the reports streams: at each tick, only the newest `maxPerTick`
 * entries since the last tick (one `XREVRANGE … COUNT` per stream), and how many others arrived
 * meanwhile, from the entries' dense sequence numbers (entry.ts) — so a web process never reads,
 * transfers or parses the entries a frame has no room for. Reading every entry (XREAD) cost the
 * web process a tenth of its submit throughput at 15,000 reports/s (bench:live), for entries the
 * feed then only counted.
 *
 * No consumer group: nothing here moves a checkpoint or holds back the trimmer. `reset()` forgets
 * the position and `sync()` finds "now" (the feed calls both when its first browser connects:
 * a feed nobody watched has nothing to catch up, and what arrives after the browser did is shown).
 */
import type { RedisClient } from "../redis/create-redis.ts";
import type { RawEntry } from "../stream/entry.ts";
import { compareEntryIds } from "../stream/entry-id.ts";
import { lastEntry, newestAfter } from "../stream/stream-commands.ts";
import type { FeedEntry } from "./live-feed.ts";

export interface SampledStream {
  /** The Redis key. */
  readonly key: string;
  /** Its catalogue name, shown to full-feed clients. */
  readonly logical: string;
  /** Its sequence counter's key (Keys.sequence). */
  readonly sequenceKey: string;
}

export interface Sample {
  /** Oldest first, at most `maxPerTick`, across all streams. */
  readonly entries: readonly FeedEntry[];
  /** Entries appended since the last tick that are not in `entries`. */
  readonly omitted: number;
}

export interface ReportSampler {
  /** Finds where "now" is, unless known; concurrent calls share one read. */
  sync(): Promise<void>;
  /** What arrived since the last tick or sync; before any sync it syncs and returns nothing. */
  tick(): Promise<Sample>;
  /** Forgets the position: the next sync finds "now" again. */
  reset(): void;
}

interface Position {
  readonly id: string;
  readonly seq: number;
}

export function createReportSampler(redis: RedisClient, streams: readonly SampledStream[], maxPerTick: number): ReportSampler {
  // Per stream, the newest entry seen; null: not known yet (the next tick finds it).
  let positions: (Position | null)[] = streams.map(() => null);
  let syncing: Promise<void> | null = null;

  /** The stream's head; an empty stream's is its sequence counter with id 0-0 (the append script INCRs and XADDs atomically). */
  const head = async ({ key, sequenceKey }: SampledStream): Promise<Position> => {
    const newest = await lastEntry(redis, key);
    if (newest) return newest;
    const counter = await redis.get(sequenceKey);
    return { id: "0-0", seq: Number(counter ?? 0) };
  };

  const newer = async (key: string, after: Position): Promise<{ entries: RawEntry[]; arrived: number }> => {
    const entries = (await newestAfter(redis, key, after.id, maxPerTick)).filter((e) => !e.error).reverse();
    const last = entries[entries.length - 1];
    return { entries, arrived: last ? Math.max(entries.length, last.seq - after.seq) : 0 };
  };

  const sync = (): Promise<void> => {
    if (!positions.some((p) => p === null)) return Promise.resolve();
    if (!syncing) {
      const started = Promise.all(streams.map((s, i) => positions[i] ?? head(s))).then(
        (found) => {
          // A reset while reading makes this read stale: the next sync starts again.
          if (syncing === started) positions = found;
        },
        (err: unknown) => {
          if (syncing === started) syncing = null;
          throw err;
        },
      );
      syncing = started;
    }
    return syncing;
  };

  return {
    sync,
    async tick() {
      if (positions.some((p) => p === null)) {
        await sync();
        return { entries: [], omitted: 0 };
      }
      const from = positions;
      const reads = await Promise.all(streams.map((s, i) => newer(s.key, from[i]!)));
      // Reset while reading (everyone left and someone came back): this read is from before "now".
      if (positions !== from) return { entries: [], omitted: 0 };
      const all: FeedEntry[] = [];
      let arrived = 0;
      reads.forEach((r, i) => {
        arrived += r.arrived;
        const last = r.entries[r.entries.length - 1];
        if (last) from[i] = { id: last.id, seq: last.seq };
        for (const e of r.entries) if (e.fields.d !== undefined) all.push({ id: e.id, stream: streams[i]!.logical, text: e.fields.d });
      });
      // Across streams, ids order entries by their millisecond only; within a stream by the id.
      all.sort((a, b) => compareEntryIds(a.id, b.id));
      const entries = all.length > maxPerTick ? all.slice(-maxPerTick) : all;
      return { entries, omitted: arrived - entries.length };
    },
    reset() {
      positions = streams.map(() => null);
      syncing = null;
    },
  };
}
