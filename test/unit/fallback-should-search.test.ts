import { test } from "uvu";
import * as assert from "uvu/assert";
import { type ApiKey, DEFAULT_API_KEY } from "../../src/domain/api-key.ts";
import { shouldSearchFallback } from "../../src/locate/fallback/should-search.ts";

const KEY: ApiKey = {
  ...DEFAULT_API_KEY, validKey: "fall", allowFallback: true, fallbackName: "fall", fallbackUrl: "http://127.0.0.1:9/?api",
  fallbackRatelimit: 10, fallbackRatelimitInterval: 60, fallbackCacheExpire: 60,
};
const cells = { blue: 0, wifi: 0, cell: 1 };

test("a usable key and a valid network search the fallback unless the results satisfy the query", () => {
  assert.ok(shouldSearchFallback(KEY, cells, false));
  assert.ok(shouldSearchFallback(KEY, { blue: 2, wifi: 0, cell: 0 }, false));
  assert.not.ok(shouldSearchFallback(KEY, cells, true));
});

test("no allow_fallback, no ratelimit interval or no valid network: not searched", () => {
  assert.not.ok(shouldSearchFallback({ ...KEY, allowFallback: false }, cells, false));
  assert.not.ok(shouldSearchFallback({ ...KEY, fallbackRatelimitInterval: 0 }, cells, false));
  assert.not.ok(shouldSearchFallback(DEFAULT_API_KEY, cells, false));
  assert.not.ok(shouldSearchFallback(KEY, { blue: 0, wifi: 0, cell: 0 }, false));
});

test.run();
