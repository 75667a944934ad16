/**
 * Following a stream for live views (src/stream/follow-stream.ts): it starts at "now", sees what
 * is appended after, and leaves no consumer group behind.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { duplicateForBlocking } from "../../src/redis/create-redis.ts";
import { createAppender } from "../../src/stream/append.ts";
import type { RawEntry } from "../../src/stream/entry.ts";
import { followStream } from "../../src/stream/follow-stream.ts";
import { groupInfo } from "../../src/stream/stream-commands.ts";
import { createStreamTestEnv, type StreamTestEnv, waitFor } from "../support/stream-setup.ts";

const S = suite<{ env: StreamTestEnv }>("follow a stream");
S.before(async (ctx) => {
  ctx.env = await createStreamTestEnv("follow");
});
S.after(async (ctx) => ctx.env.close());

S("a follower sees only what is appended after it starts, and creates no group", async ({ env }) => {
  const stream = env.keys.stream("test:follow");
  const appender = createAppender(env.redis, env.keys);
  await appender.append(stream, [{ value: 1 }]);
  const reader = duplicateForBlocking(env.redis, "follow-test");
  const seen: RawEntry[] = [];
  const stop = new AbortController();
  const following = followStream(reader, stream, { blockMs: 100, count: 100, onEntries: (e) => seen.push(...e), onError: () => undefined, signal: stop.signal });
  try {
    await new Promise((r) => setTimeout(r, 250));
    await appender.append(stream, [{ value: 2 }, { value: 3 }]);
    await waitFor("both new entries", async () => seen.length === 2);
    await appender.append(stream, [{ value: 4 }]);
    await waitFor("the next one", async () => seen.length === 3);
    assert.equal(seen.map((e) => (e.data as { value: number }).value), [2, 3, 4]);
    assert.equal(await groupInfo(env.redis, stream), []);
  } finally {
    stop.abort();
    await following;
    reader.disconnect();
  }
});

S.run();
