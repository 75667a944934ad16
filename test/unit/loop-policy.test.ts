import { test } from "uvu";
import * as assert from "uvu/assert";
import { afterFailure, backOffMs, claimIntervalMs, gatherWaitMs, needsDeliveries } from "../../src/stream/loop-policy.ts";

const facts = { maxDeliveries: 5, failuresInARow: 1, random: 0.5 };

test("after a failed batch of several entries, they are applied one at a time", () => {
  assert.equal(afterFailure({ ...facts, failure: "projection", attempted: 5 }), { kind: "isolate", entries: 5 });
  assert.not.ok(needsDeliveries("projection", 5), "no delivery count needed to isolate");
});

test("a single failing entry is delivered again with a growing wait, then given up at MAX_DELIVERIES", () => {
  assert.ok(needsDeliveries("projection", 1));
  assert.equal(afterFailure({ ...facts, failure: "projection", attempted: 1, deliveries: 1 }), { kind: "redeliver", waitMs: 100 });
  assert.equal(afterFailure({ ...facts, failure: "projection", attempted: 1, deliveries: 3 }), { kind: "redeliver", waitMs: 400 });
  assert.equal(afterFailure({ ...facts, failure: "projection", attempted: 1, deliveries: 4 }), { kind: "redeliver", waitMs: 800 });
  assert.equal(afterFailure({ ...facts, failure: "projection", attempted: 1, deliveries: 5 }), { kind: "give-up", deliveries: 5 });
  assert.equal(afterFailure({ ...facts, maxDeliveries: 1, failure: "projection", attempted: 1, deliveries: 1 }), { kind: "give-up", deliveries: 1 });
  assert.equal(afterFailure({ ...facts, maxDeliveries: 100, failure: "projection", attempted: 1, deliveries: 20 }), { kind: "redeliver", waitMs: 5000 }, "capped at 5 s");
});

test("lock conflicts, outages and an unavailable target retry the whole batch with back-off, never dead-letter", () => {
  for (const failure of ["lock-conflict", "infrastructure", "target-unavailable"] as const) {
    for (const attempted of [1, 50]) {
      const step = afterFailure({ ...facts, failure, attempted, deliveries: 99, failuresInARow: 3 });
      assert.equal(step, { kind: "back-off", waitMs: backOffMs(3, 0.5) }, `${failure}, ${attempted} entries`);
    }
    assert.not.ok(needsDeliveries(failure, 1));
  }
});

test("back-off doubles from 100 ms to a 10 s cap, jittered between half and all of it", () => {
  assert.equal([1, 2, 3, 4, 7, 8, 30].map((n) => backOffMs(n, 0.999999)), [200, 400, 800, 1600, 10_000, 10_000, 10_000]);
  assert.equal([1, 2, 7].map((n) => backOffMs(n, 0)), [100, 200, 5000]);
  assert.is(backOffMs(0, 0.999999), 200, "the first failure already waits");
});

test("dead consumers' entries are looked for within half the idle time or liveness period, 50 ms to 30 s apart", () => {
  assert.is(claimIntervalMs(60_000, 15_000), 7500);
  assert.is(claimIntervalMs(500, 15_000), 250);
  assert.is(claimIntervalMs(20, 15_000), 50);
  assert.is(claimIntervalMs(600_000, 600_000), 30_000);
});

test("a gathering consumer waits for a full batch until its oldest entry is maxAge old", () => {
  const base = { maxAgeMs: 60_000, flush: false, isolating: false, held: 10, batchSize: 100, heldBytes: 1000, batchBytes: 1 << 22, givingUp: false, oldestMs: 1_000_000, nowMs: 1_010_000 };
  assert.is(gatherWaitMs(base), 50_000);
  assert.is(gatherWaitMs({ ...base, nowMs: 1_070_000 }), 0, "old enough");
  assert.is(gatherWaitMs({ ...base, held: 100 }), 0, "a full batch");
  assert.is(gatherWaitMs({ ...base, heldBytes: 1 << 22 }), 0, "the byte bound reached");
  assert.is(gatherWaitMs({ ...base, flush: true }), 0, "a drain flushes");
  assert.is(gatherWaitMs({ ...base, isolating: true }), 0);
  assert.is(gatherWaitMs({ ...base, givingUp: true }), 0);
  assert.is(gatherWaitMs({ ...base, maxAgeMs: undefined }), 0, "a consumer that does not gather");
});

test.run();
