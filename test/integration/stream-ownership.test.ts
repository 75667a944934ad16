/**
 * Each (group, stream) pair is read by one worker at a time, and the pairs are shared out by
 * group: a worker that runs only one group takes its part of that group and lowers nobody's
 * share of the others, and nothing flips back and forth while the workers stay.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { createAppender } from "../../src/stream/append.ts";
import { createConsumerRuntime, type ConsumerRuntime } from "../../src/stream/consumer-runtime.ts";
import { readGroupStatus } from "../../src/stream/group-status.ts";
import { appliedRows, createStreamTestEnv, type StreamTestEnv, waitFor } from "../support/stream-setup.ts";
import { countingConsumer } from "../support/test-consumers.ts";

const S = suite<{ env: StreamTestEnv }>("stream ownership");

S.before(async (ctx) => {
  ctx.env = await createStreamTestEnv("ownership");
});
S.after(async (ctx) => {
  await ctx.env.close();
});

const SETTINGS = { batchSize: 20, blockMs: 50, claimIdleMs: 60_000, maxDeliveries: 5, livenessMs: 600 };

S("a worker running one group alone takes its part of it and leaves the other workers' groups whole", async ({ env }) => {
  const wide = ["test:own-a0", "test:own-a1"];
  const shared = ["test:own-b0", "test:own-b1"];
  const consumersOf = () => [countingConsumer("own-a", wide), countingConsumer("own-b", shared)];
  const all = createConsumerRuntime({ ...env, consumers: consumersOf(), settings: SETTINGS });
  const narrow = createConsumerRuntime({ ...env, consumers: [countingConsumer("own-b", shared)], settings: SETTINGS });
  const runtimes: ConsumerRuntime[] = [all, narrow];
  const leaseOf = (group: string, s: string) => env.redis.get(env.keys.readerLease(group, env.keys.stream(s)));
  const holders = async () => ({
    a: await Promise.all(wide.map((s) => leaseOf("own-a", s))),
    b: await Promise.all(shared.map((s) => leaseOf("own-b", s))),
  });
  all.start();
  narrow.start();
  try {
    // Shares: the full worker 2/1 + 2/2 = 3 pairs, the narrow one 2/2 = 1.
    // The shares follow the members each worker has seen, refreshed apart from the leases: a
    // worker may hold its part a moment before it counts the other one.
    await waitFor("own-b split between the workers, each counting the other", async () => {
      const h = await holders();
      return h.a.every((x) => x === all.consumerName) && h.b.includes(all.consumerName) && h.b.includes(narrow.consumerName) &&
        all.ownership.held().share === 3 && narrow.ownership.held().share === 1;
    }, 10_000);
    assert.equal(all.ownership.held(), { held: 3, pairs: 4, share: 3 });
    assert.equal(narrow.ownership.held(), { held: 1, pairs: 2, share: 1 });

    // Steady: over three lease lifetimes nothing changes hands.
    const seen = new Set<string>();
    for (let i = 0; i < 20; i++) {
      seen.add(JSON.stringify(await holders()));
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.is(seen.size, 1, `the leases stayed where they were: ${[...seen].join(" | ")}`);

    const appender = createAppender(env.redis, env.keys);
    for (const s of [...wide, ...shared]) await appender.append(env.keys.stream(s), Array.from({ length: 50 }, (_, i) => ({ value: i })));
    const rows = await waitFor("every entry applied", async () => {
      const status = await readGroupStatus(env.redis, env.pool, env.keys, consumersOf());
      return status.every((r) => r.lag === 0 && r.pending === 0) && status;
    });
    // `ichnos groups` names each pair's reader.
    const h = await holders();
    for (const r of rows) {
      const expected = r.group === "own-a" ? h.a[wide.indexOf(r.stream)] : h.b[shared.indexOf(r.stream)];
      assert.is(r.reader, expected, `${r.group} ${r.stream}`);
    }
    for (const [group, streams, who] of [["own-a", wide, h.a], ["own-b", shared, h.b]] as const) {
      const applied = await appliedRows(env.pool, group);
      streams.forEach((s, k) => {
        const own = applied.filter((r) => r.stream === env.keys.stream(s));
        assert.is(own.length, 50, `${group} ${s}`);
        assert.ok(own.every((r) => r.applied_by === who[k] && r.times === 1), `${group} ${s}: applied once, by its reader`);
      });
    }

    // The narrow worker stops: the full one reads everything again.
    await narrow.stop();
    runtimes.pop();
    await waitFor("every pair read by the remaining worker", async () => {
      const left = await holders();
      return [...left.a, ...left.b].every((x) => x === all.consumerName);
    }, 10_000);
    assert.equal(all.ownership.held(), { held: 4, pairs: 4, share: 4 });
  } finally {
    await Promise.all(runtimes.map((r) => r.stop()));
  }
});

S.run();
