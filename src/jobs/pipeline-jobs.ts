/**
 * The station pipeline's periodic jobs (SPEC §4.9, §4.12, §4.13, §4.15), run by every worker's
 * scheduler under a Redis lease so one worker does each run. Ichnaea gates the region stats and
 * datamap clean-up on a Mapbox token (SPEC §9.17) and the cell exports on an asset bucket; Ichnos
 * always runs them (the exports go to CELL_EXPORT_DIR without a bucket).
 */
import { CELL_EXPORT_INTERVAL_MS, runCellExport, type CellExportJobDeps } from "../cells/export-job.ts";
import { createExportStore, type ExportStore } from "../cells/export-store.ts";
import type { Services } from "../cli/services.ts";
import { DATAMAP_SHARDS, datamapTable, deleteStaleDatamapRows } from "../db/datamap.ts";
import { countStationsByRegion, replaceRegionStats } from "../db/region-stat.ts";
import { deleteStatsBefore } from "../db/stat.ts";
import { KEY_FORMATS } from "../stream/keys.ts";
import { STATS_CACHE } from "../stats/stats-service.ts";
import { withTransaction } from "../db/tx.ts";
import type { Job } from "./scheduler.ts";
import { rollUpStatCounters } from "./stat-rollup.ts";

const DAY_MS = 86_400_000;
export const daysBefore = (now: Date, days: number): string => new Date(now.getTime() - days * DAY_MS).toISOString().slice(0, 10);

export async function updateRegionStats(services: Pick<Services, "pool" | "redis" | "keys">): Promise<number> {
  const counts = await countStationsByRegion(services.pool);
  await withTransaction(services.pool, (tx) => replaceRegionStats(tx, counts));
  // SPEC §4.12: the page shows the new counts at once, not after its cache expires.
  await services.redis.del(KEY_FORMATS.contentCache(services.keys.prefix, STATS_CACHE.regions));
  return counts.size;
}

export async function cleanUpDatamap(services: Pick<Services, "pool">, now: Date): Promise<number> {
  let deleted = 0;
  for (const shard of DATAMAP_SHARDS) deleted += await deleteStaleDatamapRows(services.pool, datamapTable(shard), daysBefore(now, 365));
  return deleted;
}

/** The store ASSET_BUCKET or CELL_EXPORT_DIR names, with the process's S3 client (made on first use). */
export function cellExportStore(services: Pick<Services, "config" | "consumerDeps">): ExportStore {
  return createExportStore(services.config, () => {
    const s3 = services.consumerDeps.archive?.s3;
    if (!s3) throw new Error("ASSET_BUCKET is set, but this process was built without an S3 client");
    return s3();
  });
}

export function cellExportDeps(services: Services, store: ExportStore = cellExportStore(services)): CellExportJobDeps {
  const { pool, redis, keys, log, config } = services;
  return { pool, redis, keys, log, store, retentionMs: config.cellExportRetentionMs };
}

/** `now`: the process's clock (process/overrides.ts); the cleanups count their days from it, the cell exports their hours. */
export function pipelineJobs(services: Services, now: () => number = Date.now): Job[] {
  const { pool, log, config } = services;
  const cellExports = cellExportDeps(services);
  return [
    {
      name: "stat-rollup",
      intervalMs: config.statRollupIntervalMs,
      run: async () => {
        const r = await rollUpStatCounters(pool);
        if (r.added > 0) log.info({ job: "stat-rollup", ...r }, "daily counters rolled up into stat");
      },
    },
    {
      name: "region-stats",
      intervalMs: DAY_MS,
      run: async () => void log.info({ job: "region-stats", regions: await updateRegionStats(services) }, "region_stat recomputed"),
    },
    {
      name: "stat-cleanup",
      intervalMs: DAY_MS,
      run: async () => void log.info({ job: "stat-cleanup", deleted: await deleteStatsBefore(pool, daysBefore(new Date(now()), 730)) }, "old stat rows deleted"),
    },
    {
      name: "datamap-cleanup",
      intervalMs: DAY_MS,
      run: async () => void log.info({ job: "datamap-cleanup", deleted: await cleanUpDatamap(services, new Date(now())) }, "datamap rows unseen for a year deleted"),
    },
    {
      name: "cell-export",
      intervalMs: CELL_EXPORT_INTERVAL_MS,
      run: async (signal) => void (await runCellExport(cellExports, now(), signal)),
    },
  ];
}
