/**
 * Typed wrappers over the stream commands. Replies are RESP2 shapes (see create-redis.ts).
 * Nothing outside src/stream/ issues XREADGROUP, XACK, XAUTOCLAIM or XGROUP.
 */
import type { RedisClient } from "../redis/create-redis.ts";
import { decodeEntry, fieldsToRecord, type RawEntry } from "./entry.ts";

type Reply = unknown;

/** Entries of an XRANGE/XREADGROUP/XCLAIM reply; trimmed ones (null fields) are left out. */
export function parseEntries(stream: string, reply: Reply, parsePayload = true): RawEntry[] {
  if (!Array.isArray(reply)) return [];
  const out: RawEntry[] = [];
  for (const item of reply as [string, string[] | null][]) {
    // A trimmed entry still in a PEL comes back with null fields: it no longer exists.
    if (item?.[1]) out.push(decodeEntry(stream, item[0], item[1], parsePayload));
  }
  return out;
}

export async function readGroup(
  reader: RedisClient, stream: string, group: string, consumer: string, count: number, blockMs: number | null, parsePayload = true,
): Promise<RawEntry[]> {
  const args: (string | number)[] = ["GROUP", group, consumer, "COUNT", count];
  if (blockMs !== null) args.push("BLOCK", blockMs);
  args.push("STREAMS", stream, ">");
  const reply = (await reader.call("XREADGROUP", args)) as [string, Reply][] | null;
  return reply?.[0] ? parseEntries(stream, reply[0][1], parsePayload) : [];
}

export interface PendingEntry {
  readonly id: string;
  readonly consumer: string;
  readonly idleMs: number;
  readonly deliveries: number;
}

/** Pending entries with `afterId < id <= toId`, oldest first. */
export async function pendingRange(
  redis: RedisClient, stream: string, group: string, afterId: string, toId: string, count: number, consumer?: string,
): Promise<PendingEntry[]> {
  const args: (string | number)[] = [stream, group, `(${afterId}`, toId, count];
  if (consumer) args.push(consumer);
  const reply = (await redis.call("XPENDING", args)) as [string, string, number, number][];
  return reply.map(([id, c, idle, deliveries]) => ({ id, consumer: c, idleMs: Number(idle), deliveries: Number(deliveries) }));
}

export async function pendingCount(redis: RedisClient, stream: string, group: string): Promise<number> {
  const reply = (await redis.call("XPENDING", [stream, group])) as [number, ...unknown[]];
  return Number(reply[0]);
}

/** Re-delivers one pending entry to `consumer`, which counts as another delivery. */
export async function redeliver(redis: RedisClient, stream: string, group: string, consumer: string, id: string): Promise<void> {
  await redis.call("XCLAIM", [stream, group, consumer, 0, id]);
}

export async function ack(redis: RedisClient, stream: string, group: string, ids: readonly string[]): Promise<void> {
  if (ids.length > 0) await redis.call("XACK", [stream, group, ...ids]);
}

/** Entries with `afterId < id <= untilId`. */
export async function rangeThrough(
  redis: RedisClient, stream: string, afterId: string, untilId: string, count: number,
): Promise<RawEntry[]> {
  return parseEntries(stream, await redis.call("XRANGE", [stream, `(${afterId}`, untilId, "COUNT", count]));
}

/** Entries with `afterId < id < beforeId`. */
export async function rangeBetween(
  redis: RedisClient, stream: string, afterId: string, beforeId: string, count: number,
): Promise<RawEntry[]> {
  return parseEntries(stream, await redis.call("XRANGE", [stream, `(${afterId}`, `(${beforeId}`, "COUNT", count]));
}

/** An entry's id and sequence number, read without decoding its payload. */
export interface EntryHead {
  readonly id: string;
  readonly seq: number;
}

/** The first entry of an XRANGE/XREVRANGE reply as an EntryHead (null: none). */
export function parseHead(reply: Reply): EntryHead | null {
  const item = Array.isArray(reply) ? (reply[0] as [string, string[] | null] | undefined) : undefined;
  if (!item?.[1]) return null;
  const fields = item[1];
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === "n") return { id: item[0], seq: Number(fields[i + 1]) };
  return { id: item[0], seq: 0 };
}

// Status polls call these for every stream several times a second; observation entries are
// tens of kilobytes of JSON that only the projection needs.
export async function firstEntryFrom(redis: RedisClient, stream: string, fromId = "-"): Promise<EntryHead | null> {
  return parseHead(await redis.call("XRANGE", [stream, fromId, "+", "COUNT", 1]));
}

/** The entry just before `id`, read without its payload. */
export async function entryBefore(redis: RedisClient, stream: string, id: string): Promise<EntryHead | null> {
  return parseHead(await redis.call("XREVRANGE", [stream, `(${id}`, "-", "COUNT", 1]));
}

export async function lastEntry(redis: RedisClient, stream: string): Promise<EntryHead | null> {
  return parseHead(await redis.call("XREVRANGE", [stream, "+", "-", "COUNT", 1]));
}

/** The newest `count` entries after `afterId`, newest first, payloads undecoded: a live view's sample. */
export async function newestAfter(redis: RedisClient, stream: string, afterId: string, count: number): Promise<RawEntry[]> {
  return parseEntries(stream, await redis.call("XREVRANGE", [stream, "+", `(${afterId}`, "COUNT", count]), false);
}

export async function readRange(redis: RedisClient, stream: string, fromId: string, count: number, parsePayload = true): Promise<RawEntry[]> {
  return parseEntries(stream, await redis.call("XRANGE", [stream, fromId, "+", "COUNT", count]), parsePayload);
}

export interface GroupInfo {
  readonly name: string;
  readonly consumers: number;
  readonly pending: number;
  readonly lastDeliveredId: string;
}

export async function groupInfo(redis: RedisClient, stream: string): Promise<GroupInfo[]> {
  let reply: Reply;
  try {
    reply = await redis.call("XINFO", ["GROUPS", stream]);
  } catch (err) {
    if (/no such key/i.test(String((err as Error).message))) return [];
    throw err;
  }
  return (reply as string[][]).map((flat) => {
    const g = fieldsToRecord(flat.map(String));
    return { name: g.name!, consumers: Number(g.consumers), pending: Number(g.pending), lastDeliveredId: g["last-delivered-id"]! };
  });
}

export async function createGroup(redis: RedisClient, stream: string, group: string, id: string): Promise<boolean> {
  try {
    await redis.call("XGROUP", ["CREATE", stream, group, id, "MKSTREAM"]);
    return true;
  } catch (err) {
    if (String((err as Error).message).startsWith("BUSYGROUP")) return false;
    throw err;
  }
}

export async function setGroupId(redis: RedisClient, stream: string, group: string, id: string): Promise<void> {
  await redis.call("XGROUP", ["SETID", stream, group, id]);
}

/** Puts the group's last-delivered id at `id`, creating the group there if it does not exist. */
export async function moveGroupTo(redis: RedisClient, stream: string, group: string, id: string): Promise<void> {
  const exists = (await groupInfo(redis, stream)).some((g) => g.name === group);
  if (exists) await setGroupId(redis, stream, group, id);
  else await createGroup(redis, stream, group, id);
}

export async function deleteConsumer(redis: RedisClient, stream: string, group: string, consumer: string): Promise<void> {
  await redis.call("XGROUP", ["DELCONSUMER", stream, group, consumer]);
}

/** How many entries the stream holds now (0 when it does not exist). */
export async function streamLength(redis: RedisClient, stream: string): Promise<number> {
  return Number(await redis.xlen(stream));
}

export async function sequenceValue(redis: RedisClient, sequenceKey: string): Promise<number> {
  return Number((await redis.get(sequenceKey)) ?? 0);
}

export function isNoGroupError(err: unknown): boolean {
  return String((err as Error)?.message ?? "").startsWith("NOGROUP");
}

/** Entries with `afterId < id <= toId`. */
export async function rangeAfter(redis: RedisClient, stream: string, afterId: string, toId: string, count: number): Promise<RawEntry[]> {
  return parseEntries(stream, await redis.call("XRANGE", [stream, `(${afterId}`, toId, "COUNT", count]));
}

/** Removes the group from the stream; a stream that does not exist has no group to remove. */
export async function destroyGroup(redis: RedisClient, stream: string, group: string): Promise<void> {
  try {
    await redis.call("XGROUP", ["DESTROY", stream, group]);
  } catch (err) {
    if (!/requires the key to exist|no such key/i.test(String((err as Error).message))) throw err;
  }
}
