/**
 * The position of one Wi-Fi / Bluetooth cluster sample (SPEC §3.6 step 5, Ichnaea's
 * `aggregate_mac_position`): a weighted mean as the first guess, refined by MINPACK least
 * squares on signal- and age-weighted distances; accuracy from the 95th percentile distance.
 */
import { geoPoint, pointDistance } from "../../geo/distance.ts";
import { leastSquares } from "./minpack-lmdif.ts";
import { percentile } from "./percentile.ts";

export interface SampleNetwork {
  readonly lat: number;
  readonly lon: number;
  /** Milliseconds, already max(|age|, 1000). */
  readonly age: number;
  /** dBm, already defaulted when missing. */
  readonly signal: number;
  readonly score: number;
}

export interface RefinedPosition {
  readonly lat: number;
  readonly lon: number;
  /** Metres, at least the minimum accuracy (the caller applies the maximum). */
  readonly accuracy: number;
}

/** Older observations count less; anything seen within 2 s counts fully. */
const ageFactor = (n: SampleNetwork): number => Math.min(Math.sqrt(2000 / n.age), 1);
const residualWeight = (n: SampleNetwork): number => ageFactor(n) / (n.signal * n.signal);

function initialGuess(sample: readonly SampleNetwork[]): [number, number] {
  let total = 0;
  let lat = 0;
  let lon = 0;
  for (const n of sample) {
    const w = n.score * residualWeight(n);
    total += w;
    lat += w * n.lat;
    lon += w * n.lon;
  }
  if (total > 0) return [lat / total, lon / total];
  // numpy.average raises on weights summing to 0 (every station scored 0); the plain mean is
  // the answer that raises nothing and still sits inside the cluster.
  const count = sample.length;
  return [sample.reduce((s, n) => s + n.lat, 0) / count, sample.reduce((s, n) => s + n.lon, 0) / count];
}

export function refinePosition(sample: readonly SampleNetwork[], minAccuracy: number): RefinedPosition {
  const initial = initialGuess(sample);
  const count = sample.length;
  const points = sample.map((n) => geoPoint(n.lat, n.lon));
  const weights = Float64Array.from(sample, residualWeight);
  // Score is deliberately not in the residual (as in Ichnaea): it only shapes the first guess.
  // The fit evaluates this 20–40 times per cluster, so it is a plain loop over precomputed points.
  const residuals = (x: Float64Array): Float64Array => {
    const at = geoPoint(x[0]!, x[1]!);
    const out = new Float64Array(count);
    for (let i = 0; i < count; i++) out[i] = pointDistance(points[i]!, at) * weights[i]!;
    return out;
  };
  const fit = leastSquares(residuals, initial);
  const converged = fit.info >= 1 && fit.info <= 4 && Number.isFinite(fit.x[0]) && Number.isFinite(fit.x[1]);
  const lat = converged ? fit.x[0]! : initial[0];
  const lon = converged ? fit.x[1]! : initial[1];
  const at = geoPoint(lat, lon);
  const distances = points.map((p) => pointDistance(at, p));
  return { lat, lon, accuracy: Math.max(percentile(distances, 95), minAccuracy) };
}
