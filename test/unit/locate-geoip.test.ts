import { suite } from "uvu";
import * as assert from "uvu/assert";
import { estimateGeoIp, geoIpPosition, geoIpRegion } from "../../src/domain/locate/geoip-result.ts";
import { getRegionLookup } from "../../src/geo/regions.ts";
import type { GeoIpResult } from "../../src/geoip/geoip-record.ts";

const regions = getRegionLookup();
const record = (over: Partial<GeoIpResult>): GeoIpResult => ({ countryCode: "GB", latitude: 51.5142, longitude: -0.0931, ...over });
const estimate = (over: Partial<GeoIpResult>) => {
  const e = estimateGeoIp(record(over), regions);
  if (!e) throw new Error("no estimate");
  return e;
};
const radius = (over: Partial<GeoIpResult>) => estimate(over).radius;

const Radius = suite("GeoIP radius (SPEC §6.8 test_geoip.py)");

Radius("US with a 1100 km accuracy radius stays above 1,000,000 m", () => {
  assert.ok(radius({ countryCode: "US", accuracyRadiusKm: 1100 }) > 1_000_000);
});

Radius("XK with an 11 km accuracy radius is 11,000 m", () => {
  assert.is(radius({ countryCode: "XK", accuracyRadiusKm: 11 }), 11_000);
});

Radius("RU with a subdivision is capped by the subdivision radius, then by the accuracy radius", () => {
  const big = radius({ countryCode: "RU", accuracyRadiusKm: 2100, subdivision: "Moscow" });
  assert.ok(big < 1_500_000, String(big));
  assert.is(big, 1_200_000);
  assert.is(radius({ countryCode: "RU", accuracyRadiusKm: 100, subdivision: "Moscow" }), 100_000);
});

Radius("London as a city caps 41 km at the London radius, and 1 km stays 1 km", () => {
  const london = { city: "London", cityGeonameId: 2643743, subdivision: "England" };
  const big = radius({ ...london, accuracyRadiusKm: 41 });
  assert.ok(big > 25_000, String(big));
  assert.is(big, 40_000);
  assert.is(radius({ ...london, accuracyRadiusKm: 1 }), 1000);
});

Radius("an unknown region falls back to 5,000,000 m", () => {
  const e = estimate({ countryCode: "XX", accuracyRadiusKm: 5100 });
  assert.is(e.radius, 5_000_000);
  assert.is(e.regionRadius, 5_000_000);
});

Radius("a subdivision without its own radius caps at 400,000 m; a city not in the table at 25,000 m", () => {
  assert.is(radius({ countryCode: "DE", subdivision: "Bavaria" }), 400_000);
  assert.is(radius({ countryCode: "DE", subdivision: "Bavaria", city: "Munich", cityGeonameId: 2867714 }), 25_000);
  assert.is(radius({ countryCode: "CN", city: "Shanghai", cityGeonameId: 1796236 }), 68_000);
});

Radius("the region radius bounds everything, so Vatican City never exceeds its 1000 m", () => {
  assert.is(radius({ countryCode: "VA", city: "Vatican City", cityGeonameId: 6691831, subdivision: "x" }), 1000);
});

Radius("without anything else the radius is the region's", () => {
  const e = estimate({ countryCode: "BT", latitude: 27.5, longitude: 90.5 });
  assert.is(e.radius, regions.maxRadius("BT"));
  assert.is(e.score, 0.9);
  assert.is(e.city, false);
});

Radius.run();

const Bundled = suite("bundled-format records (no accuracy radius, no geoname id)");

Bundled("a city named by a flattened database counts as a city: 25,000 m and the country score", () => {
  const e = estimate({ countryCode: "GB", city: "Bracknell", subdivision: "England" });
  assert.is(e.radius, 25_000);
  assert.is(e.score, 0.8);
  assert.is(e.city, true);
});

Bundled("a large city is recognised by country and name", () => {
  assert.is(radius({ countryCode: "GB", city: "London", subdivision: "England" }), 40_000);
  assert.is(radius({ countryCode: "US", city: "New York", subdivision: "New York" }), 41_000);
  // London, Ontario is not London.
  assert.is(radius({ countryCode: "CA", city: "London", subdivision: "Ontario" }), 25_000);
});

Bundled("a record with only a country and a subdivision uses the subdivision rule and scores 0.9", () => {
  const e = estimate({ countryCode: "US", subdivision: "Texas" });
  assert.is(e.radius, 1_200_000);
  assert.is(e.score, 0.9);
});

Bundled.run();

const Rules = suite("GeoIP region, score and result rules (SPEC §3.10)");

Rules("region codes are mapped to GENC and named", () => {
  assert.is(estimate({ countryCode: "AX" }).regionCode, "FI");
  assert.is(estimate({ countryCode: "PS" }).regionCode, "XW");
  assert.is(estimate({ countryCode: "SJ" }).regionCode, "XR");
  assert.is(estimate({ countryCode: "UM" }).regionCode, "US");
  assert.is(estimate({ countryCode: "GB" }).regionName, "United Kingdom");
  assert.is(estimate({ countryCode: "PS" }).regionName, "West Bank");
});

Rules("city scores come from the per-country table, default 0.3", () => {
  const score = (countryCode: string) => estimate({ countryCode, city: "Somewhere" }).score;
  assert.is(score("FI"), 0.5);
  assert.is(score("IT"), 0.6);
  assert.is(score("FR"), 0.7);
  assert.is(score("US"), 0.8);
  assert.is(score("SG"), 0.9);
  assert.is(score("BT"), 0.3);
});

Rules("a latitude or longitude of exactly 0, or no country, is no GeoIP data (SPEC §9.21)", () => {
  assert.is(estimateGeoIp(record({ latitude: 0 }), regions), null);
  assert.is(estimateGeoIp(record({ longitude: 0 }), regions), null);
  assert.is(estimateGeoIp(record({ countryCode: "" }), regions), null);
});

Rules("lat/lon are rounded to 7 decimals", () => {
  const e = estimate({ latitude: 51.514212345678, longitude: -0.093112345678 });
  assert.is(e.lat, 51.5142123);
  assert.is(e.lon, -0.0931123);
});

Rules("the London fixture answers 51.5142/−0.0931 within 40 km, score 0.8, tagged ipf unless IP only", () => {
  const e = estimate({ city: "London", cityGeonameId: 2643743, subdivision: "England", accuracyRadiusKm: 100 });
  const position = geoIpPosition(e, false);
  assert.equal(
    { lat: position.lat, lon: position.lon, accuracy: position.accuracy, score: position.score },
    { lat: 51.5142, lon: -0.0931, accuracy: 40_000, score: 0.8 },
  );
  assert.is(position.source, "geoip");
  assert.is(position.fallback, "ipf");
  assert.is(geoIpPosition(e, true).fallback, null);
});

Rules("the region answer uses the region radius, not the city radius", () => {
  const e = estimate({ city: "London", cityGeonameId: 2643743 });
  const r = geoIpRegion(e, true);
  assert.equal(
    { code: r.regionCode, name: r.regionName, accuracy: r.accuracy, score: r.score, fallback: r.fallback, source: r.source },
    { code: "GB", name: "United Kingdom", accuracy: regions.maxRadius("GB"), score: 0.8, fallback: null, source: "geoip" },
  );
  assert.is(geoIpRegion(e, false).fallback, "ipf");
});

Rules.run();
