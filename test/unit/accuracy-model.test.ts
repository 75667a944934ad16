/**
 * The calibrated accuracy (accuracy-model.ts) and the signal-weighted centre it is computed for
 * (signal-centre.ts): the parameters fitted with `npm run bench:quality`, their shape (fewer
 * stations and a wider spread give a larger radius, within each kind's bounds), and that the
 * SPEC accuracy classes still read the calibrated values (SPEC §3.3).
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { accuracyClass } from "../../src/domain/locate/accuracy.ts";
import { ACCURACY_MODEL, calibratedAccuracy } from "../../src/domain/locate/accuracy-model.ts";
import { signalCentre, weightedSpread } from "../../src/domain/locate/signal-centre.ts";
import { distance } from "../../src/geo/distance.ts";

const near = (actual: number, expected: number, eps = 1e-6) => assert.ok(Math.abs(actual - expected) < eps, `${actual} ≈ ${expected}`);
const shape = (stations: number, spread: number, sampleTerm = 1, meanRadius = 0, strongest = -60) => ({ stations, spread, sampleTerm, meanRadius, strongest });

test("Wi-Fi: (0.5 + 4/n) · √((spread / 4)² + (10 + 300 · s̄)²), within 15…500 m", () => {
  near(calibratedAccuracy("wifi", shape(4, 0, 0.1)), 60);
  near(calibratedAccuracy("wifi", shape(10, 400, 0.1)), 0.9 * Math.hypot(100, 40));
  near(calibratedAccuracy("wifi", shape(10, 400, 0.1, 0, -95)), 0.9 * Math.hypot(100, 40), 1e-6);
  // Stations observed 100 times each place better than stations observed 4 times.
  assert.ok(calibratedAccuracy("wifi", shape(5, 20, 0.1)) < calibratedAccuracy("wifi", shape(5, 20, 0.5)));
  assert.is(calibratedAccuracy("wifi", shape(2, 0, 1)), 500, "two stations observed once: 775 m, held to 500");
  assert.is(calibratedAccuracy("wifi", shape(20, 0, 0.01)), 15, "9 m raised to the minimum");
});

test("Bluetooth: √((0.4 · spread)² + (140 · s̄)² + (16 · max(0, −80 − loudest dBm))²), within 10…150 m", () => {
  near(calibratedAccuracy("blue", shape(2, 0, 1)), 140);
  near(calibratedAccuracy("blue", shape(3, 40, 0.25)), Math.hypot(16, 35));
  near(calibratedAccuracy("blue", shape(6, 0, 0.1)), 14);
  // As many beacons, observed 400 times instead of 100: half the radius.
  near(calibratedAccuracy("blue", shape(6, 0, 0.05)), 10);
  // The nearest beacon heard at −88 dBm: the phone is outside the venue, 8 dB × 16 m away.
  near(calibratedAccuracy("blue", shape(6, 0, 0.1, 0, -88)), Math.hypot(14, 128));
  assert.is(calibratedAccuracy("blue", shape(6, 0, 0.1, 0, -95)), 150, "held to the maximum");
  assert.ok(calibratedAccuracy("blue", shape(6, 0, 0.1, 0, -80)) < calibratedAccuracy("blue", shape(6, 0, 0.1, 0, -85)));
});

test("cells: √((0.4 · spread)² + (0.032 · mean radius)² + (36 · max(0, −50 − loudest dBm))²), at least 200 m", () => {
  near(calibratedAccuracy("cell", shape(5, 300, 0.1, 5000, -50)), 0.4 * Math.hypot(300, 400));
  // The serving cell heard at −60 dBm: 10 dB × 36 m added in quadrature.
  near(calibratedAccuracy("cell", shape(5, 300, 0.1, 5000)), Math.hypot(200, 360));
  // Neither the number of cells nor how often they were observed moves it.
  near(calibratedAccuracy("cell", shape(2, 300, 1, 5000)), Math.hypot(200, 360));
  assert.ok(calibratedAccuracy("cell", shape(5, 300, 0.1, 5000, -90)) > calibratedAccuracy("cell", shape(5, 300, 0.1, 5000, -70)));
  assert.is(calibratedAccuracy("cell", shape(5, 10, 0.1, 100, -45)), 200);
  assert.is(calibratedAccuracy("cell", shape(2, 1e6, 0.1, 1e6)), 50_000);
});

test("more stations, a smaller spread and better-observed stations never give a larger radius", () => {
  for (const kind of ["wifi", "blue", "cell"] as const) {
    for (const spread of [0, 50, 200, 1000]) {
      let previous = Number.POSITIVE_INFINITY;
      for (let n = 2; n <= 40; n++) {
        const a = calibratedAccuracy(kind, shape(n, spread, 0.2, 2000));
        assert.ok(a <= previous, `${kind} n=${n} spread=${spread}`);
        assert.ok(a >= ACCURACY_MODEL[kind].min && a <= ACCURACY_MODEL[kind].max);
        assert.ok(calibratedAccuracy(kind, shape(n, spread + 10, 0.2, 2000)) >= a);
        assert.ok(calibratedAccuracy(kind, shape(n, spread, 0.3, 2000)) >= a);
        previous = a;
      }
    }
  }
});

test("the accuracy classes read the calibrated values: Wi-Fi and Bluetooth answers stay high", () => {
  // SPEC §3.3: high up to 500 m, so the fallback decision (§3.4) is unchanged for them.
  assert.is(accuracyClass(calibratedAccuracy("wifi", shape(2, 10_000))), "high");
  assert.is(accuracyClass(calibratedAccuracy("blue", shape(2, 10_000))), "high");
  assert.is(accuracyClass(calibratedAccuracy("cell", shape(5, 300, 0.1, 5000, -80))), "medium");
  // A group of cells heard loudly can be "high" (≤ 500 m), as its calibrated radius says.
  assert.is(accuracyClass(calibratedAccuracy("cell", shape(5, 300, 0.1, 5000))), "high");
});

test("weighted spread is the weighted RMS distance from the point", () => {
  near(weightedSpread([{ x: 0, y: 0, weight: 1 }, { x: 10, y: 0, weight: 1 }], 5, 0), 5);
  near(weightedSpread([{ x: 0, y: 0, weight: 3 }, { x: 4, y: 0, weight: 1 }], 1, 0), Math.sqrt((3 * 1 + 9) / 4));
  assert.is(weightedSpread([], 0, 0), 0);
});

const sample = (lat: number, lon: number, signal: number, over: { age?: number; score?: number; radius?: number; samples?: number } = {}) =>
  ({ lat, lon, signal, age: over.age ?? 1000, score: over.score ?? 1, radius: over.radius ?? 0, samples: over.samples ?? 1 });

test("the centre weighs stations by amplitude: 20 dB stronger counts 10× at 20 dB per decade", () => {
  const c = signalCentre([sample(51.5, -0.1, -60), sample(51.5011, -0.1, -80)], 20);
  near(c.lat, 51.5 + 0.0011 / 11, 1e-12);
  // By power (10 dB per decade, cells) the same 20 dB count 100×.
  near(signalCentre([sample(51.5, -0.1, -60), sample(51.5011, -0.1, -80)], 10).lat, 51.5 + 0.0011 / 101, 1e-12);
});

test("age lowers a station's weight; the score does not move the centre", () => {
  const old = signalCentre([sample(51.5, -0.1, -70, { age: 8000 }), sample(51.5011, -0.1, -70)], 20);
  near(old.lat, 51.5 + 0.0011 * (1 / 1.5), 1e-12);
  const scored = signalCentre([sample(51.5, -0.1, -70, { score: 9 }), sample(51.5011, -0.1, -70, { score: 0.1 })], 20);
  near(scored.lat, 51.50055, 1e-12);
});

test("stations that all score 0 are still placed by their signals; spread, radius and samples are reported", () => {
  const c = signalCentre([sample(51.5, -0.1, -70, { score: 0, radius: 100, samples: 4 }), sample(51.501, -0.1, -72, { score: 0, radius: 300, samples: 100 })], 20);
  near(c.lat, 51.5 + 0.001 * (10 ** -3.6 / (10 ** -3.5 + 10 ** -3.6)), 1e-12);
  assert.is(c.strongest, -70);
  const share = 10 ** -3.6 / (10 ** -3.5 + 10 ** -3.6);
  near(c.meanRadius, 100 * (1 - share) + 300 * share);
  near(c.sampleTerm, (1 - share) / 2 + share / 10);
  near(c.spread, distance(51.5, -0.1, 51.501, -0.1) * Math.sqrt(share * (1 - share)), 0.2);
});

test("a loud station stored 400 m from the others is left out; half the sample never is", () => {
  const others = [0, 1, 2, 3].map((i) => sample(51.5 + i * 0.0001, -0.1, -75));
  const moved = sample(51.5036, -0.1, -45); // 400 m north, heard loudest: stored where it stood before a move
  const kept = signalCentre([moved, ...others], 20, 300);
  assert.is(kept.stations, 4);
  assert.is(kept.strongest, -75, "the loudest station left in, not the outlier");
  near(kept.lat, 51.50015, 1e-9);
  const without = signalCentre([moved, ...others], 20);
  assert.ok(without.lat > 51.503, "without the check the loud station decides");
  // Two of four far away: nothing says which pair is right, so all count.
  const split = signalCentre([sample(51.5, -0.1, -70), sample(51.5001, -0.1, -70), sample(51.5036, -0.1, -70), sample(51.5037, -0.1, -70)], 20, 300);
  assert.is(split.stations, 4);
  near(split.lat, 51.50185, 1e-9);
});

test.run();
