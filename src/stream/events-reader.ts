/**
 * Pages through the reports streams in entry-id order for `/v1/events`. Partitions have ids of
 * their own, so the order is (id, partition) and the cursor carries both. Stable under
 * concurrent appends: a page ends before the current millisecond of the Redis clock, and Redis
 * never gives a new entry an id below it, so nothing can appear behind a cursor already handed out.
 */
import type { RedisClient } from "../redis/create-redis.ts";
import { compareEntryIds, isEntryId } from "./entry-id.ts";
import type { RawEntry } from "./entry.ts";
import type { Keys } from "./keys.ts";
import { readRange } from "./stream-commands.ts";

export interface EventCursor {
  readonly id: string;
  readonly partition: number;
}

export interface EventPage {
  readonly events: readonly { cursor: string; partition: number; entry: RawEntry }[];
  /** Pass as `after` for the next page; the same cursor again when nothing newer exists yet. */
  readonly next: string | null;
  /** True when more entries are already waiting past this page. */
  readonly more: boolean;
}

export function formatCursor(c: EventCursor): string {
  return `${c.id}.${c.partition}`;
}

/** `<ms>-<seq>` (after that id in every partition) or `<ms>-<seq>.<partition>`. */
export function parseCursor(text: string, partitions: number): EventCursor | null {
  const [id, p] = text.split(".");
  if (!id || !isEntryId(id)) return null;
  if (p === undefined) return { id, partition: partitions - 1 };
  if (!/^\d+$/.test(p) || Number(p) >= partitions) return null;
  return { id, partition: Number(p) };
}

function compareEvents(a: { entry: RawEntry; partition: number }, b: { entry: RawEntry; partition: number }): number {
  return compareEntryIds(a.entry.id, b.entry.id) || a.partition - b.partition;
}

export async function readEventPage(redis: RedisClient, keys: Keys, after: EventCursor | null, limit: number): Promise<EventPage> {
  const [seconds, micros] = (await redis.call("TIME")) as [string, string];
  const nowMs = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
  const end = `${nowMs - 1}-18446744073709551615`;
  const streams = keys.reportStreams();
  const perPartition = await Promise.all(streams.map(async (stream, partition) => {
    // Within the cursor's own id, partitions up to the cursor's were already handed out.
    const start = !after ? "-" : partition <= after.partition ? `(${after.id}` : after.id;
    const entries = await readBetween(redis, stream, start, end, limit + 1);
    return entries.map((entry) => ({ entry, partition }));
  }));
  const all = perPartition.flat().sort(compareEvents);
  const page = all.slice(0, limit).map((e) => ({ ...e, cursor: formatCursor({ id: e.entry.id, partition: e.partition }) }));
  const last = page.at(-1);
  return {
    events: page,
    next: last ? last.cursor : after ? formatCursor(after) : null,
    more: all.length > limit,
  };
}

async function readBetween(redis: RedisClient, stream: string, start: string, end: string, count: number): Promise<RawEntry[]> {
  // A start past the end (an entry of the current millisecond) is simply an empty range.
  if (!start.startsWith("(") && start !== "-" && compareEntryIds(start, end) > 0) return [];
  const entries = await readRange(redis, stream, start, count);
  return entries.filter((e) => compareEntryIds(e.id, end) <= 0);
}
