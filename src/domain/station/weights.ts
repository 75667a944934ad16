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

/**
 * Wi-Fi and Bluetooth observations weigh by received power relative to −80 dBm: heard at −60 dBm
 * an observation counts 100× one at −80 dBm, and a missing signal counts as −80. A difference
 * from Ichnaea (README "Differences from Ichnaea"), which weighs Wi-Fi by (10⁴/(dBm − 20)²)² (−40
 * dBm counts 11× −90 dBm) and Bluetooth not at all. Stations are heard mostly from the streets
 * around them, so their observations' centre is the middle of those streets; the strongest
 * observations were made nearest the station. In `npm run bench:quality` (small dense city, seed
 * 1) the median distance of the stored positions from the true ones fell from 29 to 26 m for
 * access points and from 16 to 11 m for beacons, and the median answer error from 31 to 24 m for
 * Wi-Fi and from 22 to 14 m for Bluetooth in venues.
 */
const REFERENCE_DBM = -80;
const powerWeight = (signal: number | undefined): number => 10 ** (((signal ?? REFERENCE_DBM) - REFERENCE_DBM) / 10);

export function signalWeight(kind: StationKind, obs: WeightInput): number {
  if (kind === "blue" || kind === "wifi") return powerWeight(obs.signal);
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
