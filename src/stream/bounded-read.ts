/**
 * Reads and claims bounded in bytes as well as in count. XREADGROUP and XCLAIM can only be
 * bounded by count, and a batch of 500 entries of 10 MB each would take a worker down (it needs
 * several times an entry's size to decode and project it). These scripts look at the entries'
 * sizes inside Redis and hand over only as many as fit the byte budget, so oversized entries
 * never reach a process in numbers. One entry is always handed over when `allowOversized` is
 * set, so a group can always make progress.
 */
import type { RedisClient } from "../redis/create-redis.ts";
import { defineScript } from "../redis/script.ts";
import type { RawEntry } from "./entry.ts";
import { parseEntries } from "./stream-commands.ts";

/** Lua `entry_size(fields)`: the summed lengths of an entry's field names and values, in bytes. */
export const ENTRY_SIZE_LUA = `
local function entry_size(fields)
  local size = 0
  for _, f in ipairs(fields) do size = size + #f end
  return size
end
`;

// KEYS[1] stream; ARGV group, consumer, count, budget, allowOversized (1/0).
// Walks the entries after the group's last-delivered id a few at a time and stops before the one
// that would pass the budget. The entries it keeps are then delivered as XREADGROUP would
// deliver them (pending for the consumer, delivered once, last-delivered id moved on) with
// XCLAIM FORCE JUSTID LASTID, which returns no payloads: the entries cross into the reply once,
// from the walk, instead of a second time from an XREADGROUP. Atomic: nothing can be appended
// or delivered to another consumer in between.
const READ_BOUNDED_LUA = `
${ENTRY_SIZE_LUA}
local stream, group, consumer = KEYS[1], ARGV[1], ARGV[2]
local count, budget, oversized = tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5] == '1'
if redis.call('EXISTS', stream) == 0 then
  return redis.error_reply('NOGROUP No such key ' .. stream .. ' or consumer group ' .. group)
end
local last
for _, g in ipairs(redis.call('XINFO', 'GROUPS', stream)) do
  local name, delivered
  for i = 1, #g, 2 do
    if g[i] == 'name' then name = g[i + 1] elseif g[i] == 'last-delivered-id' then delivered = g[i + 1] end
  end
  if name == group then last = delivered break end
end
if not last then
  return redis.error_reply('NOGROUP No such key ' .. stream .. ' or consumer group ' .. group)
end
local kept, ids, bytes, cursor, full = {}, {}, 0, last, false
while #kept < count and not full do
  local chunk = redis.call('XRANGE', stream, '(' .. cursor, '+', 'COUNT', math.min(100, count - #kept))
  if #chunk == 0 then break end
  for _, e in ipairs(chunk) do
    local size = entry_size(e[2])
    if bytes + size > budget and (#kept > 0 or not oversized) then full = true break end
    kept[#kept + 1] = e
    ids[#ids + 1] = e[1]
    bytes = bytes + size
    cursor = e[1]
  end
end
if #kept == 0 then return {} end
-- In chunks: Lua's C stack takes a few thousand arguments at most.
for i = 1, #ids, 1000 do
  local args = { 'XCLAIM', stream, group, consumer, 0 }
  for j = i, math.min(i + 999, #ids) do args[#args + 1] = ids[j] end
  args[#args + 1] = 'FORCE'
  args[#args + 1] = 'JUSTID'
  args[#args + 1] = 'LASTID'
  args[#args + 1] = cursor
  redis.call(unpack(args))
end
return kept
`;

// KEYS[1] stream; ARGV group, consumer, budget, allowOversized, ids… (oldest first).
// Claims the ids in order while they fit the budget (XCLAIM counts a delivery). Returns
// { claimed entries, ids that no longer exist }; ids that no longer exist are acknowledged so
// they leave the pending list, as XAUTOCLAIM does with them.
const CLAIM_BOUNDED_LUA = `
${ENTRY_SIZE_LUA}
local stream, group, consumer = KEYS[1], ARGV[1], ARGV[2]
local budget, oversized = tonumber(ARGV[3]), ARGV[4] == '1'
local claimed, gone, bytes = {}, {}, 0
for i = 5, #ARGV do
  local id = ARGV[i]
  local found = redis.call('XRANGE', stream, id, id)
  if #found == 0 then
    redis.call('XACK', stream, group, id)
    gone[#gone + 1] = id
  else
    local size = entry_size(found[1][2])
    if bytes + size > budget and (#claimed > 0 or not oversized) then break end
    local got = redis.call('XCLAIM', stream, group, consumer, 0, id)
    if got[1] then
      claimed[#claimed + 1] = got[1]
      bytes = bytes + size
    end
  end
end
return { claimed, gone }
`;

const readBoundedScript = defineScript(READ_BOUNDED_LUA);
const claimBoundedScript = defineScript(CLAIM_BOUNDED_LUA);

/** New entries for `consumer`, at most `count` of them and `budget` bytes (see the file comment). */
export async function readGroupBounded(
  client: RedisClient, stream: string, group: string, consumer: string,
  limits: { count: number; budget: number; allowOversized: boolean }, parsePayload = true,
): Promise<RawEntry[]> {
  if (limits.count < 1) return [];
  const reply = await readBoundedScript.run(client, [stream], [
    group, consumer, limits.count, Math.max(0, Math.floor(limits.budget)), limits.allowOversized ? 1 : 0,
  ]);
  return parseEntries(stream, reply, parsePayload);
}

/** Claims pending `ids` (oldest first) for `consumer` while they fit `budget` bytes. */
export async function claimBounded(
  client: RedisClient, stream: string, group: string, consumer: string, ids: readonly string[],
  limits: { budget: number; allowOversized: boolean }, parsePayload = true,
): Promise<{ claimed: RawEntry[]; gone: string[] }> {
  if (ids.length === 0) return { claimed: [], gone: [] };
  const [claimed, gone] = (await claimBoundedScript.run(client, [stream], [
    group, consumer, Math.max(0, Math.floor(limits.budget)), limits.allowOversized ? 1 : 0, ...ids,
  ])) as [unknown, string[]];
  return { claimed: parseEntries(stream, claimed, parsePayload), gone: gone ?? [] };
}

/**
 * About the size the scripts count for an entry: string lengths, not bytes, because this runs for
 * every entry held and only bounds what the next read may add (non-ASCII text counts short).
 */
export function entryBytes(entry: RawEntry): number {
  let size = 0;
  for (const key in entry.fields) size += key.length + entry.fields[key]!.length;
  return size;
}
