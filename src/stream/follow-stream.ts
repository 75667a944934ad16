/**
 * Following a stream as it grows, without a consumer group: nothing is acknowledged, no
 * checkpoint moves, the trimmer is not held back. Starts at "now" (`$`), so a follower that
 * restarts misses what arrived meanwhile: for live views, never for projections.
 * One blocking connection per stream: streams carry their own Cluster hash tags, so one XREAD
 * cannot name several of them.
 */
import type { RedisClient } from "../redis/create-redis.ts";
import { sleep } from "../util/sleep.ts";
import type { RawEntry } from "./entry.ts";
import { parseEntries } from "./stream-commands.ts";

export interface FollowOptions {
  readonly blockMs: number;
  readonly count: number;
  /** Called for each read that returned entries; a throw is the caller's to log, the follower goes on. */
  readonly onEntries: (entries: readonly RawEntry[]) => void;
  readonly onError: (err: unknown) => void;
  readonly signal: AbortSignal;
  /** Whether the payloads are wanted now; false: entries come undecoded (`data` null), cheaply. */
  readonly decode?: () => boolean;
}

export async function followStream(reader: RedisClient, stream: string, o: FollowOptions): Promise<void> {
  let after = "$";
  let failures = 0;
  while (!o.signal.aborted) {
    try {
      const reply = (await reader.call("XREAD", ["COUNT", o.count, "BLOCK", o.blockMs, "STREAMS", stream, after])) as [string, unknown][] | null;
      failures = 0;
      const entries = reply?.[0] ? parseEntries(stream, reply[0][1] as never, o.decode?.() ?? true) : [];
      if (entries.length === 0) continue;
      after = entries[entries.length - 1]!.id;
      o.onEntries(entries);
    } catch (err) {
      if (o.signal.aborted) break;
      failures += 1;
      o.onError(err);
      await sleep(Math.min(5000, 100 * 2 ** Math.min(failures, 6)), o.signal);
    }
  }
}
