import { test } from "uvu";
import * as assert from "uvu/assert";
import { fallbackCacheKeys } from "../../src/locate/fallback/cache-keys.ts";
import { combineCachedValues, encodeCacheValue, NOT_FOUND_VALUE } from "../../src/locate/fallback/cache-values.ts";
import { NOT_FOUND } from "../../src/locate/fallback/schemas.ts";

const wifi = (mac: string, signalStrength = -70) => ({ macAddress: mac, signalStrength });
const cell = { radioType: "gsm", mobileCountryCode: 1, mobileNetworkCode: 2, locationAreaCode: 3, cellId: 4, signalStrength: -60 };
const found = (lat: number, lon: number, accuracy: number, fallback: "lacf" | null = null) =>
  encodeCacheValue({ kind: "found", lat, lon, accuracy, fallback });

test("a single cell is cached under its 11-byte id", () => {
  const keys = fallbackCacheKeys("p", "ichnaea/v1", { json: { cellTowers: [cell] }, counts: { blue: 0, wifi: 0, cell: 1 } }, 60);
  assert.equal(keys, ["p:cache:fallback:ichnaea:v1:1:cell:00000100020003" + "00000004"]);
});

test("wifi keys carry only the MAC, so a signal change keeps the key", () => {
  const counts = { blue: 0, wifi: 2, cell: 0 };
  const a = fallbackCacheKeys("p", "googlemaps/v1", { json: { wifiAccessPoints: [wifi("aabbccddeeff"), wifi("a1b2c3d4e5f6")] }, counts }, 60);
  const b = fallbackCacheKeys("p", "googlemaps/v1", { json: { wifiAccessPoints: [wifi("aabbccddeeff", -40), wifi("a1b2c3d4e5f6", -99)] }, counts }, 60);
  assert.equal(a, ["p:cache:fallback:googlemaps:v1:1:wifi:aabbccddeeff", "p:cache:fallback:googlemaps:v1:1:wifi:a1b2c3d4e5f6"]);
  assert.equal(a, b);
});

test("two cells, mixed types, 20 wifi or no expire bypass the cache", () => {
  const json = { cellTowers: [cell, { ...cell, cellId: 5 }], wifiAccessPoints: [wifi("aabbccddeeff"), wifi("a1b2c3d4e5f6")] };
  assert.is(fallbackCacheKeys("p", "ichnaea/v1", { json, counts: { blue: 0, wifi: 0, cell: 2 } }, 60), null);
  assert.is(fallbackCacheKeys("p", "ichnaea/v1", { json, counts: { blue: 0, wifi: 2, cell: 1 } }, 60), null);
  assert.is(fallbackCacheKeys("p", "ichnaea/v1", { json, counts: { blue: 2, wifi: 2, cell: 0 } }, 60), null);
  assert.is(fallbackCacheKeys("p", "ichnaea/v1", { json, counts: { blue: 0, wifi: 20, cell: 0 } }, 60), null);
  assert.is(fallbackCacheKeys("p", "ichnaea/v1", { json, counts: { blue: 0, wifi: 2, cell: 0 } }, 0), null);
  assert.is(fallbackCacheKeys("p", "ichnaea/v1", { json, counts: { blue: 0, wifi: 2, cell: 0 } }, null), null);
});

test("nothing cached is a miss; only not-founds are a not-found hit", () => {
  assert.equal(combineCachedValues([null, null]), { status: "miss" });
  assert.equal(combineCachedValues([NOT_FOUND_VALUE, null, "404"]), { status: "hit", answer: NOT_FOUND });
  assert.is(NOT_FOUND_VALUE, '"404"');
});

test("two wifi answers 0.0001° apart with accuracies 100 and 200 combine to 205.56 m", () => {
  const lookup = combineCachedValues([found(51.5, -0.1, 100), found(51.5001, -0.1, 200)]);
  assert.is(lookup.status, "hit");
  const answer = (lookup as { answer: { lat: number; lon: number; accuracy: number } }).answer;
  assert.ok(Math.abs(answer.lat - 51.50005) < 1e-9);
  // max(100 + 5.563, 200 + 5.563), kept to 3 decimals; SPEC's reference value is its 2-decimal form.
  assert.is(answer.accuracy, 205.563);
  assert.is(Math.round(answer.accuracy * 100) / 100, 205.56);
});

test("answers far apart in longitude only are inconsistent (DESIGN §7, fix of SPEC §9.2)", () => {
  assert.equal(combineCachedValues([found(51.5, -0.1, 100), found(51.5, 10.1, 100)]), { status: "inconsistent" });
});

test("found mixed with not-found, or different tags, are inconsistent; bad JSON is a failure", () => {
  assert.equal(combineCachedValues([found(1, 1, 10), NOT_FOUND_VALUE]), { status: "inconsistent" });
  assert.equal(combineCachedValues([found(1, 1, 10, "lacf"), found(1, 1, 10)]), { status: "inconsistent" });
  assert.equal(combineCachedValues(["{not json", found(1, 1, 10)]), { status: "failure" });
  assert.equal(combineCachedValues(['{"lat":1}']), { status: "failure" });
});

test.run();
