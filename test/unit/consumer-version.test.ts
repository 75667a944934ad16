import { test } from "uvu";
import * as assert from "uvu/assert";
import { consumerStamp, versionDecision } from "../../src/stream/consumer-version.ts";
import { defineConsumer } from "../../src/stream/define-consumer.ts";

const stamp = (version: number, definition = "") => ({ version, definition });
const mine = stamp(2, "abc");

test("a new group and an up-to-date one run as they are", () => {
  assert.equal(versionDecision([], mine), { kind: "current" });
  assert.equal(versionDecision([mine, mine], mine), { kind: "current" });
});

test("checkpoints from before versions were recorded, or a stream added later, are stamped without a rebuild", () => {
  assert.equal(versionDecision([stamp(0), stamp(0)], mine), { kind: "record" });
  assert.equal(versionDecision([mine, stamp(0)], mine), { kind: "record" });
  assert.equal(versionDecision([stamp(2, "")], mine), { kind: "record" });
});

test("a lower recorded version rebuilds, a higher one keeps this code away", () => {
  assert.equal(versionDecision([stamp(1, "abc"), mine], mine), { kind: "rebuild", recorded: 1 });
  assert.equal(versionDecision([stamp(3, "abc"), mine], mine), { kind: "newer", recorded: 3 });
});

test("other table definitions under the same version are refused", () => {
  assert.equal(versionDecision([stamp(2, "old")], mine), { kind: "changed", version: 2 });
});

test("the fingerprint follows the declared definitions, not their whitespace or order", () => {
  const a = defineConsumer({ name: "a", reads: "reports", start: "0", tables: { t: "x INT, PRIMARY KEY (x)", u: "y INT" }, async project() {} });
  const b = defineConsumer({ name: "b", reads: "reports", start: "0", tables: { u: "y   INT", t: "x INT,\n PRIMARY KEY (x)" }, async project() {} });
  const c = defineConsumer({ name: "c", reads: "reports", start: "0", tables: { t: "x BIGINT, PRIMARY KEY (x)", u: "y INT" }, async project() {} });
  const named = defineConsumer({ name: "d", reads: "reports", start: "0", tables: ["t"], async project() {} });
  assert.is(consumerStamp(a).definition, consumerStamp(b).definition);
  assert.is.not(consumerStamp(a).definition, consumerStamp(c).definition);
  assert.equal(consumerStamp(named), { version: 1, definition: "" });
  assert.is(consumerStamp({ version: 7 }).version, 7);
});

test("defineConsumer refuses a bad version, table name or definition", () => {
  const base = { name: "x", reads: "reports" as const, start: "0" as const, async project() {} };
  assert.throws(() => defineConsumer({ ...base, version: 0 }), /version must be a whole number from 1/);
  assert.throws(() => defineConsumer({ ...base, version: 1.5 }), /version must be a whole number from 1/);
  assert.throws(() => defineConsumer({ ...base, tables: { "bad-name": "x INT" } }), /table name "bad-name"/);
  assert.throws(() => defineConsumer({ ...base, tables: { t: "x INT; DROP TABLE y" } }), /without ";"/);
  assert.throws(() => defineConsumer({ ...base, tables: { t: "  " } }), /column and key definitions/);
});

test.run();
