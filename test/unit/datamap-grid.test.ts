import { test } from "uvu";
import * as assert from "uvu/assert";
import { datamapShard, decodeGrid, encodeGrid, scaleDatamap } from "../../src/domain/datamap/grid.ts";

test("grid ids are two big-endian uint32 shifted into positive space (SPEC §4.9)", () => {
  assert.equal([...encodeGrid(-90_000, -180_000)], [0, 0, 0, 0, 0, 0, 0, 0]);
  assert.is(encodeGrid(0, 0).toString("hex"), "00015f900002bf20");
  assert.is(encodeGrid(0, 0).toString("base64"), "AAFfkAACvyA=");
  assert.is(encodeGrid(90_000, 180_000).toString("base64"), "AAK/IAAFfkA=");
});

test("grid ids decode back to the scaled position", () => {
  assert.equal(decodeGrid(Buffer.alloc(8)), [-90_000, -180_000]);
  assert.equal(decodeGrid(Buffer.from("AAFfkAACvyA=", "base64")), [0, 0]);
  assert.equal(decodeGrid(Buffer.from("AAK/IAAFfkA=", "base64")), [90_000, 180_000]);
  assert.equal(decodeGrid(encodeGrid(1235, -2346)), [1235, -2346]);
  assert.equal(decodeGrid(new Uint8Array(encodeGrid(-1123, 2235))), [-1123, 2235]);
});

test("a grid id that is not 8 bytes is rejected", () => {
  assert.throws(() => decodeGrid(Buffer.alloc(7)), /length 7/);
});

test("positions outside the world cannot be encoded", () => {
  assert.throws(() => encodeGrid(-90_001, 0), RangeError);
});

test("positions scale to thousandths of a degree with Python's rounding", () => {
  assert.equal(scaleDatamap(-1.12345678, 2.23456789), [-1123, 2235]);
  assert.equal(scaleDatamap(1.234567, 2.345678), [1235, 2346]);
  assert.equal(scaleDatamap(0.0005, 0.0015), [0, 2]);
  assert.equal(scaleDatamap(50, 10), [50_000, 10_000]);
  assert.ok(Object.is(scaleDatamap(-0.0001, 0)[0], 0), "no negative zero");
});

test("shards split at 36° N and 5° E in scaled units", () => {
  assert.is(datamapShard(36_000, 5_000), "ne");
  assert.is(datamapShard(35_999, 5_000), "se");
  assert.is(datamapShard(36_000, 4_999), "nw");
  assert.is(datamapShard(35_999, 4_999), "sw");
  assert.is(datamapShard(...scaleDatamap(50, 10)), "ne");
  assert.is(datamapShard(...scaleDatamap(20, -10)), "sw");
});

test.run();
