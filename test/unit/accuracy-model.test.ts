/**
 * The calibrated accuracy (accuracy-model.ts) and the signal-weighted centre it is computed for
 * (signal-centre.ts): the parameters fitted with `npm run bench:quality`, their shape (fewer
 * stations and a wider spread give a larger radius, within each kind's bounds), and that the
 * SPEC accuracy classes still read the calibrated values (SPEC §3.3).
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { accuracyClass } from "../../src/domain/locate/accuracy.ts";
import { ACCURACY_MODEL, calibratedAccuracy, weightedSpread } from "../../src/domain/locate/accuracy-model.ts";
import { signalCentre } from "../../src/domain/locate/signal-centre.ts";
import { distance } from "../../src/geo/distance.ts";

const near = (actual: number, expected: number, eps = 1e-6) => assert.ok(Math.abs(actual - expected) < eps, `${actual} ≈ ${expected}`);
const shape = (stations: number, spread: number, meanRadius = 0) => ({ stations, spread, meanRadius });

test("Wi-Fi: (0.6 + 2/n) · √((spread / 4)² + 100²), within 15…500 m", () => {
  near(calibratedAccuracy("wifi", shape(2, 0)), 160);
  near(calibratedAccuracy("wifi", shape(4, 0)), 110);
  near(calibratedAccuracy("wifi", shape(20, 0)), 70);
  near(calibratedAccuracy("wifi", shape(10, 400)), 0.8 * Math.hypot(100, 100));
  assert.is(calibratedAccuracy("wifi", shape(2, 10_000)), 500);
});

test("Bluetooth: (2 + 6/n) · 12 m whatever the spread, within 10…150 m", () => {
  near(calibratedAccuracy("blue", shape(2, 0)), 60);
  near(calibratedAccuracy("blue", shape(3, 40)), 48);
  near(calibratedAccuracy("blue", shape(6, 0)), 36);
});

test("cells: (1 + 2/n) · √(spread² + (0.13 · mean radius)²), at least 200 m", () => {
  near(calibratedAccuracy("cell", shape(5, 300, 5000)), 1.4 * Math.hypot(300, 650));
  assert.is(calibratedAccuracy("cell", shape(5, 10, 100)), 200);
  assert.is(calibratedAccuracy("cell", shape(2, 1e6, 1e6)), 50_000);
});

test("more stations and a smaller spread never give a larger radius", () => {
  for (const kind of ["wifi", "blue", "cell"] as const) {
    for (const spread of [0, 50, 200, 1000]) {
      let previous = Number.POSITIVE_INFINITY;
      for (let n = 2; n <= 40; n++) {
        const a = calibratedAccuracy(kind, shape(n, spread, 2000));
        assert.ok(a <= previous, `${kind} n=${n} spread=${spread}`);
        assert.ok(a >= ACCURACY_MODEL[kind].min && a <= ACCURACY_MODEL[kind].max);
        assert.ok(calibratedAccuracy(kind, shape(n, spread + 10, 2000)) >= a);
        previous = a;
      }
    }
  }
});

test("the accuracy classes read the calibrated values: Wi-Fi and Bluetooth answers stay high", () => {
  // SPEC §3.3: high up to 500 m, so the fallback decision (§3.4) is unchanged for them.
  assert.is(accuracyClass(calibratedAccuracy("wifi", shape(2, 10_000))), "high");
  assert.is(accuracyClass(calibratedAccuracy("blue", shape(2, 10_000))), "high");
  assert.is(accuracyClass(calibratedAccuracy("cell", shape(5, 300, 5000))), "medium");
});

test("weighted spread is the weighted RMS distance from the point", () => {
  near(weightedSpread([{ x: 0, y: 0, weight: 1 }, { x: 10, y: 0, weight: 1 }], 5, 0), 5);
  near(weightedSpread([{ x: 0, y: 0, weight: 3 }, { x: 4, y: 0, weight: 1 }], 1, 0), Math.sqrt((3 * 1 + 9) / 4));
  assert.is(weightedSpread([], 0, 0), 0);
});

const sample = (lat: number, lon: number, signal: number, over: { age?: number; score?: number; radius?: number } = {}) =>
  ({ lat, lon, signal, age: over.age ?? 1000, score: over.score ?? 1, radius: over.radius ?? 0 });

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

test("stations that all score 0 are still placed by their signals; spread and radius are reported", () => {
  const c = signalCentre([sample(51.5, -0.1, -70, { score: 0, radius: 100 }), sample(51.501, -0.1, -70, { score: 0, radius: 300 })], 20);
  near(c.lat, 51.5005, 1e-12);
  near(c.meanRadius, 200);
  near(c.spread, distance(51.5, -0.1, 51.501, -0.1) / 2, 0.2);
});

test.run();
