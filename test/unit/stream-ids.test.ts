import { test } from "uvu";
import * as assert from "uvu/assert";
import { compareEntryIds, previousEntryId } from "../../src/stream/entry-id.ts";
import { decodeEntry } from "../../src/stream/entry.ts";
import { createKeys } from "../../src/stream/keys.ts";

test("entry ids compare by milliseconds, then by a 64-bit sequence", () => {
  assert.is(compareEntryIds("1-0", "1-0"), 0);
  assert.is(compareEntryIds("2-0", "10-0"), -1);
  assert.is(compareEntryIds("5-18446744073709551615", "5-18446744073709551614"), 1);
  assert.is(compareEntryIds("5-9", "5-10"), -1);
});

test("the id before an entry stays below it across millisecond boundaries", () => {
  assert.is(previousEntryId("1700000000000-3"), "1700000000000-2");
  assert.is(previousEntryId("1700000000000-0"), "1699999999999-18446744073709551615");
  assert.is(previousEntryId("0-0"), "0-0");
});

test("keys carry one hash tag per stream, shared by its sequence counter", () => {
  const keys = createKeys("ichnos", 3);
  assert.equal(keys.reportStreams(), ["ichnos:{reports:0}", "ichnos:{reports:1}", "ichnos:{reports:2}"]);
  assert.is(keys.sequence("ichnos:{reports:1}"), "ichnos:{reports:1}:seq");
  assert.is(keys.dead("export:internal"), "ichnos:{dead:export:internal}");
  assert.is(keys.resolve("obs:wifi").length, 16);
  assert.equal(keys.resolve(["obs:cell", "areas"]), [
    "ichnos:{obs:cell:gsm}", "ichnos:{obs:cell:wcdma}", "ichnos:{obs:cell:lte}", "ichnos:{obs:cell:nr}", "ichnos:{areas}",
  ]);
  assert.is(keys.logicalName("ichnos:{obs:blue:a}"), "obs:blue:a");
});

test("entries decode their version, sequence number and payload; broken ones say why", () => {
  const ok = decodeEntry("s", "1-1", ["v", "1", "n", "7", "d", '{"a":1}']);
  assert.equal([ok.seq, ok.version, ok.data, ok.error], [7, 1, { a: 1 }, undefined]);
  const bad = decodeEntry("s", "1-2", ["v", "x", "n", "8", "d", "{"]);
  assert.match(bad.error ?? "", /bad schema version/);
  assert.match(bad.error ?? "", /payload is not JSON/);
});

test.run();
