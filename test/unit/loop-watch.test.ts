/**
 * The loop watch names a consumer loop that stays in one step far longer than it should, once,
 * and says when it moves on; patient steps (back-off, gathering) get four times the limit.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { createLoopWatch } from "../../src/stream/loop-watch.ts";
import { captureLog } from "../support/capture-log.ts";
import { sleep } from "../../src/util/sleep.ts";

const S = suite("loop watch");

S("a step held past the limit is reported once, and its end is logged", async () => {
  const { log, lines } = captureLog();
  const watch = createLoopWatch(log, 100, 20);
  try {
    const mark = watch.track("datamap", "reports:1");
    mark.step("applying a batch");
    const quiet = watch.track("export:internal", "reports:0");
    const keepBusy = setInterval(() => quiet.step("reading new entries"), 20);
    await sleep(300);
    clearInterval(keepBusy);
    const stuckLines = lines.filter((l) => l.msg?.toString().includes("stuck in one step"));
    assert.is(stuckLines.length, 1, JSON.stringify(lines));
    assert.is(stuckLines[0]!.group, "datamap");
    assert.is(stuckLines[0]!.stream, "reports:1");
    assert.is(stuckLines[0]!.step, "applying a batch");
    assert.ok(Number(stuckLines[0]!.forMs) > 100);
    const now = watch.stuck();
    assert.equal(now.map((s) => [s.group, s.step]), [["datamap", "applying a batch"]]);

    mark.step("reading new entries");
    const moved = lines.find((l) => l.msg === "a stuck consumer loop moved on");
    assert.ok(moved, "the end of the stall is logged");
    assert.is(moved!.step, "applying a batch");
    assert.is(moved!.next, "reading new entries");
    assert.equal(watch.stuck(), []);
    quiet.done();
    mark.done();
  } finally {
    watch.stop();
  }
});

S("backing off and gathering may last four times the limit", async () => {
  const { log, lines } = captureLog();
  const watch = createLoopWatch(log, 100, 20);
  try {
    const mark = watch.track("datamap", "reports:0");
    mark.step("backing off");
    await sleep(250);
    assert.equal(watch.stuck(), []);
    assert.is(lines.length, 0);
    await sleep(250);
    assert.equal(watch.stuck().map((s) => s.step), ["backing off"]);
    mark.done();
    assert.equal(watch.stuck(), [], "an ended loop is no longer watched");
  } finally {
    watch.stop();
  }
});

S.run();
