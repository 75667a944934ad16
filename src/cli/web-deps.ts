/** The web process's part of the composition root: everything the routes need, from config. */
import type { WebDeps } from "../api/app.ts";
import { createApiKeyResolver } from "../api/api-key-resolver.ts";
import type { HeartbeatChecks } from "../api/heartbeat.ts";
import { createRequestLog } from "../api/request-log.ts";
import { createUsageTracker } from "../api/usage-tracker.ts";
import { loadApiKey } from "../db/api-key-lookup.ts";
import { lazyRegionLookup } from "../geo/lazy-regions.ts";
import type { GeoIp } from "../geoip/geoip-reader.ts";
import { createFallbackSource } from "../locate/fallback/fallback-source.ts";
import { createGlobalSampleRate } from "../locate/global-sample-rate.ts";
import { createLocateService } from "../locate/locate-service.ts";
import { createAppender } from "../stream/append.ts";
import { createReportSubmitter } from "../submit/report-submitter.ts";
import { createStatsService } from "../stats/stats-service.ts";
import { createMapData } from "../map/map-data.ts";
import type { S3Client } from "@aws-sdk/client-s3";
import { createArchiveS3Client } from "../archive/s3-client.ts";
import { createDownloadsService } from "../cells/downloads-service.ts";
import { createExportStore } from "../cells/export-store.ts";
import { createReadPools, type ReadPools } from "../db/read-pools.ts";
import type { Services } from "./services.ts";

/** The routes' dependencies, and what the process must finish before it closes Redis. */
export interface WebProcessDeps extends WebDeps {
  /** Where the reads that may be slightly stale go: the read replicas in rotation, else the primary. */
  readonly reads: Pick<ReadPools, "status" | "checkNow">;
  /** Sends the buffered usage counts and closes the replicas' pools; call after the server stopped taking requests. */
  close(): Promise<void>;
}

/** `now`: the process's clock (process/overrides.ts), for every route that reads the time. */
export function createWebDeps(services: Services, checks: HeartbeatChecks, geoip: Pick<GeoIp, "lookup">, now: () => number = Date.now): WebProcessDeps {
  const { config, log, redis, pool, keys } = services;
  const metrics = services.metrics.web;
  // Keys, submits and everything written stay on the primary; station reads and content pages may
  // be up to DATABASE_READ_MAX_LAG behind (the consumers are seconds behind the streams anyway).
  const reads = createReadPools({
    primary: pool, replicaUrls: config.databaseReadUrls, poolSize: config.databasePoolSize,
    maxLagMs: config.databaseReadMaxLagMs, checkIntervalMs: config.databaseReadCheckIntervalMs, log,
  });
  const apiKeys = createApiKeyResolver({ load: (key) => loadApiKey(pool, key), log, now });
  const usage = createUsageTracker(redis, config.redisPrefix, log, { flushMs: config.usageFlushMs });
  const submitter = createReportSubmitter(createAppender(redis, keys), keys);
  const fallback = createFallbackSource({ redis, prefix: config.redisPrefix, log, metrics: metrics.locate.fallback, now });
  const locate = createLocateService({
    pool: reads.reader,
    geoip,
    // Lazy: the boundaries load on the first request that needs them, not at startup.
    regions: lazyRegionLookup(),
    fallback,
    submitter,
    maxEntryBytes: config.maxEntryBytes,
    metrics: metrics.locate,
    appendFailed: metrics.appendFailed,
    log,
    now,
    globalSampleRate: createGlobalSampleRate(redis, config.redisPrefix, log),
  });
  // The process's S3 client when it has one; else one of its own, made only if ASSET_BUCKET is set.
  let ownS3: S3Client | undefined;
  const s3 = services.consumerDeps.archive?.s3 ?? (() => (ownS3 ??= createArchiveS3Client(config)));
  const downloads = createDownloadsService({ store: createExportStore(config, s3), redis, prefix: config.redisPrefix, log, assetUrl: config.assetUrl });
  return {
    log,
    checks: config.databaseReadUrls.length > 0 ? { ...checks, replicas: () => reads.status() } : checks,
    submit: {
      log,
      keys: apiKeys,
      usage,
      submitter,
      maxBodyBytes: config.maxBodyBytes,
      maxItems: config.maxSubmitItems,
      maxEntryBytes: config.maxEntryBytes,
      trustProxy: config.trustProxy,
      metrics: metrics.submit,
      appendFailed: metrics.appendFailed,
      now,
    },
    locate: { log, keys: apiKeys, usage, locate, maxBodyBytes: config.maxBodyBytes, trustProxy: config.trustProxy, now },
    // The regions page stays on the primary: the job that recomputes it drops its cache, and a
    // lagging replica would fill the cache with the old rows for an hour.
    stats: { stats: createStatsService({ pool: reads.reader, regionsPool: pool, redis, prefix: config.redisPrefix, log, now }) },
    map: { data: createMapData({ pool: reads.reader, redis, prefix: config.redisPrefix, log }), baseTilesUrl: config.mapTilesUrl },
    mapTilesUrl: config.mapTilesUrl,
    downloads: { downloads },
    version: config.build,
    reads,
    // The whole process's registry: under `ichnos start` the workers' metrics too.
    metrics: { registry: services.metrics.registry, adminToken: config.adminToken },
    requests: createRequestLog({ log, level: config.accessLog, http: metrics.http }),
    events: config.adminToken ? { log, redis, keys, adminToken: config.adminToken, pageBytes: config.eventsPageBytes } : undefined,
    close: async () => {
      await usage.close();
      ownS3?.destroy();
      await reads.close();
    },
  };
}
