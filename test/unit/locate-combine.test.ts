import { suite } from "uvu";
import * as assert from "uvu/assert";
import {
  bestPosition,
  bestPositionCluster,
  bestRegion,
  positionResult,
  positionsSatisfy,
  regionResult,
  regionsSatisfy,
} from "../../src/domain/locate/combine-results.ts";
import type { PositionResult, RegionResult, ResultSource } from "../../src/domain/locate/result.ts";

const HIGH = "high";
const pos = (lat: number, lon: number, accuracy: number, score: number): PositionResult =>
  positionResult({ lat, lon, accuracy, score, source: "internal", fallback: null, usedNetworks: [] });
const region = (code: string, accuracy: number, score: number, source: ResultSource = "internal"): RegionResult =>
  regionResult({ regionCode: code, regionName: code.toLowerCase(), accuracy, score, source, fallback: null, usedNetworks: [] });

// SPEC §6.6 test_result.py fixtures.
const gb1 = pos(51.5, -0.1, 100_000, 0.6);
const gb2 = pos(51.5002, -0.1, 10_000, 1.5);
const gb3 = pos(51.7, -0.1, 1000, 5.0);
const bt1 = pos(27.5002, 90.5, 1000, 0.5);
const bt2 = pos(27.5, 90.5, 2000, 2.0);
const bt3 = pos(27.7, 90.7, 500, 5.0);
const bt4 = pos(27.9, 90.7, 300, 5.0);

const Position = suite("position best");

Position("no results give no best result and an empty cluster", () => {
  assert.is(bestPosition([]), null);
  assert.equal(bestPositionCluster([]), []);
});

Position("a single result is the best", () => {
  assert.is(bestPosition([gb1])?.lat, 51.5);
});

Position("the most accurate result of the best cluster wins", () => {
  assert.is(bestPosition([bt1, bt2])?.lat, 27.5002);
  assert.is(bestPosition([gb1, bt2])?.lat, 27.5);
  assert.is(bestPosition([gb1, gb2, bt2])?.lat, 51.5002);
  assert.is(bestPosition([gb1, gb3, bt1, bt2])?.lat, 51.7);
  assert.is(bestPosition([gb1, gb2, bt2, bt3])?.lat, 27.7);
});

Position("a full tie between clusters goes to the one seeded by the more accurate result", () => {
  assert.is(bestPosition([gb3, bt3])?.lat, 27.7);
  assert.is(bestPosition([bt3, bt4])?.lat, 27.9);
});

Position("within a cluster equal accuracies are broken by the higher score", () => {
  const low = pos(1, 1, 1000, 0.5);
  const high = pos(1, 1.0001, 1000, 0.9);
  assert.is(bestPosition([low, high]), high);
  assert.is(bestPosition([high, low]), high);
});

Position("a result clusters with a less accurate one within 1.5 × the larger accuracy", () => {
  // 0.01° of latitude ≈ 1112 m: inside 1.5 × 1000 m, outside 1.5 × 700 m.
  assert.is(bestPositionCluster([pos(0.5, 1, 100, 1), pos(0.51, 1, 1000, 1)]).length, 2);
  assert.is(bestPositionCluster([pos(0.5, 1, 100, 1), pos(0.51, 1, 700, 1)]).length, 1);
});

Position("construction rounds lat, lon and accuracy to 7 decimals", () => {
  const r = pos(51.123456789, -0.123456751, 12.000000049, 1);
  assert.is(r.lat, 51.1234568);
  assert.is(r.lon, -0.1234568);
  assert.is(r.accuracy, 12);
});

Position.run();

const Satisfies = suite("position satisfies");

Satisfies("two results scoring 0.5 + 0.6 with accuracy 100 satisfy a WiFi query", () => {
  assert.ok(positionsSatisfy([pos(1, 1, 100, 0.5), pos(1, 1, 10_000, 0.6)], HIGH));
});

Satisfies("no results never satisfy", () => {
  assert.not.ok(positionsSatisfy([], "none"));
});

Satisfies("accuracy 2500 with score 2 does not satisfy a WiFi query", () => {
  assert.not.ok(positionsSatisfy([pos(1, 1, 2500, 2.0)], HIGH));
});

Satisfies("a cluster scoring below 1.0 does not satisfy, however accurate", () => {
  assert.not.ok(positionsSatisfy([pos(1, 1, 10, 0.99)], "none"));
});

Satisfies("exactly 50,000 m is medium and satisfies a cell query (SPEC §3.3, §9.19)", () => {
  assert.ok(positionsSatisfy([pos(1, 1, 50_000, 1)], "medium"));
  assert.not.ok(positionsSatisfy([pos(1, 1, 50_000.1, 1)], "medium"));
});

Satisfies.run();

const Region = suite("region best");

Region("the highest combined score wins", () => {
  const us1 = region("US", 200_000, 3.0);
  const us2 = region("US", 200_000, 3.0);
  const gb1 = region("GB", 100_000, 5.0);
  assert.is(bestRegion([us1, gb1])?.regionCode, "GB");
  assert.is(bestRegion([us1, gb1, us2])?.regionCode, "US");
});

Region("a score tie goes to the larger radius", () => {
  assert.is(bestRegion([region("US", 200_000, 3.0), region("GB", 100_000, 3.0)])?.regionCode, "US");
  assert.is(bestRegion([region("GB", 100_000, 3.0), region("US", 200_000, 3.0)])?.regionCode, "US");
});

Region("a full tie goes to the region seen first", () => {
  assert.is(bestRegion([region("DE", 1000, 1), region("FR", 1000, 1)])?.regionCode, "DE");
  assert.is(bestRegion([region("FR", 1000, 1), region("DE", 1000, 1)])?.regionCode, "FR");
});

Region("within the winning region the internal result beats GeoIP, whatever the scores", () => {
  const geoip = region("GB", 851_000, 0.8, "geoip");
  const cell = region("GB", 851_000, 0.5, "internal");
  assert.is(bestRegion([geoip, cell]), cell);
});

Region("within one source the higher score wins", () => {
  const a = region("GB", 851_000, 0.5);
  const b = region("GB", 851_000, 0.7);
  assert.is(bestRegion([a, b]), b);
});

Region("no results give no region and do not satisfy", () => {
  assert.is(bestRegion([]), null);
  assert.not.ok(regionsSatisfy([]));
  assert.ok(regionsSatisfy([region("DE", 100_000, 0)]));
});

Region.run();

const Fresh = suite("fresh stations against GeoIP (a difference from Ichnaea, SPEC §9.14)");
const geoipAt = (lat: number, lon: number, accuracy: number, score: number): PositionResult =>
  positionResult({ lat, lon, accuracy, score, source: "geoip", fallback: "ipf", usedNetworks: [] });

Fresh("fresh Wi-Fi 100 km from the IP's city (score 0.2 against 0.8) answers, not GeoIP", () => {
  // Ichnaea: the GeoIP cluster (0.8) outscores the Wi-Fi one (0.2) and answers with 25 km.
  const wifi = pos(52.0, 0.0, 40, 0.2);
  const ip = geoipAt(51.1, 0.0, 25_000, 0.8);
  assert.is(bestPosition([wifi, ip]), wifi);
  assert.is(bestPosition([ip, wifi]), wifi);
});

Fresh("GeoIP still tips the choice between two station clusters: the one near the IP wins", () => {
  const far = pos(10, 10, 40, 0.5);
  const near = pos(51.5, -0.1, 40, 0.4);
  const ip = geoipAt(51.5, -0.1, 25_000, 0.8);
  assert.is(bestPosition([far, near, ip]), near);
  assert.is(bestPosition([far, near]), far);
});

Fresh("GeoIP alone still answers", () => {
  const ip = geoipAt(51.5, -0.1, 25_000, 0.8);
  assert.is(bestPosition([ip]), ip);
});

Fresh.run();
