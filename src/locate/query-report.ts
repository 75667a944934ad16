/**
 * SPEC §3.9: a locate request whose internal answer used networks not yet confirmed today
 * becomes a `query`-source report, so the pipeline can confirm (or learn) those stations.
 * Pure: the service decides sampling and appends.
 */
import { bestPosition } from "../domain/locate/combine-results.ts";
import type { Query, QueryNetworks } from "../domain/locate/query.ts";
import type { PositionResult } from "../domain/locate/result.ts";
import type { Report } from "../domain/report.ts";

const NETWORK_TYPES = ["area", "blue", "cell", "wifi"] as const;

function sameSets(a: QueryNetworks, b: QueryNetworks): boolean {
  return NETWORK_TYPES.every((t) => a[t].size === b[t].size && [...a[t]].every((id) => b[t].has(id)));
}

/** SPEC §3.9 steps 1–2: the best internal result, unless everything it used was seen today. */
export function queryReportPosition(query: Query, internal: readonly PositionResult[]): PositionResult | null {
  const best = bestPosition(internal);
  if (best === null) return null;
  const seen: QueryNetworks = { area: new Set(), blue: new Set(), cell: new Set(), wifi: new Set() };
  for (const n of best.usedNetworks) if (n.seenToday) seen[n.type].add(n.id);
  return sameSets(seen, query.networks()) ? null : best;
}

/**
 * SPEC §3.9 step 4: every validated network of the query (also ones unknown to the database)
 * with the best result's position. `fallbacks` is not part of a stored report (the pipeline
 * does not read it), so it is left out.
 */
export function buildQueryReport(query: Query, best: PositionResult, nowMs: number): Report {
  const json = query.toJson();
  return {
    timestamp: nowMs,
    position: { latitude: best.lat, longitude: best.lon, accuracy: best.accuracy, source: "query" },
    bluetoothBeacons: json.bluetoothBeacons ?? [],
    cellTowers: json.cellTowers ?? [],
    wifiAccessPoints: json.wifiAccessPoints ?? [],
  };
}
