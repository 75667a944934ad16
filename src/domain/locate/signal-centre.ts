/**
 * The position of one Wi-Fi / Bluetooth cluster sample or one area's cells: the centre of the
 * stations' stored positions weighted by received signal and the age of the observation (a
 * station scoring 0 counts only when they all do). A deliberate difference from Ichnaea (README
 * "Differences from Ichnaea"):
 * Ichnaea weighs by 1/dBm² (−40 dBm counts 5× −90 dBm) and refines with a least-squares fit of
 * the distances; amplitude weights make the nearest stations count as much as their signal says
 * (−40 dBm counts 316× −90 dBm), which in `npm run bench:quality` cut the median Wi-Fi error by
 * a quarter, where the least-squares step had made it worse (QUALITY.md).
 */

export interface SampleNetwork {
  readonly lat: number;
  readonly lon: number;
  /** Milliseconds, already max(|age|, 1000). */
  readonly age: number;
  /** dBm, already defaulted when missing. */
  readonly signal: number;
  readonly score: number;
  /** Metres, the station's stored radius (0 when unknown). */
  readonly radius: number;
  /** How often the station was observed (at least 1). */
  readonly samples: number;
}

export interface SignalCentre {
  readonly lat: number;
  readonly lon: number;
  /** Stations the centre was built from: the sample less the outliers. */
  readonly stations: number;
  /** Weighted RMS distance of the sample's stations from the centre, metres. */
  readonly spread: number;
  /** Weighted mean of the stations' radii, metres. */
  readonly meanRadius: number;
  /** Weighted mean of 1/√samples. */
  readonly sampleTerm: number;
  /** dBm: the loudest of the stations the centre was built from. */
  readonly strongest: number;
}

/** A station in metres east and north of the sample's first one, and its weight (0: left out). */
export interface Point {
  x: number;
  y: number;
  weight: number;
}

/** Weighted RMS distance (metres) of the points from (x, y). */
export function weightedSpread(points: readonly Readonly<Point>[], x: number, y: number): number {
  let total = 0;
  let sum = 0;
  for (const p of points) {
    total += p.weight;
    sum += p.weight * ((p.x - x) ** 2 + (p.y - y) ** 2);
  }
  return total > 0 ? Math.sqrt(sum / total) : 0;
}

const M_PER_DEG = 111_320;
/** Older observations count less; anything seen within 2 s counts fully. */
const ageFactor = (n: SampleNetwork): number => Math.min(Math.sqrt(2000 / n.age), 1);
const signalWeight = (dbm: number, dbPerDecade: number): number => 10 ** (dbm / dbPerDecade);

/**
 * Stations farther than `limit` metres from the centre of the others are left out, one at a time
 * (the one that pulls the most first: a loud outlier drags the centre of every other subset
 * towards itself), and never half the sample or more (then nothing says which side is right): a
 * station that moved and was not yet caught, heard loudly at its new place but stored at its old
 * one, would otherwise pull the answer by its weight. Needs three stations at least.
 */
function dropOutliers(points: Point[], limit: number): number {
  const most = Math.floor((points.length - 1) / 2);
  let dropped = 0;
  while (dropped < most) {
    let total = 0;
    let sx = 0;
    let sy = 0;
    for (const p of points) {
      total += p.weight;
      sx += p.weight * p.x;
      sy += p.weight * p.y;
    }
    let worst: Point | null = null;
    let worstPull = 0;
    for (const p of points) {
      const rest = total - p.weight;
      if (p.weight === 0 || !(rest > 0)) continue;
      const d = Math.hypot(p.x - (sx - p.weight * p.x) / rest, p.y - (sy - p.weight * p.y) / rest);
      if (d > limit && p.weight * d > worstPull) {
        worst = p;
        worstPull = p.weight * d;
      }
    }
    if (worst === null) break;
    worst.weight = 0;
    dropped += 1;
  }
  return dropped;
}

/**
 * `dbPerDecade` sets how steeply weight follows signal: 20 weighs by amplitude (Wi-Fi,
 * Bluetooth), 10 by power (cells, whose serving cell says much more than the neighbours).
 * `outlierDistance` (metres), when given, leaves out stations far from the others (dropOutliers).
 */
export function signalCentre(sample: readonly SampleNetwork[], dbPerDecade: number, outlierDistance?: number): SignalCentre {
  const origin = sample[0]!;
  const cosLat = Math.cos((origin.lat * Math.PI) / 180);
  const heard = sample.map((n) => signalWeight(n.signal, dbPerDecade) * ageFactor(n));
  // The score decides which cluster answers (combine-results.ts), not where in it: weighed by
  // score, stations heard from far away (and so observed more often) pulled the estimate.
  const scored = heard.map((w, i) => (sample[i]!.score > 0 ? w : 0));
  // Stations that all score 0 (fresh, one sample) still say where the phone is: by signal alone.
  const weights = scored.some((w) => w > 0) ? scored : heard;
  // Metres east and north of the first station: exact enough over a cluster's few hundred metres.
  const points: Point[] = sample.map((n, i) => ({
    x: (n.lon - origin.lon) * M_PER_DEG * cosLat,
    y: (n.lat - origin.lat) * M_PER_DEG,
    weight: weights[i]!,
  }));
  const dropped = outlierDistance === undefined ? 0 : dropOutliers(points, outlierDistance);
  let total = 0;
  let x = 0;
  let y = 0;
  let radius = 0;
  let sampleTerm = 0;
  let strongest = Number.NEGATIVE_INFINITY;
  points.forEach((p, i) => {
    if (p.weight > 0) strongest = Math.max(strongest, sample[i]!.signal);
    total += p.weight;
    x += p.weight * p.x;
    y += p.weight * p.y;
    radius += p.weight * sample[i]!.radius;
    sampleTerm += p.weight / Math.sqrt(Math.max(sample[i]!.samples, 1));
  });
  x /= total;
  y /= total;
  return {
    lat: origin.lat + y / M_PER_DEG, lon: origin.lon + x / (M_PER_DEG * cosLat), stations: sample.length - dropped,
    spread: weightedSpread(points, x, y), meanRadius: radius / total, sampleTerm: sampleTerm / total, strongest,
  };
}
