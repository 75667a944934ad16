import { test } from "uvu";
import * as assert from "uvu/assert";
import { createApiKeyResolver } from "../../src/api/api-key-resolver.ts";
import { DEFAULT_API_KEY, isWellFormedApiKey, shouldStoreSample, type ApiKey } from "../../src/domain/api-key.ts";
import { createLogger } from "../../src/logger.ts";
import { parseLenientJson } from "../../src/api/lenient-json.ts";

const log = createLogger("silent");
const key = (validKey: string, extra: Partial<ApiKey> = {}): ApiKey => ({ ...DEFAULT_API_KEY, validKey, maxreq: 10, ...extra });

test("key syntax: 4 to 40 characters of letters, digits and dashes", () => {
  for (const ok of ["test", "a-b-c", "ABCD", "0123456789abcdef0123456789abcdef01234567"]) assert.ok(isWellFormedApiKey(ok), ok);
  for (const bad of ["", "abc", "x".repeat(41), "has space", "semi;colon", "ünï"]) assert.not.ok(isWellFormedApiKey(bad), bad);
});

test("found and unknown keys are cached for the TTL; concurrent lookups share one query", async () => {
  let clock = 0;
  const queries: string[] = [];
  const resolver = createApiKeyResolver({
    log, ttlMs: 1000, now: () => clock,
    load: async (k) => { queries.push(k); return k === "good" ? key("good") : null; },
  });
  const [a, b] = await Promise.all([resolver.resolve("good"), resolver.resolve("good")]);
  assert.equal([a.status, b.status], ["found", "found"]);
  assert.is((await resolver.resolve("nope")).status, "unknown");
  await resolver.resolve("good");
  await resolver.resolve("nope");
  assert.equal(queries, ["good", "nope"], "second round served from the cache");
  clock = 1001;
  await resolver.resolve("good");
  assert.equal(queries, ["good", "nope", "good"], "expired entries are looked up again");
});

test("no key and malformed keys never reach the database", async () => {
  const resolver = createApiKeyResolver({ log, load: async () => { throw new Error("must not be called"); } });
  assert.equal((await resolver.resolve(undefined)).status, "none");
  assert.equal((await resolver.resolve("")).status, "none");
  const bad = await resolver.resolve("no spaces allowed");
  assert.equal([bad.status, bad.key], ["invalid", DEFAULT_API_KEY]);
});

test("a database error gives the default key and is not cached", async () => {
  let fail = true;
  const resolver = createApiKeyResolver({ log, load: async (k) => { if (fail) throw new Error("db down"); return key(k); } });
  const down = await resolver.resolve("good");
  assert.equal([down.status, down.key], ["error", DEFAULT_API_KEY]);
  fail = false;
  assert.is((await resolver.resolve("good")).status, "found");
});

test("the cache holds at most maxEntries keys, dropping the least recently used", async () => {
  const queries: string[] = [];
  const resolver = createApiKeyResolver({ log, maxEntries: 2, load: async (k) => { queries.push(k); return key(k); } });
  for (const k of ["k001", "k002", "k001", "k003", "k001", "k002"]) await resolver.resolve(k);
  assert.equal(queries, ["k001", "k002", "k003", "k002"]);
});

test("submit sampling follows store_sample_submit; NULL means never for a found key", () => {
  assert.ok(shouldStoreSample(DEFAULT_API_KEY, "submit", 0.999));
  assert.not.ok(shouldStoreSample(key("k", { storeSampleSubmit: 0 }), "submit", 0));
  assert.not.ok(shouldStoreSample(key("k", { storeSampleSubmit: null }), "submit", 0));
  assert.ok(shouldStoreSample(key("k", { storeSampleSubmit: 30 }), "submit", 0.29));
  assert.not.ok(shouldStoreSample(key("k", { storeSampleSubmit: 30 }), "submit", 0.31));
  assert.ok(shouldStoreSample(key("k", { storeSampleLocate: 50 }), "locate", 0.49, 100));
  assert.not.ok(shouldStoreSample(key("k", { storeSampleLocate: 50 }), "locate", 0.49, 50));
});

test("JSON with NaN and Infinity tokens parses them as non-finite numbers, leaving strings alone", () => {
  assert.equal(parseLenientJson('{"a":1}'), { a: 1 });
  const v = parseLenientJson('{"a":NaN,"b":-Infinity,"c":"NaN and Infinity","d":[Infinity]}') as Record<string, unknown>;
  assert.is(v.a, Number.POSITIVE_INFINITY);
  assert.is(v.b, Number.NEGATIVE_INFINITY);
  assert.is(v.c, "NaN and Infinity");
  assert.equal(v.d, [Number.POSITIVE_INFINITY]);
  assert.throws(() => parseLenientJson("{nope}"));
  assert.throws(() => parseLenientJson('{"a":NaNx}'));
});

test.run();
