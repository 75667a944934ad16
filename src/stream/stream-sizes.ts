/** Each stream's length and memory, all asked at once (the metrics' stream gauges, read on scrape). */
import type { RedisClient } from "../redis/create-redis.ts";
import type { Keys } from "./keys.ts";

export interface StreamSizeRow {
  /** Catalogue name, e.g. `reports:0`. */
  readonly stream: string;
  readonly length: number;
  readonly bytes: number;
}

export async function readStreamSizes(redis: RedisClient, keys: Keys, streams: readonly string[]): Promise<StreamSizeRow[]> {
  return Promise.all(streams.map(async (stream) => {
    const [length, bytes] = await Promise.all([redis.xlen(stream), redis.call("MEMORY", ["USAGE", stream])]);
    return { stream: keys.logicalName(stream), length: Number(length), bytes: Number(bytes ?? 0) };
  }));
}
