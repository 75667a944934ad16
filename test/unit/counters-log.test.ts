import { Writable } from "node:stream";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createFallbackCounters } from "../../src/locate/fallback/counters.ts";
import { startCountersLog } from "../../src/locate/counters-log.ts";
import { createLogger } from "../../src/logger.ts";

function capture() {
  const lines: { msg: string; counts?: unknown }[] = [];
  const log = createLogger("info", new Writable({ write: (chunk, _enc, done) => { lines.push(JSON.parse(String(chunk))); done(); } }));
  return { log, lines };
}

test("a line only when a count moved, on the interval and at stop", async () => {
  const { log, lines } = capture();
  const fallback = createFallbackCounters();
  let dropped = 0;
  const counters = startCountersLog(() => ({ droppedQueryReports: dropped, fallback: fallback.snapshot() }), log, 20);
  await new Promise((r) => setTimeout(r, 70));
  assert.is(lines.length, 0, "nothing moved: no line");
  fallback.cache("hit");
  fallback.lookup("503");
  dropped = 2;
  for (const deadline = Date.now() + 2000; lines.length === 0 && Date.now() < deadline;) await new Promise((r) => setTimeout(r, 10));
  await new Promise((r) => setTimeout(r, 70));
  assert.is(lines.length, 1, "one line for the change, none for the quiet intervals after it");
  assert.equal(lines[0]!.counts, {
    droppedQueryReports: 2,
    fallback: { cache: { hit: 1, miss: 0, bypassed: 0, inconsistent: 0, failure: 0 }, lookup: { 503: 1 }, rateLimited: 0 },
  });
  fallback.rateLimited();
  counters.stop();
  assert.is(lines.length, 2, "stop reports what moved since");
  assert.is((lines[1]!.counts as { fallback: { rateLimited: number } }).fallback.rateLimited, 1);
});

test.run();
