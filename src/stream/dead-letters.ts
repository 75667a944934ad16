/**
 * `ichnos:{dead:G}`: entries group G gave up on, with the error and delivery count. They leave
 * the group's path (its checkpoint moves past them) but stay here until an operator retries or
 * drops them.
 */
import type { RedisClient } from "../redis/create-redis.ts";
import { fieldsToRecord, type RawEntry } from "./entry.ts";

export interface DeadLetter {
  /** Id of the dead-letter entry itself. */
  readonly deadId: string;
  readonly group: string;
  readonly stream: string;
  readonly id: string;
  readonly seq: number;
  readonly version: number;
  readonly payload: string;
  readonly error: string;
  readonly deliveries: number;
  readonly failedAt: string;
}

export interface DeadLetterInput {
  readonly entry: RawEntry;
  readonly error: string;
  readonly deliveries: number;
}

export async function writeDeadLetters(redis: RedisClient, deadStream: string, group: string, items: readonly DeadLetterInput[]): Promise<void> {
  if (items.length === 0) return;
  const pipeline = redis.pipeline();
  const failedAt = new Date().toISOString();
  for (const { entry, error, deliveries } of items) {
    pipeline.xadd(deadStream, "*",
      "group", group, "stream", entry.stream, "id", entry.id, "n", entry.seq, "v", entry.version,
      "d", entry.fields.d ?? "", "error", error.slice(0, 4000), "deliveries", deliveries, "failed_at", failedAt);
  }
  for (const [err] of (await pipeline.exec()) ?? []) if (err) throw err;
}

export async function listDeadLetters(redis: RedisClient, deadStream: string, count = 1000, fromId = "-"): Promise<DeadLetter[]> {
  const reply = (await redis.call("XRANGE", [deadStream, fromId, "+", "COUNT", count])) as [string, string[]][];
  return reply.map(([deadId, flat]) => {
    const f = fieldsToRecord(flat);
    return {
      deadId, group: f.group ?? "", stream: f.stream ?? "", id: f.id ?? "", seq: Number(f.n), version: Number(f.v),
      payload: f.d ?? "", error: f.error ?? "", deliveries: Number(f.deliveries), failedAt: f.failed_at ?? "",
    };
  });
}

export async function countDeadLetters(redis: RedisClient, deadStream: string): Promise<number> {
  return Number(await redis.xlen(deadStream));
}

export async function removeDeadLetters(redis: RedisClient, deadStream: string, deadIds: readonly string[]): Promise<number> {
  if (deadIds.length === 0) return 0;
  return Number(await redis.xdel(deadStream, ...deadIds));
}
