/**
 * SPEC §6.8 `test_config.py`: the export routing rule `allowed(api_key, source)` and the skip
 * sets' text form, which `export_config` stores as comma-separated columns (SPEC §4.5).
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  type ExportConfig, exportAllows, exportGroupName, formatSkipSet, parseSkipSet, toExportConfig,
} from "../../src/domain/export-config.ts";

function config(skipKeys: string | null, skipSources: string | null): ExportConfig {
  return toExportConfig({ name: "test", batch: 0, schema: "dummy", url: null, skip_keys: skipKeys, skip_sources: skipSources });
}

const sorted = (set: ReadonlySet<string> | null) => (set === null ? null : [...set].sort());

test("a config skipping keys test and test2 and source query allows exactly what test_config expects", () => {
  const c = config("test,test2", "query");
  const cases: Array<[string | null, string | null, boolean]> = [
    [null, null, true],
    [null, "gnss", true],
    [null, "fused", true],
    [null, "query", false],
    ["test", null, false],
    ["test", "gnss", false],
    ["test", "query", false],
    ["test2", null, false],
    ["test3", null, true],
    ["test3", "gnss", true],
    ["test3", "query", false],
  ];
  for (const [key, source, allowed] of cases) {
    assert.is(exportAllows(c, key, source), allowed, `allowed(${key}, ${source})`);
  }
});

test("NULL skip sets allow every key and every source", () => {
  const c = config(null, null);
  for (const key of [null, "test", ""]) {
    for (const source of [null, "gnss", "fused", "fixed", "query"]) assert.ok(exportAllows(c, key, source), `allowed(${key}, ${source})`);
  }
});

test("empty skip sets allow every key and every source", () => {
  const c = config("", "");
  assert.equal(sorted(c.skipKeys), []);
  assert.equal(sorted(c.skipSources), []);
  assert.ok(exportAllows(c, "test", "query"));
  assert.ok(exportAllows(c, null, null));
});

test("a config skipping only a source still exports every key's other sources", () => {
  const c = config(null, "gnss");
  assert.not.ok(exportAllows(c, "test", "gnss"));
  assert.not.ok(exportAllows(c, null, "gnss"));
  assert.ok(exportAllows(c, "test", "query"));
  assert.ok(exportAllows(c, null, "fused"));
});

test("skip keys are compared exactly: a key that merely contains a skipped one is exported", () => {
  const c = config("test", null);
  assert.not.ok(exportAllows(c, "test", "gnss"));
  assert.ok(exportAllows(c, "test_1", "gnss"));
  assert.ok(exportAllows(c, "tes", "gnss"));
});

test('"" parses to the empty set and NULL stays NULL', () => {
  assert.equal(sorted(parseSkipSet("")), []);
  assert.is(parseSkipSet(null), null);
  assert.is(formatSkipSet(null), null);
  assert.is(formatSkipSet(new Set()), "");
});

test("skip sets are sets: spaces are trimmed, empty items and duplicates dropped", () => {
  assert.equal(sorted(parseSkipSet(" test , test_1,,test ")), ["test", "test_1"]);
  assert.equal(sorted(parseSkipSet(" , ")), []);
  assert.equal(sorted(parseSkipSet("gnss")), ["gnss"]);
});

test("skip sets round-trip through their text form", () => {
  for (const text of ["", "a", "a,b", "query,gnss", "test_1,test"]) {
    const set = parseSkipSet(text);
    assert.equal(sorted(parseSkipSet(formatSkipSet(set))), sorted(set), `round trip of "${text}"`);
  }
  assert.is(formatSkipSet(parseSkipSet("test_1, test")), "test,test_1", "stored sorted, without spaces");
  assert.is(parseSkipSet(formatSkipSet(null)), null);
});

test("a row becomes a config: NULL batch is the default batch, skip columns become sets", () => {
  const c = toExportConfig({ name: "partner", batch: null, schema: "geosubmit", url: "https://x.example/", skip_keys: "a, b", skip_sources: null });
  assert.is(c.name, "partner");
  assert.is(c.batch, 0);
  assert.is(c.schema, "geosubmit");
  assert.is(c.url, "https://x.example/");
  assert.equal(sorted(c.skipKeys), ["a", "b"]);
  assert.is(c.skipSources, null);
  assert.is(exportGroupName(c.name), "export:partner");
});

test.run();
