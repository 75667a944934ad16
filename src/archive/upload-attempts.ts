/**
 * Which objects earlier attempts at a batch may have left in the archive. An attempt uploads,
 * then its checkpoint commits; a crash or an error in between leaves an object for entries the
 * group has not moved past, and the retry (same first entry, perhaps other boundaries) must
 * delete it. Finding such objects by listing the first entry's key prefix costs an S3 LIST per
 * batch, the most expensive request S3 has and, on a busy archive, a slow one; so each group
 * records the keys it is about to upload in a Redis hash next to the stream, and the listing is
 * needed only when that record does not exist (a new group, or Redis lost it).
 *
 * The hash `<stream>:archive:<group>` (Keys.archiveAttempts) maps a batch's start (bucket and key up to `_`) to the keys
 * attempted for it. Attempts at one group and stream are made one at a time, inside the
 * transaction that holds the checkpoint row; a batch starts right after the checkpoint, so an
 * attempt at a start settles every record of an earlier start in the same place: those entries
 * are committed, and their retries deleted what they superseded.
 */
import type { RedisClient } from "../redis/create-redis.ts";
import { defineScript } from "../redis/script.ts";

// KEYS[1] the record; ARGV[1] the batch's start, ARGV[2] the key about to be uploaded, ARGV[3]
// the place (bucket and partition prefix) whose earlier starts are settled.
// Returns { 1 if the record existed, the keys attempted before for this start, one a line ('' for none) }.
const RECORD_ATTEMPT_LUA = `
local record, start, key, place = KEYS[1], ARGV[1], ARGV[2], ARGV[3]
local existed = redis.call('EXISTS', record)
local earlier = redis.call('HGET', record, start) or ''
for _, field in ipairs(redis.call('HKEYS', record)) do
  if field < start and string.sub(field, 1, #place) == place then redis.call('HDEL', record, field) end
end
local keys = earlier
if not string.find('\\n' .. earlier .. '\\n', '\\n' .. key .. '\\n', 1, true) then
  keys = earlier == '' and key or (earlier .. '\\n' .. key)
end
redis.call('HSET', record, start, keys)
return { existed, earlier }
`;
const recordAttemptScript = defineScript(RECORD_ATTEMPT_LUA);

export interface AttemptRecord {
  readonly redis: RedisClient;
  /** Keys.archiveAttempts(stream, group) */
  readonly key: string;
}

export interface EarlierAttempts {
  /** False when nothing was recorded: the caller must list to find what earlier attempts left. */
  readonly known: boolean;
  /** Keys uploaded (or about to be) by earlier attempts at the same start, other than `key`. */
  readonly keys: string[];
}

/**
 * Records that `key` is about to be uploaded for the batch starting at `start` (in `place`), and
 * returns what earlier attempts at that start recorded. Must run before the upload: a crash
 * after it then leaves a record of the object.
 */
export async function recordUploadAttempt(
  record: AttemptRecord, bucket: string, place: string, start: string, key: string,
): Promise<EarlierAttempts> {
  const q = (s: string) => `${bucket}/${s}`;
  const [existed, earlier] = (await recordAttemptScript.run(record.redis, [record.key], [q(start), q(key), q(place)])) as [number, string];
  const keys = earlier === "" ? [] : earlier.split("\n").map((k) => k.slice(bucket.length + 1)).filter((k) => k !== key);
  return { known: existed === 1, keys };
}
