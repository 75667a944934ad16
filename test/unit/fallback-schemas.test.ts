import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  buildOutboundRequest, NOT_FOUND, parseFallbackResult, resolveFallbackSchema,
} from "../../src/locate/fallback/schemas.ts";

const QUERY_JSON = {
  bluetoothBeacons: [{ macAddress: "101010101010", age: 3, name: "beacon", signalStrength: -90 }],
  cellTowers: [{
    radioType: "wcdma", mobileCountryCode: 208, mobileNetworkCode: 1, locationAreaCode: 2, cellId: 1234,
    primaryScramblingCode: 5, age: 10, asu: 31, signalStrength: -51, timingAdvance: 1,
  }],
  wifiAccessPoints: [
    { macAddress: "202020202020", age: 1, channel: 6, frequency: 2437, signalStrength: -70, signalToNoiseRatio: 13, ssid: "home" },
    { macAddress: "303030303030" },
  ],
  fallbacks: { ipf: true, lacf: true },
};

test("a NULL schema is ichnaea/v1, an unknown one is refused", () => {
  assert.is(resolveFallbackSchema(null), "ichnaea/v1");
  assert.is(resolveFallbackSchema("googlemaps/v1"), "googlemaps/v1");
  assert.is(resolveFallbackSchema("acme/v9"), null);
});

test("ichnaea/v1 sends every list without asu and frequency, and fallbacks {lacf, ipf: false}", () => {
  const { url, body } = buildOutboundRequest("ichnaea/v1", "http://p.example/v1?key=k", QUERY_JSON);
  assert.is(url, "http://p.example/v1?key=k");
  assert.equal(body, {
    fallbacks: { lacf: true, ipf: false },
    bluetoothBeacons: [{ macAddress: "101010101010", age: 3, name: "beacon", signalStrength: -90 }],
    cellTowers: [{
      radioType: "wcdma", mobileCountryCode: 208, mobileNetworkCode: 1, locationAreaCode: 2, cellId: 1234,
      primaryScramblingCode: 5, age: 10, signalStrength: -51, timingAdvance: 1,
    }],
    wifiAccessPoints: [
      { macAddress: "202020202020", age: 1, channel: 6, signalStrength: -70, signalToNoiseRatio: 13, ssid: "home" },
      { macAddress: "303030303030" },
    ],
  });
});

test("combain/v1 uses the ichnaea body; lacf false is forwarded and empty lists are omitted", () => {
  const { body } = buildOutboundRequest("combain/v1", "http://c.example", {
    wifiAccessPoints: QUERY_JSON.wifiAccessPoints, cellTowers: [], fallbacks: { lacf: false, ipf: true },
  });
  assert.equal(Object.keys(body).sort(), ["fallbacks", "wifiAccessPoints"]);
  assert.equal(body.fallbacks, { lacf: false, ipf: false });
});

test("googlemaps/v1 sends considerIp false, no fallbacks, no bluetooth, no psc/asu/frequency/ssid", () => {
  const { body } = buildOutboundRequest("googlemaps/v1", "http://g.example", QUERY_JSON);
  assert.equal(body, {
    considerIp: false,
    cellTowers: [{
      radioType: "wcdma", mobileCountryCode: 208, mobileNetworkCode: 1, locationAreaCode: 2, cellId: 1234,
      age: 10, signalStrength: -51, timingAdvance: 1,
    }],
    wifiAccessPoints: [
      { macAddress: "202020202020", age: 1, channel: 6, signalStrength: -70, signalToNoiseRatio: 13 },
      { macAddress: "303030303030" },
    ],
  });
});

test("unwiredlabs/v1 takes the token from after # and renames the fields", () => {
  const { url, body } = buildOutboundRequest("unwiredlabs/v1", "https://u.example/v2/process.php#s3cret", QUERY_JSON);
  assert.is(url, "https://u.example/v2/process.php");
  assert.equal(body, {
    token: "s3cret",
    fallbacks: { lacf: true, ipf: false },
    cells: [{ radio: "wcdma", mcc: 208, mnc: 1, lac: 2, cid: 1234, signal: -51, tA: 1, psc: 5, asu: 31 }],
    wifi: [
      { bssid: "202020202020", channel: 6, frequency: 2437, signal: -70, signalToNoiseRatio: 13 },
      { bssid: "303030303030" },
    ],
  });
});

test("missing fallbacks in the query mean lacf true", () => {
  assert.equal(buildOutboundRequest("ichnaea/v1", "http://x", {}).body, { fallbacks: { lacf: true, ipf: false } });
});

test("an ichnaea result needs location and accuracy; a tag other than lacf becomes null", () => {
  const ok = { location: { lat: 1.5, lng: 2.5 }, accuracy: 100 };
  assert.equal(parseFallbackResult("ichnaea/v1", ok), { kind: "found", lat: 1.5, lon: 2.5, accuracy: 100, fallback: null });
  assert.equal(parseFallbackResult("ichnaea/v1", { ...ok, fallback: "lacf" }),
    { kind: "found", lat: 1.5, lon: 2.5, accuracy: 100, fallback: "lacf" });
  assert.is((parseFallbackResult("combain/v1", { ...ok, fallback: "ipf" }) as { fallback: unknown }).fallback, null);
  assert.is(parseFallbackResult("ichnaea/v1", {}), null);
  assert.is(parseFallbackResult("ichnaea/v1", { location: { lat: 1.5, lng: 2.5 } }), null);
  assert.is(parseFallbackResult("ichnaea/v1", { location: { lat: 1.5 }, accuracy: 10 }), null);
  assert.is(parseFallbackResult("googlemaps/v1", { location: { lat: "1.5", lng: 2.5 }, accuracy: 10 }), null);
  assert.is(parseFallbackResult("ichnaea/v1", { location: { lat: 91, lng: 2.5 }, accuracy: 10 }), null);
  assert.is(parseFallbackResult("ichnaea/v1", [ok]), null);
  assert.is(parseFallbackResult("ichnaea/v1", undefined), null);
});

test("unwiredlabs: ok needs lat, lon, accuracy; 'No matches found' is not-found; other errors are invalid", () => {
  assert.equal(parseFallbackResult("unwiredlabs/v1", { status: "ok", lat: 1, lon: 2, accuracy: 3, fallback: "lacf" }),
    { kind: "found", lat: 1, lon: 2, accuracy: 3, fallback: "lacf" });
  assert.equal(parseFallbackResult("unwiredlabs/v1", { status: "error", message: "No matches found" }), NOT_FOUND);
  assert.is(parseFallbackResult("unwiredlabs/v1", { status: "error", message: "Invalid token" }), null);
  assert.is(parseFallbackResult("unwiredlabs/v1", { message: "No matches found" }), null);
  assert.is(parseFallbackResult("unwiredlabs/v1", { status: "ok", lat: 1, lon: 2 }), null);
  assert.is(parseFallbackResult("unwiredlabs/v1", {}), null);
});

test.run();
