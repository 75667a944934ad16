import { test } from "uvu";
import * as assert from "uvu/assert";
import { percentile } from "../../src/domain/locate/percentile.ts";

// Expected values are numpy.percentile's output (numpy 2.4, default method "linear").
test("interpolates linearly at (n − 1)·p/100 like numpy", () => {
  assert.is(percentile([1, 2, 3, 4], 95), 3.8499999999999996);
  assert.is(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95), 9.549999999999999);
  assert.is(percentile([0.1, 0.2, 0.3], 95), 0.29);
  assert.is(percentile([10, 1], 25), 3.25);
  assert.is(percentile([0.41071370795136386, 0], 95), 0.39017802255379563);
});

test("hits sample values exactly at whole indices and the ends", () => {
  assert.is(percentile([1, 2, 3, 4, 5], 50), 3);
  assert.is(percentile([5, 1, 3, 2, 4], 0), 1);
  assert.is(percentile([5, 1, 3, 2, 4], 100), 5);
  assert.is(percentile([3], 95), 3);
});

test("does not reorder its input", () => {
  const values = [3, 1, 2];
  percentile(values, 50);
  assert.equal(values, [3, 1, 2]);
});

test("rejects no values and percentages outside 0…100", () => {
  assert.throws(() => percentile([], 50), RangeError);
  assert.throws(() => percentile([1], 101), RangeError);
  assert.throws(() => percentile([1], Number.NaN), RangeError);
});

test.run();
