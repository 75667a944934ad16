/**
 * How good the answers are, per query type and per number of networks heard: the share
 * answered, the median / p90 / p95 error in metres, the share of answers whose true position lies
 * inside the reported accuracy (Ichnaea documents it as a 95% radius), and the median accuracy.
 */
export interface Outcome {
  readonly type: string;
  /** Networks of the type heard (all networks for "all"). */
  readonly heard: number;
  /** Null: not answered (404 or no estimate). */
  readonly error: number | null;
  readonly accuracy: number | null;
}

export interface Row {
  readonly type: string;
  readonly bucket: string;
  readonly queries: number;
  readonly answered: number;
  readonly median: number | null;
  readonly p90: number | null;
  readonly p95: number | null;
  /** Share of answers with error ≤ accuracy; null when the method reports no accuracy. */
  readonly inside: number | null;
  readonly medianAccuracy: number | null;
  /**
   * The 95th percentile of error / accuracy: the factor the reported accuracy would need to be
   * scaled by to hold 95% of the answers (1.0: calibrated). What the accuracy model is fitted with.
   */
  readonly scale95: number | null;
}

export const BUCKETS: readonly { readonly name: string; readonly lo: number; readonly hi: number }[] = [
  { name: "1", lo: 1, hi: 1 }, { name: "2–3", lo: 2, hi: 3 }, { name: "4–6", lo: 4, hi: 6 }, { name: "7+", lo: 7, hi: Number.POSITIVE_INFINITY },
];

/** The q-quantile of ascending values (the lower one for a median of an even count); null when empty. */
export function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

function row(type: string, bucket: string, outcomes: readonly Outcome[]): Row {
  const answered = outcomes.filter((o) => o.error !== null);
  const errors = answered.map((o) => o.error!).sort((a, b) => a - b);
  const withAccuracy = answered.filter((o) => o.accuracy !== null);
  const accuracies = withAccuracy.map((o) => o.accuracy!).sort((a, b) => a - b);
  return {
    type, bucket, queries: outcomes.length, answered: outcomes.length ? answered.length / outcomes.length : 0,
    median: quantile(errors, 0.5), p90: quantile(errors, 0.9), p95: quantile(errors, 0.95),
    inside: withAccuracy.length ? withAccuracy.filter((o) => o.error! <= o.accuracy!).length / withAccuracy.length : null,
    medianAccuracy: quantile(accuracies, 0.5),
    scale95: quantile(withAccuracy.filter((o) => o.accuracy! > 0).map((o) => o.error! / o.accuracy!).sort((a, b) => a - b), 0.95),
  };
}

/** One row per type over all its queries, then one per bucket that has queries. */
export function score(outcomes: readonly Outcome[]): Row[] {
  const order = ["wifi", "blue", "blue in venue", "cell", "all"];
  const rank = (t: string) => (order.includes(t) ? order.indexOf(t) : order.length);
  const types = [...new Set(outcomes.map((o) => o.type))].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  return types.flatMap((type) => {
    const own = outcomes.filter((o) => o.type === type);
    return [row(type, "all", own), ...BUCKETS.map((b) => row(type, b.name, own.filter((o) => o.heard >= b.lo && o.heard <= b.hi))).filter((r) => r.queries > 0)];
  });
}
