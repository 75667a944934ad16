/**
 * XRANGE bounded in bytes as well as in count, on the Redis side: a plain XRANGE COUNT hands over
 * its whole reply however large the entries are (a page over 10 MB entries took the web process
 * to 2 GB). The script walks the range a few entries at a time and stops before the summed field
 * bytes would pass the bound, so a reply holds at most `maxBytes` or a single larger entry.
 */
import type { RedisClient } from "../redis/create-redis.ts";
import { defineScript } from "../redis/script.ts";
import { ENTRY_SIZE_LUA } from "./bounded-read.ts";
import { compareEntryIds } from "./entry-id.ts";

/** The greatest entry id: Redis refuses `(` of it as a range start. */
const MAX_ID = "18446744073709551615-18446744073709551615";

/**
 * KEYS[1] stream; ARGV: start, end (XRANGE bounds), most entries, most bytes. Returns the
 * entries, their sizes (field names and values) and 1 when it stopped at a bound rather than at
 * the end of the range. The first entry is taken whatever its size, so a reader always advances.
 * The first step reads one entry, each later one about as many as the bytes left would hold at
 * the average size so far (at most 100), so the script itself never holds much more than the
 * bound either.
 */
const BOUNDED_RANGE_LUA = `
${ENTRY_SIZE_LUA}
local start, stop = ARGV[1], ARGV[2]
local count, budget = tonumber(ARGV[3]), tonumber(ARGV[4])
local entries, sizes, used = {}, {}, 0
local step = 1
while #entries < count do
  local want = math.min(step, count - #entries)
  local batch = redis.call('XRANGE', KEYS[1], start, stop, 'COUNT', want)
  for _, entry in ipairs(batch) do
    local size = entry_size(entry[2])
    if #entries > 0 and used + size > budget then return {entries, sizes, 1} end
    entries[#entries + 1] = entry
    sizes[#sizes + 1] = size
    used = used + size
  end
  local last = batch[#batch]
  if #batch < want or last[1] == stop or last[1] == '${MAX_ID}' then return {entries, sizes, 0} end
  start = '(' .. last[1]
  step = math.max(1, math.min(100, math.floor((budget - used) * #entries / used) + 1))
end
return {entries, sizes, 1}
`;
const boundedRangeScript = defineScript(BOUNDED_RANGE_LUA);

export interface SizedEntry {
  readonly id: string;
  /** Field names and values, alternating, as XRANGE returns them. */
  readonly fields: readonly string[];
  /** Bytes of all field names and values. */
  readonly bytes: number;
}

export interface BoundedRange {
  readonly entries: readonly SizedEntry[];
  /** True when the read stopped at the count or byte bound: the range may hold more. */
  readonly full: boolean;
}

const EMPTY: BoundedRange = { entries: [], full: false };

function isEmptyRange(start: string, end: string): boolean {
  if (start === "-") return false;
  const exclusive = start.startsWith("(");
  const order = compareEntryIds(exclusive ? start.slice(1) : start, end === "+" ? MAX_ID : end);
  return order > 0 || (exclusive && order === 0);
}

/**
 * Entries from `start` (an id, `(id` for strictly after it, or `-`) to `end` (an id or `+`). A start
 * at or past the end is an empty range; Redis would refuse an exclusive start at the greatest id.
 */
export async function readBoundedRange(
  redis: RedisClient, stream: string, start: string, end: string, count: number, maxBytes: number,
): Promise<BoundedRange> {
  if (isEmptyRange(start, end)) return EMPTY;
  const reply = (await boundedRangeScript.run(redis, [stream], [start, end, count, maxBytes])) as [[string, string[]][], number[], number];
  const [items, sizes, full] = reply;
  return {
    entries: items.map(([id, fields], i) => ({ id, fields, bytes: Number(sizes[i]) })),
    full: Number(full) === 1,
  };
}
