/**
 * Appending entries. One Lua script call per stream per batch stamps every entry with the
 * stream's next dense sequence numbers and XADDs it, atomically: a reader seeing `n` jump
 * knows exactly how many entries it never got (DESIGN §2). Batches for several streams go out
 * in one MULTI/EXEC round trip (standalone: a connection lost midway writes none of them, so a
 * client told to retry does not duplicate half its upload) or in parallel (Cluster: streams live
 * in different slots).
 */
import { Cluster } from "ioredis";
import { commandDeadline, type RedisClient } from "../redis/create-redis.ts";
import { defineScript } from "../redis/script.ts";
import { ENTRY_SCHEMA_VERSION, encodePayload } from "./entry.ts";
import type { Keys } from "./keys.ts";

/**
 * Lua that reserves `count` sequence numbers of stream KEYS[1] from its counter KEYS[2] and leaves
 * the last one in `last`. If the counter vanished while the stream survived (a key deleted by
 * hand), it is re-seeded from the newest entry so sequence numbers never repeat within a stream.
 */
export const RESERVE_SEQUENCE_LUA = `
local last = redis.call('INCRBY', KEYS[2], count)
if last == count then
  local tail = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
  if tail[1] then
    local f = tail[1][2]
    for i = 1, #f, 2 do
      if f[i] == 'n' then last = redis.call('INCRBY', KEYS[2], tonumber(f[i + 1])) end
    end
  end
end
`;

// KEYS[1] stream, KEYS[2] its sequence counter; ARGV[1] schema version; ARGV[2] the caller's
// deadline (Unix ms, 0: none); ARGV[3..] payloads. A call that reaches Redis after the caller
// stopped waiting (a frozen server that wakes up, bytes left in a half-open connection) writes
// nothing: the client was already told the upload failed and will send it again.
const APPEND_LUA = `
local deadline = tonumber(ARGV[2])
if deadline > 0 then
  local t = redis.call('TIME')
  if tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) > deadline then
    return redis.error_reply('LATE the caller stopped waiting before this append ran; nothing written')
  end
end
local count = #ARGV - 2
${RESERVE_SEQUENCE_LUA}
local ids = {}
for i = 1, count do
  ids[i] = redis.call('XADD', KEYS[1], '*', 'v', ARGV[1], 'n', last - count + i, 'd', ARGV[i + 2])
end
return ids
`;
const appendScript = defineScript(APPEND_LUA);

/** Entries per script call: keeps each call short so Redis stays responsive. */
const MAX_PER_CALL = 500;

export interface AppendBatch {
  readonly stream: string;
  readonly payloads: readonly unknown[];
  /** The payloads are `encodePayload` text already (a caller that measured them): sent as they are. */
  readonly encoded?: boolean;
}

export interface Appender {
  /** Appends payloads to one stream; resolves to their entry ids in order. */
  append(stream: string, payloads: readonly unknown[], version?: number): Promise<string[]>;
  /** Appends to several streams in one round trip; ids per batch, in order. */
  appendMany(batches: readonly AppendBatch[], version?: number): Promise<string[][]>;
}

export function createAppender(redis: RedisClient, keys: Keys): Appender {
  let loaded: Promise<void> | null = null;
  const ensureLoaded = () => {
    loaded ??= appendScript.load(redis).catch((err) => {
      loaded = null;
      throw err;
    });
    return loaded;
  };

  const chunks = (batch: AppendBatch) => {
    const encoded = batch.encoded ? (batch.payloads as readonly string[]) : batch.payloads.map(encodePayload);
    const out: string[][] = [];
    for (let i = 0; i < encoded.length; i += MAX_PER_CALL) out.push(encoded.slice(i, i + MAX_PER_CALL));
    return out;
  };

  async function appendMany(batches: readonly AppendBatch[], version = ENTRY_SCHEMA_VERSION): Promise<string[][]> {
    const calls = batches.flatMap((batch, index) =>
      chunks(batch).map((payloads) => ({ index, stream: batch.stream, payloads })),
    );
    const results: string[][] = batches.map(() => []);
    if (calls.length === 0) return results;
    const argsOf = (payloads: string[]) => [version, commandDeadline(redis), ...payloads];
    const keysOf = (stream: string) => [stream, keys.sequence(stream)];

    if (calls.length === 1 || redis instanceof Cluster) {
      const replies = await Promise.all(
        calls.map((c) => appendScript.run(redis, keysOf(c.stream), argsOf(c.payloads))),
      );
      for (const [i, ids] of replies.entries()) results[calls[i]!.index]!.push(...(ids as string[]));
      return results;
    }
    await ensureLoaded();
    const transaction = redis.multi();
    for (const c of calls) appendScript.queue(transaction, keysOf(c.stream), argsOf(c.payloads));
    const replies = (await transaction.exec()) ?? [];
    for (const [i, [err, ids]] of replies.entries()) {
      const call = calls[i]!;
      if (!err) {
        results[call.index]!.push(...(ids as string[]));
      } else if (String(err.message).startsWith("NOSCRIPT")) {
        // The server lost its script cache after the load (restart): this call wrote nothing.
        loaded = null;
        const again = await appendScript.run(redis, keysOf(call.stream), argsOf(call.payloads));
        results[call.index]!.push(...(again as string[]));
      } else {
        throw err;
      }
    }
    return results;
  }

  return {
    append: async (stream, payloads, version) => (await appendMany([{ stream, payloads }], version))[0] ?? [],
    appendMany,
  };
}

/** An entry as it was first appended: its id, number, schema version and payload text. */
export interface RecordedEntry {
  readonly id: string;
  readonly seq: number;
  readonly version: number;
  readonly text: string;
}

/**
 * Appends entries with the ids and numbers they had (a restore from the archive), in one
 * pipeline, oldest first. The caller moves the sequence counter past them once it is done.
 */
export async function appendAsRecorded(redis: RedisClient, stream: string, entries: readonly RecordedEntry[]): Promise<void> {
  const pipeline = redis.pipeline();
  for (const e of entries) pipeline.xadd(stream, e.id, "v", e.version, "n", e.seq, "d", e.text);
  for (const [err] of (await pipeline.exec()) ?? []) if (err) throw err;
}
