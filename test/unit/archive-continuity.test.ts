import { test } from "uvu";
import * as assert from "uvu/assert";
import { checkContinuity, describeProblem } from "../../src/archive/archive-continuity.ts";

const object = (key: string, firstSeq: number, lastSeq: number) => ({ key, firstId: `${firstSeq}-0`, lastId: `${lastSeq}-0`, firstSeq, lastSeq });

test("objects that continue each other have no problems", () => {
  assert.equal(checkContinuity([object("a", 1, 10), object("b", 11, 11), object("c", 12, 40)]), []);
  assert.equal(checkContinuity([]), []);
});

test("a missing object is a gap naming its entries and neighbours; a repeated range is an overlap", () => {
  const problems = checkContinuity([object("a", 1, 10), object("c", 21, 30), object("d", 25, 35)]);
  assert.equal(problems.map(describeProblem), [
    "gap: entries #11–#20 missing, between a and c",
    "overlap: entries #25–#30 held twice, between c and d",
  ]);
});

test("an object without sequence metadata is reported, not trusted", () => {
  assert.equal(checkContinuity([object("a", 0, 0)]).map((p) => p.kind), ["bad-object"]);
});

test.run();
