/**
 * In-process counts for the fallback source, the SPEC §8.2 `locate.fallback.cache` and
 * `locate.fallback.lookup` metrics, until Ichnos has a metrics sink to send them to.
 */
import type { CacheStatus } from "./cache.ts";

export interface FallbackCounters {
  readonly cache: Readonly<Record<CacheStatus, number>>;
  /** By HTTP status code, plus `timeout` and `error` (no response) and `invalid` (a 2xx body no schema accepts). */
  readonly lookup: Readonly<Record<string, number>>;
  readonly rateLimited: number;
}

export function createFallbackCounters() {
  const cache: Record<CacheStatus, number> = { hit: 0, miss: 0, bypassed: 0, inconsistent: 0, failure: 0 };
  const lookup: Record<string, number> = {};
  let rateLimited = 0;
  return {
    cache(status: CacheStatus): void {
      cache[status] += 1;
    },
    lookup(status: string): void {
      lookup[status] = (lookup[status] ?? 0) + 1;
    },
    rateLimited(): void {
      rateLimited += 1;
    },
    snapshot(): FallbackCounters {
      return { cache: { ...cache }, lookup: { ...lookup }, rateLimited };
    },
  };
}
