/**
 * Where a group stands: an entry id plus the sequence number of that entry, so that the next
 * entry's number tells whether anything in between was trimmed away.
 */
import type { RedisClient } from "../redis/create-redis.ts";
import { previousEntryId, ZERO_ID } from "./entry-id.ts";
import { firstEntryFrom, lastEntry, sequenceValue } from "./stream-commands.ts";

export interface Position {
  readonly id: string;
  readonly lastEntry: number;
}

export type From = { kind: "start" } | { kind: "end" } | { kind: "id"; id: string };

/** The position just before `from`, so that the group's next entry is the first one wanted. */
export async function positionBefore(redis: RedisClient, stream: string, sequenceKey: string, from: From): Promise<Position> {
  if (from.kind === "end") {
    const last = await lastEntry(redis, stream);
    return last ? { id: last.id, lastEntry: last.seq } : { id: ZERO_ID, lastEntry: await sequenceValue(redis, sequenceKey) };
  }
  const first = await firstEntryFrom(redis, stream, from.kind === "start" ? "-" : from.id);
  const id = from.kind === "start" ? ZERO_ID : previousEntryId(from.id);
  // Entries trimmed before the group asked for them were never its to lose.
  return { id, lastEntry: first ? first.seq - 1 : await sequenceValue(redis, sequenceKey) };
}
