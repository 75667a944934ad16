/** The web process's part of the composition root: everything the routes need, from config. */
import type { WebDeps } from "../api/app.ts";
import { createApiKeyResolver } from "../api/api-key-resolver.ts";
import type { HeartbeatChecks } from "../api/heartbeat.ts";
import { createUsageTracker } from "../api/usage-tracker.ts";
import { loadApiKey } from "../db/api-key-lookup.ts";
import { lazyRegionLookup } from "../geo/lazy-regions.ts";
import type { GeoIp } from "../geoip/geoip-reader.ts";
import { createFallbackSource } from "../locate/fallback/fallback-source.ts";
import { createGlobalSampleRate } from "../locate/global-sample-rate.ts";
import { startCountersLog } from "../locate/counters-log.ts";
import { createLocateService } from "../locate/locate-service.ts";
import { createAppender } from "../stream/append.ts";
import { createReportSubmitter } from "../submit/report-submitter.ts";
import { createStatsService } from "../stats/stats-service.ts";
import { createMapData } from "../map/map-data.ts";
import type { S3Client } from "@aws-sdk/client-s3";
import { createArchiveS3Client } from "../archive/s3-client.ts";
import { createDownloadsService } from "../cells/downloads-service.ts";
import { createExportStore } from "../cells/export-store.ts";
import type { Services } from "./services.ts";

/** The routes' dependencies, and what the process must finish before it closes Redis. */
export interface WebProcessDeps extends WebDeps {
  /** Sends the buffered usage counts; call after the server stopped taking requests. */
  close(): Promise<void>;
}

/** `now`: the process's clock (process/overrides.ts), for every route that reads the time. */
export function createWebDeps(services: Services, checks: HeartbeatChecks, geoip: Pick<GeoIp, "lookup">, now: () => number = Date.now): WebProcessDeps {
  const { config, log, redis, pool, keys } = services;
  const apiKeys = createApiKeyResolver({ load: (key) => loadApiKey(pool, key), log, now });
  const usage = createUsageTracker(redis, config.redisPrefix, log, { flushMs: config.usageFlushMs });
  const submitter = createReportSubmitter(createAppender(redis, keys), keys);
  const fallback = createFallbackSource({ redis, prefix: config.redisPrefix, log, now });
  const locate = createLocateService({
    pool,
    geoip,
    // Lazy: the boundaries load on the first request that needs them, not at startup.
    regions: lazyRegionLookup(),
    fallback,
    submitter,
    maxEntryBytes: config.maxEntryBytes,
    log,
    now,
    globalSampleRate: createGlobalSampleRate(redis, config.redisPrefix, log),
  });
  // The process's S3 client when it has one; else one of its own, made only if ASSET_BUCKET is set.
  let ownS3: S3Client | undefined;
  const s3 = services.consumerDeps.archive?.s3 ?? (() => (ownS3 ??= createArchiveS3Client(config)));
  const downloads = createDownloadsService({ store: createExportStore(config, s3), redis, prefix: config.redisPrefix, log, assetUrl: config.assetUrl });
  const counters = startCountersLog(() => ({ droppedQueryReports: locate.droppedQueryReports(), fallback: fallback.counters() }), log);
  return {
    log,
    checks,
    submit: {
      log,
      keys: apiKeys,
      usage,
      submitter,
      maxBodyBytes: config.maxBodyBytes,
      maxItems: config.maxSubmitItems,
      maxEntryBytes: config.maxEntryBytes,
      trustProxy: config.trustProxy,
      now,
    },
    locate: { log, keys: apiKeys, usage, locate, maxBodyBytes: config.maxBodyBytes, trustProxy: config.trustProxy, now },
    stats: { stats: createStatsService({ pool, redis, prefix: config.redisPrefix, log, now }) },
    map: { data: createMapData({ pool, redis, prefix: config.redisPrefix, log }), baseTilesUrl: config.mapTilesUrl },
    mapTilesUrl: config.mapTilesUrl,
    downloads: { downloads },
    version: config.build,
    events: config.adminToken ? { log, redis, keys, adminToken: config.adminToken, pageBytes: config.eventsPageBytes } : undefined,
    close: async () => {
      counters.stop();
      await usage.close();
      ownS3?.destroy();
    },
  };
}
