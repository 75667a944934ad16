/**
 * The statistics the website shows, each computed from MySQL at most once an hour per Redis
 * (content-cache.ts) under Ichnaea's cache keys: `/stats` (global counters), `/stats/regions`
 * and the monthly series of `/stats_{blue,cell,wifi}.json`.
 */
import { loadRegionStats } from "../db/region-stat.ts";
import type { ReadPool } from "../db/read-pools.ts";
import { loadLatestTotals, loadMonthlyMaxima } from "../db/stat-queries.ts";
import type { Logger } from "../logger.ts";
import type { RedisClient } from "../redis/create-redis.ts";
import { KEY_FORMATS } from "../stream/keys.ts";
import { cached } from "./content-cache.ts";
import { type GlobalStats, globalStats, SERIES, type StatsKind, type StatsSeries, statsSeries, yearBefore } from "./global-stats.ts";
import { type RegionRow, regionRows } from "./region-stats.ts";

/** Ichnaea's cache key names (SPEC §2.3), the version suffix bumped when a value's shape changes. */
export const STATS_CACHE = {
  global: "stats:4",
  regions: "stats_regions:4",
  series: { blue: "stats_blue_json:2", cell: "stats_cell_json:3", wifi: "stats_wifi_json:2" } satisfies Record<StatsKind, string>,
} as const;

export interface StatsService {
  global(): Promise<GlobalStats>;
  regions(): Promise<RegionRow[]>;
  series(kind: StatsKind): Promise<StatsSeries>;
}

export interface StatsDeps {
  readonly pool: ReadPool;
  /** Where `/stats/regions` reads; `pool` when absent (web-deps.ts keeps it on the primary). */
  readonly regionsPool?: ReadPool;
  readonly redis: RedisClient;
  readonly prefix: string;
  readonly log: Logger;
  /** The clock: which day is today (process/overrides.ts). */
  readonly now?: () => number;
}

export function createStatsService(deps: StatsDeps): StatsService {
  const now = deps.now ?? Date.now;
  const today = () => new Date(now()).toISOString().slice(0, 10);
  const key = (name: string) => KEY_FORMATS.contentCache(deps.prefix, name);
  return {
    global: () => cached(deps.redis, key(STATS_CACHE.global), deps.log, async () => globalStats(await loadLatestTotals(deps.pool, today()))),
    regions: () => cached(deps.redis, key(STATS_CACHE.regions), deps.log, async () => regionRows(await loadRegionStats(deps.regionsPool ?? deps.pool))),
    series: (kind) => cached(deps.redis, key(STATS_CACHE.series[kind]), deps.log,
      async () => statsSeries(kind, await loadMonthlyMaxima(deps.pool, SERIES[kind].key, yearBefore(today())))),
  };
}
