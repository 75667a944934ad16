import { test } from "uvu";
import * as assert from "uvu/assert";
import { circleRadius } from "../../src/geo/bbox.ts";
import { distance, haversineDistance } from "../../src/geo/distance.ts";
import { roundHalfEven } from "../../src/geo/round.ts";

// Reference distances from GeographicLib (Karney's geodesic solver, WGS-84), which agrees with
// a converged Vincenty to well under a millimetre.
const close = (actual: number, expected: number, tolerance: number): void =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} not within ${tolerance} of ${expected}`);

test("distances follow Vincenty on the WGS-84 ellipsoid", () => {
  close(distance(51.5074, -0.1278, 48.8566, 2.3522), 343_923.1201, 0.001);
  close(distance(0, 0, 0, 1), 111_319.4908, 0.001);
  close(distance(0, 0, 1, 0), 110_574.3886, 0.001);
  close(distance(40.7128, -74.006, 34.0522, -118.2437), 3_944_422.2315, 0.001);
  close(distance(-33.8688, 151.2093, 51.5074, -0.1278), 16_989_295.7705, 0.001);
  close(distance(46.2884, 6.77, 46.2884, 7.4), 48_547.5801, 0.001);
  close(distance(51.5142, -0.0931, 51.5142, -0.093), 6.9419, 0.0001);
});

test("distance is symmetric (to rounding) and zero for the same point", () => {
  assert.is(distance(51.5, -0.1, 51.5, -0.1), 0);
  close(distance(48.8566, 2.3522, 51.5074, -0.1278), distance(51.5074, -0.1278, 48.8566, 2.3522), 1e-6);
});

test("nearly antipodal points fall back to haversine on a 6371.009 km sphere", () => {
  // Vincenty does not converge here; π · 6371.009 km is the haversine half circumference.
  close(distance(0, 0, 0, 180), Math.PI * 6_371_009, 0.001);
  close(distance(0, 0, 0.5, 179.7), 19_950_277.9698, 0.001);
  assert.is(distance(0, 0, 0.5, 179.7), haversineDistance(0, 0, 0.5, 179.7));
});

test("haversine uses the mean earth radius", () => {
  close(haversineDistance(0, 0, 0, 1), (Math.PI / 180) * 6_371_009, 1e-6);
  close(haversineDistance(51.5074, -0.1278, 48.8566, 2.3522), 343_556.5457, 0.001);
});

test("round() sends halves to the even neighbour", () => {
  assert.is(roundHalfEven(0.5), 0);
  assert.is(roundHalfEven(1.5), 2);
  assert.is(roundHalfEven(2.5), 2);
  assert.is(roundHalfEven(3.5), 4);
  assert.is(roundHalfEven(-1.5), -2);
  assert.is(roundHalfEven(-2.5), -2);
  // Python's round(-0.5) is the int 0, so the sign of this zero is never observable.
  assert.ok(roundHalfEven(-0.5) === 0);
  assert.is(roundHalfEven(2.5000001), 3);
  assert.is(roundHalfEven(-1123.45678), -1123);
});

test("the block-count ageing examples round like Python", () => {
  // Blocks age by round(days / 30): 45 days → round(1.5) = 2, 105 days → round(3.5) = 4.
  assert.is(roundHalfEven(45 / 30), 2);
  assert.is(roundHalfEven(105 / 30), 4);
  assert.is(roundHalfEven(75 / 30), 2);
});

test("round(x, n) judges the exact binary value, like Python", () => {
  assert.is(roundHalfEven(2.675, 2), 2.67);
  assert.is(roundHalfEven(4.35, 1), 4.3);
  assert.is(roundHalfEven(0.125, 2), 0.12);
  assert.is(roundHalfEven(0.375, 2), 0.38);
  assert.is(roundHalfEven(-0.125, 2), -0.12);
  assert.is(roundHalfEven(1234.5678, 2), 1234.57);
  assert.is(roundHalfEven(51.51420004, 7), 51.5142);
  assert.ok(Object.is(roundHalfEven(-0.0001, 2), -0), "Python gives -0.0");
});

test("non-finite values pass through round()", () => {
  assert.ok(Number.isNaN(roundHalfEven(Number.NaN)));
  assert.is(roundHalfEven(Number.POSITIVE_INFINITY, 3), Number.POSITIVE_INFINITY);
});

test("the circle radius reaches the farthest bounding-box corner", () => {
  assert.is(circleRadius(51.5, -0.1, { minLat: 51.5, minLon: -0.1, maxLat: 51.5, maxLon: -0.1 }), 0);
  const box = { minLat: 51.4, minLon: -0.2, maxLat: 51.5, maxLon: -0.1 };
  const corners = [distance(51.5, -0.1, 51.4, -0.2), distance(51.5, -0.1, 51.4, -0.1), distance(51.5, -0.1, 51.5, -0.2)];
  assert.is(circleRadius(51.5, -0.1, box), Math.max(...corners));
  close(circleRadius(0, 0, { minLat: -1, minLon: -1, maxLat: 1, maxLon: 1 }), distance(0, 0, 1, 1), 0);
});

test.run();
