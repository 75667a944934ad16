/**
 * Pages through the reports streams in entry-id order for `/v1/events`. Partitions have ids of
 * their own, so the order is (id, partition) and the cursor carries both. Stable under
 * concurrent appends: a page ends before the current millisecond of the Redis clock, and Redis
 * never gives a new entry an id below it, so nothing can appear behind a cursor already handed out.
 */
import type { RedisClient } from "../redis/create-redis.ts";
import { readBoundedRange, type SizedEntry } from "./bounded-range.ts";
import { compareEntryIds, isEntryId } from "./entry-id.ts";
import { decodeEntry, type RawEntry } from "./entry.ts";
import type { Keys } from "./keys.ts";

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
  const [id, p, ...rest] = text.split(".");
  if (!id || !isEntryId(id) || rest.length > 0) return null;
  if (p === undefined) return { id, partition: partitions - 1 };
  if (!/^\d+$/.test(p) || Number(p) >= partitions) return null;
  return { id, partition: Number(p) };
}

interface Sized {
  readonly partition: number;
  readonly entry: SizedEntry;
}

function compareEvents(a: Sized, b: Sized): number {
  return compareEntryIds(a.entry.id, b.entry.id) || a.partition - b.partition;
}

/**
 * At most `limit` entries and `maxBytes` of fields (a single larger entry still makes a page, so
 * the cursor always moves). Each partition is read with both bounds on the Redis side; a
 * partition that stopped at one may hold further entries below those other partitions returned,
 * so the page ends at the lowest last entry among those, and is then cut at both bounds again.
 */
export async function readEventPage(
  redis: RedisClient, keys: Keys, after: EventCursor | null, limit: number, maxBytes: number,
): Promise<EventPage> {
  const [seconds, micros] = (await redis.call("TIME")) as [string, string];
  const nowMs = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
  const end = `${nowMs - 1}-18446744073709551615`;
  const streams = keys.reportStreams();
  const reads = await Promise.all(streams.map(async (stream, partition) => {
    // Within the cursor's own id, partitions up to the cursor's were already handed out.
    const start = !after ? "-" : partition <= after.partition ? `(${after.id}` : after.id;
    const range = await readBoundedRange(redis, stream, start, end, limit + 1, maxBytes);
    return { full: range.full, entries: range.entries.map((entry) => ({ entry, partition })) };
  }));
  let horizon: Sized | undefined;
  for (const read of reads) {
    const last = read.entries.at(-1);
    if (read.full && last && (!horizon || compareEvents(last, horizon) < 0)) horizon = last;
  }
  const all = reads.flatMap((r) => r.entries).sort(compareEvents);
  const page = takePrefix(all, limit, maxBytes, horizon).map(({ entry, partition }) => ({
    partition,
    cursor: formatCursor({ id: entry.id, partition }),
    entry: decodeEntry(streams[partition]!, entry.id, entry.fields),
  }));
  const last = page.at(-1);
  return {
    events: page,
    next: last ? last.cursor : after ? formatCursor(after) : null,
    // A partition that stopped at a bound had at least one entry past what this page holds.
    more: all.length > page.length || reads.some((r) => r.full),
  };
}

function takePrefix(sorted: readonly Sized[], limit: number, maxBytes: number, horizon: Sized | undefined): Sized[] {
  let bytes = 0;
  let n = 0;
  for (const e of sorted) {
    if (n === limit || (horizon && compareEvents(e, horizon) > 0)) break;
    if (n > 0 && bytes + e.entry.bytes > maxBytes) break;
    bytes += e.entry.bytes;
    n++;
  }
  return sorted.slice(0, n);
}
