/**
 * Calibrated accuracy (a deliberate difference from Ichnaea, README "Differences from Ichnaea"):
 * the `accuracy` of an answer is the radius that holds the true position 95% of the time, as
 * Ichnaea documents it, rather than Ichnaea's 95th percentile of the distances from the estimate
 * to the stations used (which holds the truth 55–67% of the time with 2–3 Wi-Fi networks and is
 * pinned at 10 m for Bluetooth, 1,000 m for cells: QUALITY.md).
 *
 *   accuracy = √((k(n) · √((spreadShare · spread)² + (floor + radiusShare · r̄ + sampleShare · s̄)²))²
 *                + (signalShare · max(0, signalReference − loudest))²),
 *   k(n)     = base + perStation / n, clamped to the kind's bounds,
 *
 * where n is the number of stations the estimate is built from and spread the weighted RMS
 * distance of those stations from the estimate (metres), r̄ their weighted mean stored radius
 * (cells: a cell's radius says how large it is, from a few hundred metres to tens of km) and s̄
 * their weighted mean of 1/√samples: a station observed 100 times is placed better than one
 * observed 4 times, and in the simulator how often the stations were observed told the error
 * apart better than their spread did (a city stumbled by 40 devices against one by 160). The
 * floor stands for what neither can see: how far the stored positions lean towards where they
 * were observed from. With few stations the spread says little (two stations side by side can
 * be 200 m from the phone), hence a larger k. Bluetooth adds the loudest signal heard: a phone
 * that hears its nearest beacon at −90 dBm is not in the venue but on the street outside, and
 * the venue's centre is 30–60 m off however tight its beacons are (in the simulator the error
 * of such answers was 2.9× the accuracy at −90 dBm, 1.1–1.3× from −80 dBm up). Cells add it
 * too: a faint serving cell means a phone far from the towers, whose centre it is given (cells
 * are heard 3–5 at a time, so the number of cells says little and has no term). The parameters
 * were fitted on `npm run bench:quality` so that 95% of answers hold the truth in every bucket
 * of stations heard, on both cities, both scales and several seeds; Bluetooth refitted at full
 * scale on seeds 1–3 from every query's estimate and error, and checked on seeds 4–6, which the
 * fit never saw (how often the beacons were observed told good answers from bad ones better
 * than a floor or the number of beacons did: neither is left in its term). Cells refitted from
 * every query's estimate at both scales (seeds 1–3) and checked on seeds 4–6 at full scale: the
 * signal term is what holds a 2 km city, whose cells are observed from one side, and a 5 km
 * one to the same 92–96%. QUALITY.md records the fits and their checks.
 */
export type ModelledKind = "wifi" | "blue" | "cell";

export interface AccuracyParameters {
  /** How much of the stations' spread counts. */
  readonly spreadShare: number;
  /** Metres added in quadrature to the spread, plus shares of the stations' mean radius and 1/√samples. */
  readonly floor: number;
  readonly radiusShare: number;
  readonly sampleShare: number;
  readonly base: number;
  readonly perStation: number;
  /** Metres per dB the loudest station used is below `signalReference` (dBm). */
  readonly signalShare: number;
  readonly signalReference: number;
  readonly min: number;
  readonly max: number;
}

export const ACCURACY_MODEL: Readonly<Record<ModelledKind, AccuracyParameters>> = {
  wifi: { spreadShare: 0.25, floor: 10, radiusShare: 0, sampleShare: 300, base: 0.5, perStation: 4, signalShare: 0, signalReference: 0, min: 15, max: 500 },
  blue: { spreadShare: 0.4, floor: 0, radiusShare: 0, sampleShare: 140, base: 1, perStation: 0, signalShare: 16, signalReference: -80, min: 10, max: 150 },
  cell: { spreadShare: 1, floor: 0, radiusShare: 0.08, sampleShare: 0, base: 0.4, perStation: 0, signalShare: 36, signalReference: -50, min: 200, max: 50_000 },
};

/** What the estimate was built from. */
export interface EstimateShape {
  readonly stations: number;
  /** Metres: weighted RMS distance of the stations from the estimate. */
  readonly spread: number;
  /** Metres: the stations' weighted mean stored radius. */
  readonly meanRadius: number;
  /** The stations' weighted mean of 1/√samples (1 for a station observed once). */
  readonly sampleTerm: number;
  /** dBm: the loudest station the estimate was built from. */
  readonly strongest: number;
}

export function calibratedAccuracy(kind: ModelledKind, shape: EstimateShape): number {
  const m = ACCURACY_MODEL[kind];
  const k = m.base + m.perStation / Math.max(shape.stations, 1);
  const floor = m.floor + m.radiusShare * shape.meanRadius + m.sampleShare * shape.sampleTerm;
  const weak = m.signalShare * Math.max(0, m.signalReference - shape.strongest);
  return Math.min(Math.max(Math.hypot(k * Math.hypot(m.spreadShare * shape.spread, floor), weak), m.min), m.max);
}
