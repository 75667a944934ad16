/**
 * The web process's tile cache in Redis, from the bench's side: the keys src/map/map-data.ts
 * caches tiles under (`contentCache(prefix, "datamap:…")`, src/stream/keys.ts), removed before a
 * cold pass and counted after it.
 */
import type { RedisClient } from "../../src/redis/create-redis.ts";
import { KEY_FORMATS } from "../../src/stream/keys.ts";
import { unlinkPrefix } from "../harness/scratch.ts";

/** `<prefix>:cache:datamap`: every tile key lies under it. */
const tileKeysUnder = (prefix: string) => KEY_FORMATS.contentCache(prefix, "datamap");

export const clearTileCache = (redis: RedisClient, prefix: string): Promise<number> => unlinkPrefix(redis, tileKeysUnder(prefix));

export async function countCachedTiles(redis: RedisClient, prefix: string): Promise<number> {
  let cursor = "0";
  let found = 0;
  do {
    const [next, keys] = (await redis.call("SCAN", [cursor, "MATCH", `${tileKeysUnder(prefix)}:*`, "COUNT", 1000])) as [string, string[]];
    cursor = next;
    found += keys.length;
  } while (cursor !== "0");
  return found;
}
