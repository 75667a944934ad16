/**
 * Combining the results of all locate sources into one answer (SPEC §3.5): position results are
 * clustered and the best cluster's most accurate member wins; region results are grouped by
 * region code. Results are built through `positionResult`/`regionResult`, which round like
 * Ichnaea's `Result` constructor.
 */
import { distance } from "../../geo/distance.ts";
import { roundHalfEven } from "../../geo/round.ts";
import { accuracyClass, type DataAccuracy, meetsAccuracy } from "./accuracy.ts";
import { type PositionResult, type RegionResult, SOURCE_RANK } from "./result.ts";

/** SPEC §3.5: lat, lon and accuracy are rounded to 7 decimals on construction. */
const DECIMALS = 7;
/** SPEC §3.5: two results cluster when within 1.5 × the larger of their accuracies. */
const CLUSTER_FACTOR = 1.5;
/** SPEC §3.5: a cluster needs this summed score to satisfy a query. */
const SATISFYING_SCORE = 1.0;

export function positionResult(r: PositionResult): PositionResult {
  return {
    ...r,
    lat: roundHalfEven(r.lat, DECIMALS),
    lon: roundHalfEven(r.lon, DECIMALS),
    accuracy: roundHalfEven(r.accuracy, DECIMALS),
  };
}

export function regionResult(r: RegionResult): RegionResult {
  return { ...r, accuracy: roundHalfEven(r.accuracy, DECIMALS) };
}

const scoreSum = (rs: readonly { readonly score: number }[]): number => rs.reduce((sum, r) => sum + r.score, 0);
const scoreMax = (rs: readonly { readonly score: number }[]): number => Math.max(...rs.map((r) => r.score));

function near(a: PositionResult, b: PositionResult): boolean {
  return distance(a.lat, a.lon, b.lat, b.lon) <= CLUSTER_FACTOR * Math.max(a.accuracy, b.accuracy);
}

/** A cluster holding something GeoIP did not say: a station or fallback answer. */
const hasEvidence = (members: readonly PositionResult[]): boolean => members.some((r) => r.source !== "geoip");

/**
 * SPEC §3.5: every result seeds a cluster of itself and the less accurate results near it; the
 * cluster with the highest (score sum, max score) wins. Array sort is stable, so on a full tie
 * the cluster seeded by the more accurate result (earlier in the sorted order) wins.
 *
 * A difference from Ichnaea (SPEC §9.14; README "Differences from Ichnaea"): a cluster of GeoIP
 * alone never beats one with a station or fallback answer. GeoIP still adds its score to the
 * clusters near it, so it can tip a choice between two places, but it cannot outvote stations:
 * scores grow with a station's days in the database, so every station of a new installation
 * (or a newly covered town) scores below GeoIP's 0.3–0.9, and Ichnaea answered "somewhere in
 * this country, 25 km" while it held consistent Wi-Fi data for the place.
 */
export function bestPositionCluster(results: readonly PositionResult[]): readonly PositionResult[] {
  if (results.length <= 1) return results;
  const sorted = [...results].sort((a, b) => a.accuracy - b.accuracy);
  const clusters = sorted.map((seed, i) => [seed, ...sorted.slice(i + 1).filter((other) => near(seed, other))]);
  const ranked = clusters
    .map((members) => ({ members, evidence: hasEvidence(members) ? 1 : 0, sum: scoreSum(members), max: scoreMax(members) }))
    .sort((a, b) => b.evidence - a.evidence || b.sum - a.sum || b.max - a.max);
  return ranked[0]!.members;
}

/** SPEC §3.5: the best cluster's most accurate result, ties broken by the higher score. */
export function bestPosition(results: readonly PositionResult[]): PositionResult | null {
  const cluster = bestPositionCluster(results);
  let best: PositionResult | null = null;
  for (const r of cluster) {
    if (best === null || r.accuracy < best.accuracy || (r.accuracy === best.accuracy && r.score > best.score)) best = r;
  }
  return best;
}

/**
 * SPEC §3.5 "satisfies" (decides whether the external fallback is asked, §3.4): the best cluster
 * scores at least 1.0 together and its most accurate member meets the expected accuracy class.
 */
export function positionsSatisfy(results: readonly PositionResult[], expected: DataAccuracy): boolean {
  const cluster = bestPositionCluster(results);
  if (cluster.length === 0 || scoreSum(cluster) < SATISFYING_SCORE) return false;
  const accuracy = Math.min(...cluster.map((r) => r.accuracy));
  return meetsAccuracy(accuracyClass(accuracy), expected);
}

/**
 * SPEC §3.5: region results grouped by code (in order of first appearance), ranked by
 * (summed score, largest accuracy); the stable sort lets the first-seen region win full ties.
 */
export function bestRegionGroup(results: readonly RegionResult[]): readonly RegionResult[] {
  const groups = new Map<string, RegionResult[]>();
  for (const r of results) {
    const group = groups.get(r.regionCode);
    if (group) group.push(r);
    else groups.set(r.regionCode, [r]);
  }
  const ranked = [...groups.values()]
    .map((members) => ({ members, sum: scoreSum(members), radius: Math.max(...members.map((r) => r.accuracy)) }))
    .sort((a, b) => b.sum - a.sum || b.radius - a.radius);
  return ranked[0]?.members ?? [];
}

/**
 * SPEC §3.5: within the best region, the result from the lowest source number (internal before
 * fallback before GeoIP) wins, ties by the higher score — so GeoIP's `ipf` tag only shows when
 * GeoIP alone named the region.
 */
export function bestRegion(results: readonly RegionResult[]): RegionResult | null {
  let best: RegionResult | null = null;
  for (const r of bestRegionGroup(results)) {
    if (best === null) {
      best = r;
      continue;
    }
    const rank = SOURCE_RANK[r.source] - SOURCE_RANK[best.source];
    if (rank < 0 || (rank === 0 && r.score > best.score)) best = r;
  }
  return best;
}

/** SPEC §3.5: region results satisfy a query as soon as there is one. */
export function regionsSatisfy(results: readonly RegionResult[]): boolean {
  return results.length > 0;
}
