import { test } from "uvu";
import * as assert from "uvu/assert";
import { locateByNetworks, type MacLookup } from "../../src/domain/locate/network-position.ts";
import type { PositionResult } from "../../src/domain/locate/result.ts";
import { stationScore } from "../../src/domain/locate/score.ts";
import type { MacStation } from "../../src/domain/station/station-row.ts";
import { distance } from "../../src/geo/distance.ts";

// Inputs follow Ichnaea's api/locate/tests/test_wifi.py and test_blue.py; its factories default
// to the GB position, radius 5, samples 1, created = modified = now and last_seen = today.
// Where Ichnos estimates differently (README "Differences from Ichnaea": amplitude-weighted centre
// instead of MINPACK, the strongest 40 networks instead of 20 by score, calibrated accuracy
// instead of the 95th percentile distance), the test says what Ichnaea expected.
const NOW = new Date("2026-06-15T12:00:00Z");
const LAT = 51.5;
const LON = -0.1;
const DAY_MS = 86_400_000;
const ago = (days: number) => new Date(NOW.getTime() - days * DAY_MS);
const dayAgo = (days: number) => ago(days).toISOString().slice(0, 10);

let serial = 0;
function station(fields: Partial<MacStation> = {}): MacStation {
  serial += 1;
  return {
    mac: `a820${serial.toString(16).padStart(8, "0")}`,
    lat: LAT, lon: LON, maxLat: null, minLat: null, maxLon: null, minLon: null,
    radius: 5, region: "GB", samples: 1, source: 3, weight: 1,
    created: NOW, modified: NOW, lastSeen: dayAgo(0),
    blockFirst: null, blockLast: null, blockCount: null,
    ...fields,
  };
}
const lookupsOf = (stations: readonly MacStation[], extra: readonly Omit<MacLookup, "mac">[] = []): MacLookup[] =>
  stations.map((s, i) => ({ mac: s.mac, ...extra[i] }));
const wifi = (stations: readonly MacStation[], extra?: readonly Omit<MacLookup, "mac">[]) =>
  locateByNetworks("wifi", lookupsOf(stations, extra), stations, NOW);
const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;
const only = (results: PositionResult[]): PositionResult => {
  assert.is(results.length, 1, "exactly one cluster");
  return results[0]!;
};

test("two close stations: the stronger pulls the centre (lon + 0.0000009) and score > 1.0", () => {
  const a = station({ samples: 50 });
  const b = station({ lon: LON + 0.00001, samples: 100 });
  const result = only(wifi([a, b], [{ signal: -60 }, { signal: -80 }]));
  assert.is(result.lat, LAT);
  // Amplitudes 10^(−60/20) and 10^(−80/20): b counts a tenth as much as a (Ichnaea: lon + 0.000004).
  assert.is(result.lon, round(LON + 0.00001 / 11, 7));
  assert.ok(result.score > 1.0, `${result.score}`);
  // Two stations side by side, observed 50 and 100 times: (0.5 + 4/2) · (10 + 300 · s̄), s̄ their
  // amplitude-weighted mean of 1/√samples, 0.13766 (accuracy-model.ts; Ichnaea: 10, its minimum).
  assert.ok(Math.abs(result.accuracy - 128.242) < 0.01, `${result.accuracy}`);
  assert.is(result.source, "internal");
  assert.is(result.fallback, null);
  assert.equal(result.usedNetworks.map((n) => n.id).sort(), [a.mac, b.mac].sort());
});

// A difference from Ichnaea (move-watch.ts): a station heard far from its place since it was last
// heard there stands either where it was stored or at its move candidate; the query's other
// networks decide which, and the two places of one station never count as two networks.
const withCandidate = (fields: Partial<MacStation>, lat: number, lon: number, samples = 1) =>
  ({ ...station(fields), move: { lat, lon, weight: samples, samples } });

test("a station with a move candidate heard with its old neighbours stands where it was stored", () => {
  const a = station();
  const b = station({ lon: LON + 0.0001 });
  // Stored beside a and b; one observation 2 km north started a candidate (a static access point
  // heard once from afar, or a move the query says did not happen).
  const c = withCandidate({ lon: LON + 0.0002 }, LAT + 0.018, LON);
  const result = only(wifi([a, b, c], [{}, {}, { signal: -30 }]));
  assert.equal(result.usedNetworks.map((n) => n.id).sort(), [a.mac, b.mac, c.mac].sort());
  // −30 dBm dominates the amplitude weights: the answer is at c's stored place, not 2 km north.
  assert.ok(distance(LAT, LON + 0.0002, result.lat, result.lon) < 2, `${result.lat}, ${result.lon}`);
});

test("a station with a move candidate heard with its new neighbours stands at the candidate", () => {
  const a = station({ lat: LAT + 0.018 });
  const b = station({ lat: LAT + 0.018, lon: LON + 0.0001 });
  // Stored 2 km south of a and b (observed there 80 times), its candidate beside them.
  const c = withCandidate({ samples: 80 }, LAT + 0.018, LON + 0.0002, 2);
  const result = only(wifi([a, b, c], [{}, {}, { signal: -30 }]));
  assert.equal(result.usedNetworks.map((n) => n.id).sort(), [a.mac, b.mac, c.mac].sort());
  assert.ok(distance(LAT + 0.018, LON + 0.0002, result.lat, result.lon) < 2, `${result.lat}, ${result.lon}`);
});

test("both places of a station within one cluster: the one nearer the others is used", () => {
  const a = station();
  const b = station({ lon: LON + 0.0001 });
  // Stored 350 m north, candidate 10 m east of b: both within 500 m of everyone, one cluster.
  const c = withCandidate({ lat: LAT + 0.00315 }, LAT, LON + 0.00025);
  const result = only(wifi([a, b, c], [{ signal: -70 }, { signal: -70 }, { signal: -70 }]));
  assert.equal(result.usedNetworks.map((n) => n.id).sort(), [a.mac, b.mac, c.mac].sort());
  // The centre of a, b and c's candidate: 0.0001167° east of a, on its latitude.
  assert.ok(distance(LAT, LON + 0.00035 / 3, result.lat, result.lon) < 1, `${result.lat}, ${result.lon}`);
});

test("the two places of one station are one network: alone they give no answer", () => {
  const c = withCandidate({}, LAT + 0.003, LON);
  assert.equal(wifi([c]), []);
  // With one other network beside its candidate, the pair answers there.
  const a = station({ lat: LAT + 0.003, lon: LON + 0.0001 });
  const result = only(wifi([a, c]));
  assert.ok(distance(LAT + 0.003, LON + 0.00005, result.lat, result.lon) < 1, `${result.lat}, ${result.lon}`);
});

test("four stations weigh by amplitude and age: lat + 0.0000016, lon + 0.0000020, 500 m", () => {
  const stations = [0, 1, 2, 3].map((i) => station({ lat: LAT + i * 0.0001, lon: LON + i * 0.00012 }));
  const result = only(wifi(stations, [
    { signal: -10, age: 0 },
    { signal: -40, age: 8000 },
    { signal: -70, age: 16000 },
    {},
  ]));
  // Weights 10^(dBm/20) · min(√(2000/age), 1), a missing signal −100 dBm; worked out by hand:
  // lat + 1.63486e-6, lon + 1.96183e-6. Stations observed once: (0.5 + 4/4) · 310 m and a little
  // spread, 465 m. Ichnaea's MINPACK fit gave lat + 0.0000009, lon + 0.0000006 and 39.51 m.
  assert.is(result.lat, round(LAT + 1.6348573e-6, 7));
  assert.is(result.lon, round(LON + 1.9618287e-6, 7));
  assert.ok(Math.abs(result.accuracy - 465.0005) < 0.001, `${result.accuracy}`);
});

test("an outlier 1° away is ignored; three fresh stations of one sample score 0.15", () => {
  const first = station();
  const others = [0.00001, 0.00002, 1.0].map((dLat) => station({ lat: LAT + dLat }));
  const result = only(wifi([first, ...others]));
  assert.is(result.lat, round(LAT + 0.00001, 7));
  assert.is(round(result.score, 4), 0.15);
  assert.not.ok(result.usedNetworks.some((n) => n.id === others[2]!.mac));
});

test("two clusters 1° apart give two results, each where its stations are", () => {
  const s11 = station();
  const s12 = station();
  const s21 = station({ lat: LAT + 1, lon: LON + 1 });
  const s22 = station({ lat: LAT + 1, lon: LON + 1 });
  const signals = [-100, -80, -100, -54].map((signal) => ({ signal }));
  const results = wifi([s11, s12, s21, s22], signals);
  assert.is(results.length, 2);
  assert.equal(results.map((r) => [r.lat, r.lon]), [[LAT, LON], [LAT + 1, round(LON + 1, 7)]]);
});

test("of two clusters the one with the higher summed score is identifiable as the best", () => {
  const s11 = station({ samples: 20, created: ago(7), modified: ago(1) });
  const s12 = station({ lat: LAT + 0.00003, samples: 30, created: ago(1), modified: NOW });
  const s13 = station({ lat: LAT - 0.00003, samples: 10, created: ago(1), modified: NOW });
  const s21 = station({ lat: LAT + 1, lon: LON + 1, samples: 40, created: ago(120), modified: ago(90) });
  const s22 = station({ lat: LAT + 1, lon: LON + 1, samples: 50, created: ago(90), modified: ago(7) });
  const results = wifi([s11, s12, s13, s21, s22]);
  assert.is(results.length, 2);
  const [best, other] = [...results].sort((a, b) => b.score - a.score) as [PositionResult, PositionResult];
  assert.is(best.lat, round(s21.lat!, 7));
  assert.is(best.lon, round(s21.lon!, 7));
  // Two stations at one spot observed 40 and 50 times: (0.5 + 4.5/2) · (10 + 300 · (1/√40 + 1/√50)/2).
  assert.ok(Math.abs(best.accuracy - 137.326) < 0.01, `${best.accuracy} (Ichnaea: 10)`);
  assert.is(round(best.score, 2), round(stationScore(s21, NOW) + stationScore(s22, NOW), 2));
  assert.is(round(other.lat, 4), round(LAT, 4));
  assert.is(round(other.lon, 4), round(LON, 4));
});

test("a temporarily blocked neighbour leaves a single network: no result", () => {
  const a = station({ radius: 200 });
  const b = station({
    lon: LON + 0.00001, radius: 300, created: ago(1), modified: NOW,
    blockFirst: dayAgo(1), blockLast: dayAgo(1), blockCount: 1,
  });
  assert.equal(wifi([a, b]), []);
});

test("a permanently blocked neighbour (created 120 days ago, 4 blocks) gives no result", () => {
  const a = station({ radius: 200 });
  const b = station({
    lon: LON + 0.00001, radius: 300, created: ago(120), modified: NOW,
    blockFirst: dayAgo(90), blockLast: dayAgo(7), blockCount: 4,
  });
  assert.equal(wifi([a, b]), []);
});

test("one of two matches lacking a position gives no result", () => {
  const stations = [station({ lat: null }), station()];
  assert.equal(wifi(stations), []);
});

test("a third match without a position is dropped, the other two still cluster", () => {
  const a = station();
  const b = station();
  const result = only(wifi([a, b, station({ lat: null, radius: null })]));
  assert.equal([result.lat, result.lon], [LAT, LON]);
  assert.is(result.usedNetworks.length, 2);
});

test("a single found network, or two far apart, give no result", () => {
  const a = station();
  assert.equal(locateByNetworks("wifi", [{ mac: a.mac }, { mac: "a82000000fff" }], [a], NOW), []);
  assert.equal(wifi([a, station({ lat: LAT + 1 })]), []);
});

test("a noisy cluster of 45: score sums all 45 while the 40 strongest are used (Ichnaea: 20)", () => {
  const stations = Array.from({ length: 45 }, (_, i) =>
    station({ lat: LAT + i * 0.000001, lon: LON + i * 0.0000012, samples: 100 - i }));
  const result = only(wifi(stations, stations.map((_, i) => ({ signal: -50 - i }))));
  const total = stations.reduce((sum, s) => sum + stationScore(s, NOW), 0);
  assert.is(round(result.score, 4), round(total, 4));
  assert.equal(result.usedNetworks.map((n) => n.id), stations.slice(0, 40).map((s) => s.mac));
  assert.is(round(result.lat, 4), round(LAT, 4));
  assert.is(round(result.lon, 4), round(LON, 4));
});

test("DESIGN §7: the sample is the strongest networks, not Ichnaea's lowest-scoring", () => {
  // 40 stations heard at −60 dBm at one spot and 2 well-established ones heard at −95 dBm 200 m
  // north, all within 500 m: the sample is the 40 strong ones, whatever the scores say.
  const strong = Array.from({ length: 40 }, () => station({ radius: 10 }));
  const weak = [station({ lat: LAT + 0.0018, samples: 1000, created: ago(30) }), station({ lat: LAT + 0.0018, samples: 1000, created: ago(30) })];
  const all = [...weak, ...strong];
  const result = only(wifi(all, all.map((s) => ({ signal: weak.includes(s) ? -95 : -60 }))));
  assert.equal([result.lat, result.lon], [LAT, LON]);
  assert.equal(new Set(result.usedNetworks.map((n) => n.id)), new Set(strong.map((s) => s.mac)));
  const total = all.reduce((sum, s) => sum + stationScore(s, NOW), 0);
  assert.ok(Math.abs(result.score - total) < 1e-9, "the weak stations still count towards the score");
});

test("used networks say whether the station was seen today", () => {
  const a = station();
  const b = station({ lastSeen: dayAgo(1) });
  const result = only(wifi([a, b]));
  const seen = new Map(result.usedNetworks.map((n) => [n.id, n.seenToday]));
  assert.equal([seen.get(a.mac), seen.get(b.mac)], [true, false]);
  assert.ok(result.usedNetworks.every((n) => n.type === "wifi"));
});

test("stations that all score 0 are placed at their plain mean", () => {
  const a = station({ created: null });
  const b = station({ created: null, lat: LAT + 0.0001 });
  const result = only(wifi([a, b]));
  assert.is(result.score, 0);
  assert.ok(Math.abs(result.lat - (LAT + 0.00005)) < 2e-7, `${result.lat}`);
});

test("Bluetooth: two close beacons at -80/-90 give lon + 0.0000024 (Ichnaea: + 0.0000048) and score > 1.0", () => {
  const a = station({ radius: 10, samples: 50 });
  const b = station({ lon: LON + 0.00001, radius: 100, samples: 100 });
  const lookups = [{ mac: a.mac, signal: -80 }, { mac: b.mac, signal: -90 }];
  const result = only(locateByNetworks("blue", lookups, [a, b], NOW));
  // Amplitudes 10^(−4) and 10^(−4.5): b's share is 1/(1 + √10).
  assert.is(result.lon, round(LON + 0.00001 / (1 + Math.sqrt(10)), 7));
  assert.ok(result.score > 1.0);
  assert.ok(result.usedNetworks.every((n) => n.type === "blue"));
});

test("Bluetooth clusters span at most 100 m; their accuracy is the calibrated radius (Ichnaea: at most 50 m)", () => {
  const a = station();
  const far = station({ lat: LAT + 0.00135 });
  assert.ok(distance(LAT, LON, far.lat!, LON) > 100 && distance(LAT, LON, far.lat!, LON) < 500);
  assert.equal(locateByNetworks("blue", lookupsOf([a, far]), [a, far], NOW), []);
  assert.is(wifi([a, far]).length, 1);
  const near = station({ lat: LAT + 0.0008 });
  const lookups = [{ mac: a.mac, signal: -10 }, { mac: near.mac, signal: -127 }];
  // Two beacons observed once, side by side in the estimate's eyes (the −127 dBm one weighs nothing),
  // the loudest at −10 dBm: 140 m · 1/√1 (accuracy-model.ts).
  assert.ok(Math.abs(only(locateByNetworks("blue", lookups, [a, near], NOW)).accuracy - 140) < 0.01);
});

test("a station whose radius says it cannot place anyone is not used (Wi-Fi > 500 m, Bluetooth > 200 m)", () => {
  const a = station();
  const b = station({ lon: LON + 0.00001 });
  assert.equal(wifi([a, b, station({ radius: 501 })]).map((r) => r.usedNetworks.length), [2]);
  assert.equal(wifi([a, station({ lon: LON + 0.00001, radius: 501 })]), []);
  assert.equal(wifi([a, station({ lon: LON + 0.00001, radius: 500 })]).length, 1);
  const blue = (stations: MacStation[]) => locateByNetworks("blue", lookupsOf(stations), stations, NOW);
  assert.equal(blue([a, station({ radius: 201 })]), []);
  assert.equal(blue([a, station({ radius: 200 })]).length, 1);
});

test.run();
