/**
 * Observation weights (SPEC §4.7): how much one observation counts towards a station's position.
 * The product of four factors; any factor of 0 drops the observation before station processing.
 * Expressions keep Ichnaea's evaluation order so results match it to the last bit where possible.
 */
import type { StationKind, StationRadio } from "../observation/types.ts";

/** Accuracies (metres) above which an observation carries no weight, per station type (§4.7). */
export const MAX_OBSERVATION_ACCURACY: Readonly<Record<StationKind, number>> = { blue: 100, wifi: 200, cell: 1000 };
/** Ages (ms, absolute) above which an observation carries no weight. */
export const MAX_OBSERVATION_AGE = 20000;
/** Speeds (m/s) above which an observation carries no weight. */
export const MAX_OBSERVATION_SPEED = 50;

/**
 * Median signal per radio and the offset that maps it to weight 1 (§4.7). `nr` has no Ichnaea
 * value (DESIGN §7 adds the radio); it reuses LTE's, the closest technology and dBm scale.
 */
const CELL_SIGNAL: Readonly<Record<StationRadio, { readonly fallback: number; readonly offset: number }>> = {
  gsm: { fallback: -95, offset: -5 },
  wcdma: { fallback: -100, offset: 0 },
  lte: { fallback: -105, offset: 5 },
  nr: { fallback: -105, offset: 5 },
};

/** The fields the weight reads; every observation type satisfies it. */
export interface WeightInput {
  readonly accuracy?: number;
  readonly age?: number;
  readonly speed?: number;
  readonly signal?: number;
  readonly radio?: StationRadio;
}

// Python's `x is not None and abs(x) or default`: 0 falls back to the default too.
function absOr(value: number | undefined, fallback: number): number {
  return value !== undefined && value !== 0 ? Math.abs(value) : fallback;
}

export function accuracyWeight(kind: StationKind, accuracy: number | undefined): number {
  const a = Math.max(absOr(accuracy, 10), 10);
  if (a > MAX_OBSERVATION_ACCURACY[kind]) return 0;
  return Math.sqrt(10 / a);
}

export function ageWeight(age: number | undefined): number {
  const g = Math.max(absOr(age, 2000), 2000);
  if (g > MAX_OBSERVATION_AGE) return 0;
  return Math.min(Math.sqrt(2000 / g), 1);
}

export function speedWeight(speed: number | undefined): number {
  const s = Math.max(absOr(speed, 1), 1);
  if (s > MAX_OBSERVATION_SPEED) return 0;
  return Math.min(Math.sqrt(5 / s), 1);
}

export function signalWeight(kind: StationKind, obs: WeightInput): number {
  if (kind === "blue") return 1;
  if (kind === "wifi") {
    const s = obs.signal ?? -80;
    return ((1 / (s - 20) ** 2) * 10000) ** 2;
  }
  const radio = obs.radio === undefined ? undefined : CELL_SIGNAL[obs.radio];
  const s = obs.signal ?? radio?.fallback;
  if (s === undefined) return 1;
  return ((1 / (s + (radio?.offset ?? 0)) ** 2) * 10000) ** 2;
}

/** accuracy_w · age_w · speed_w · signal_w (§4.7); 0 means "discard this observation". */
export function observationWeight(kind: StationKind, obs: WeightInput): number {
  const base = accuracyWeight(kind, obs.accuracy) * ageWeight(obs.age) * speedWeight(obs.speed);
  return signalWeight(kind, obs) * base;
}
