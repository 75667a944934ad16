import { createHash } from "node:crypto";
import type { ChainableCommander } from "ioredis";
import type { RedisClient } from "./create-redis.ts";

export interface Script {
  readonly sha: string;
  run(client: RedisClient, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown>;
  /** Queue on a pipeline; the caller must have run `load` on that server first. */
  queue(pipeline: ChainableCommander, keys: readonly string[], args: readonly (string | number)[]): void;
  load(client: RedisClient): Promise<void>;
}

/** EVALSHA with a fallback to EVAL when the server has not seen the script (restart, failover). */
export function defineScript(lua: string): Script {
  const sha = createHash("sha1").update(lua).digest("hex");
  return {
    sha,
    async run(client, keys, args) {
      try {
        return await client.evalsha(sha, keys.length, ...keys, ...args);
      } catch (err) {
        if (!String((err as Error).message).startsWith("NOSCRIPT")) throw err;
        return client.eval(lua, keys.length, ...keys, ...args);
      }
    },
    queue(pipeline, keys, args) {
      pipeline.evalsha(sha, keys.length, ...keys, ...args);
    },
    async load(client) {
      if ("nodes" in client) {
        await Promise.all(client.nodes("master").map((node) => node.script("LOAD", lua)));
      } else {
        await client.script("LOAD", lua);
      }
    },
  };
}
