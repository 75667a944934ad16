/**
 * Appends that happen once per source entry, for consumers that feed other streams (the
 * internal splitter). Their checkpoint commits in MySQL *after* the append, so a crash in
 * between redelivers the batch; without a guard its observations would be appended twice and
 * counted twice by the station projectors.
 *
 * Each target stream keeps a hash `<stream>:src` of source stream → id of the last source entry
 * whose output it holds (same hash tag, so one script sees both). A batch first reads those
 * marks, leaves out what a target already holds, then appends with a compare-and-set on the mark.
 * Because one source stream's batches are applied in order under its checkpoint lock, the mark
 * only moves forward and redeliveries with other batch boundaries still append each entry once.
 */
import type { RedisClient } from "../redis/create-redis.ts";
import { defineScript } from "../redis/script.ts";
import { RESERVE_SEQUENCE_LUA } from "./append.ts";
import { ENTRY_SCHEMA_VERSION, encodePayload } from "./entry.ts";
import { KEY_FORMATS, type Keys } from "./keys.ts";
import { parseHead, type EntryHead } from "./stream-commands.ts";

// KEYS[1] stream, KEYS[2] its sequence counter, KEYS[3] its source marks.
// ARGV[1] version, ARGV[2] source, ARGV[3] expected mark ('' = none), ARGV[4] new mark, ARGV[5] payload.
const APPEND_ONCE_LUA = `
local mark = redis.call('HGET', KEYS[3], ARGV[2]) or ''
if mark ~= ARGV[3] then return redis.error_reply('MARKMOVED source mark is ' .. mark) end
local count = 1
${RESERVE_SEQUENCE_LUA}
local id = redis.call('XADD', KEYS[1], '*', 'v', ARGV[1], 'n', last, 'd', ARGV[5])
redis.call('HSET', KEYS[3], ARGV[2], ARGV[4])
return id
`;
const appendOnceScript = defineScript(APPEND_ONCE_LUA);

export const sourceMarksKey = (stream: string): string => KEY_FORMATS.sourceMarks(stream);

// The stream's newest entry and its source marks in one step (same hash tag: one slot).
const HEAD_AND_MARKS_LUA = `
return {redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1), redis.call('HGETALL', KEYS[2])}
`;
const headAndMarksScript = defineScript(HEAD_AND_MARKS_LUA);

/**
 * A target stream's newest entry together with its source marks, read atomically: what the
 * stream holds and which source entries that covers, with no append in between.
 */
export async function headAndSourceMarks(redis: RedisClient, stream: string): Promise<{ newest: EntryHead | null; marks: Map<string, string> }> {
  const [head, flat] = (await headAndMarksScript.run(redis, [stream, sourceMarksKey(stream)], [])) as [unknown, string[]];
  const marks = new Map<string, string>();
  for (let i = 0; i + 1 < flat.length; i += 2) marks.set(flat[i]!, flat[i + 1]!);
  return { newest: parseHead(head as Parameters<typeof parseHead>[0]), marks };
}

/** Every source mark a target stream holds: source → id of the last source entry it holds. */
export async function allSourceMarks(redis: RedisClient, stream: string): Promise<Map<string, string>> {
  return new Map(Object.entries(await redis.hgetall(sourceMarksKey(stream))));
}

/** The id of the last `source` entry each target already holds (null: none yet). */
export async function readSourceMarks(
  redis: RedisClient, targets: readonly string[], source: string,
): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>();
  if (targets.length === 0) return out;
  const replies = await Promise.all(targets.map((t) => redis.hget(sourceMarksKey(t), source)));
  for (const [i, t] of targets.entries()) out.set(t, replies[i] ?? null);
  return out;
}

export interface OnceAppend {
  readonly stream: string;
  readonly payload: unknown;
  /** The mark read by `readSourceMarks`. */
  readonly expectedMark: string | null;
}

/**
 * Appends one entry per target and moves each target's mark for `source` to `newMark`. Throws
 * when a mark moved since it was read (another applier of the same source: the batch is retried).
 */
export async function appendOnce(
  redis: RedisClient, keys: Keys, source: string, newMark: string, appends: readonly OnceAppend[],
): Promise<string[]> {
  // Parallel EVALSHAs: ioredis pipelines them on one connection (and routes them per slot on a
  // Cluster). Each is atomic on its own; a crash between them is what the marks are for.
  return Promise.all(appends.map(async (a) => {
    const args = [ENTRY_SCHEMA_VERSION, source, a.expectedMark ?? "", newMark, encodePayload(a.payload)];
    return (await appendOnceScript.run(redis, [a.stream, keys.sequence(a.stream), sourceMarksKey(a.stream)], args)) as string;
  }));
}
