/**
 * SPEC §3.4: the fallback is searched iff the key may use it, the query has a valid blue, full
 * cell or WiFi network (areas do not count) and the results so far do not satisfy the query.
 */
import { type ApiKey, canFallback } from "../../domain/api-key.ts";
import type { NetworkCounts } from "./query.ts";

export function hasFallbackNetworks(counts: NetworkCounts): boolean {
  return counts.blue > 0 || counts.cell > 0 || counts.wifi > 0;
}

/** `satisfied` is the combined results' "satisfies" (SPEC §3.5), computed by the locate route. */
export function shouldSearchFallback(key: ApiKey, counts: NetworkCounts, satisfied: boolean): boolean {
  return canFallback(key) && hasFallbackNetworks(counts) && !satisfied;
}
