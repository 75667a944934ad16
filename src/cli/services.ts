/**
 * The composition root's parts: each process builds exactly the clients it needs from config,
 * and closes them in reverse order on the way out. Nothing connects at import time.
 */
import type { ConsumerDeps } from "../stream/consumer-deps.ts";
import type { Config } from "../config.ts";
import { createPool, type Pool } from "../db/pool.ts";
import type { Logger } from "../logger.ts";
import { createProcessMetrics, type ProcessMetrics } from "../metrics/process-metrics.ts";
import { closeRedis, createRedis, type RedisClient } from "../redis/create-redis.ts";
import type { S3Client } from "@aws-sdk/client-s3";
import { createArchiveS3Client } from "../archive/s3-client.ts";
import { lazyRegionLookup } from "../geo/lazy-regions.ts";
import { createKeys, type Keys } from "../stream/keys.ts";
import type { LoopSettings } from "../stream/consumer-loop.ts";
import type { StreamFamily } from "../stream/streams.ts";

export interface Services {
  readonly config: Config;
  readonly log: Logger;
  readonly redis: RedisClient;
  readonly pool: Pool;
  readonly keys: Keys;
  /** The process's one metrics registry and the metrics on it: `/metrics` shows them (web port, METRICS_PORT). */
  readonly metrics: ProcessMetrics;
  /** What the consumer files' factories need (consumers/*.ts). */
  readonly consumerDeps: ConsumerDeps;
  close(): Promise<void>;
}

export interface ServicesOptions {
  /** Stream families beyond the project's (streams.ts), e.g. the runtime tests' `test:` streams. */
  readonly streams?: readonly StreamFamily[];
}

export function createServices(config: Config, log: Logger, options: ServicesOptions = {}): Services {
  // Web requests must be answered within REDIS_TIMEOUT while Redis is down or frozen; the
  // consumer loops share the client and back off on the same errors. Connection errors are
  // logged by the client itself, at most one warning per connection name per 10 s.
  const redis = createRedis({
    url: config.redisUrl, clusterNodes: config.redisClusterNodes, name: config.redisPrefix, log,
    commandTimeoutMs: config.redisTimeoutMs, blockMs: config.consumerBlockMs,
  });
  const pool = createPool(config.databaseUrl, config.databasePoolSize, { lockWaitTimeoutS: config.lockWaitTimeoutMs / 1000 });
  const keys = createKeys(config.redisPrefix, config.streamPartitions, options.streams);
  const metrics = createProcessMetrics();
  let closing: Promise<void> | null = null;
  let s3: S3Client | undefined;
  const consumerDeps: ConsumerDeps = {
    pool, redis, keys, regions: lazyRegionLookup(), stationBatch: config.stationBatch,
    archive: { s3: () => (s3 ??= createArchiveS3Client(config)), backupUrl: config.backupUrl, maxAgeMs: config.backupMaxAgeMs },
    partnerTimeoutMs: config.partnerTimeoutMs, metrics: metrics.pipeline,
  };
  return {
    config, log, redis, pool, keys, metrics, consumerDeps,
    close: () => {
      closing ??= (async () => {
        await closeRedis(redis).catch(() => undefined);
        s3?.destroy();
        await pool.end().catch(() => undefined);
      })();
      return closing;
    },
  };
}

export function loopSettings(config: Config): LoopSettings {
  return {
    batchSize: config.consumerBatch,
    blockMs: config.consumerBlockMs,
    claimIdleMs: config.claimIdleMs,
    maxDeliveries: config.maxDeliveries,
    batchBytes: config.consumerBatchBytes,
    livenessMs: config.consumerLivenessMs,
  };
}

/** Every stream the trimmer looks after: the report partitions and all that consumers read. */
export function trimmedStreams(keys: Keys, readsLists: readonly (string | readonly string[])[]): string[] {
  return [...new Set([...keys.reportStreams(), ...readsLists.flatMap((reads) => keys.resolve(reads))])];
}
