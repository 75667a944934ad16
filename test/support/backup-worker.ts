/**
 * A worker process running only the `export:backup` group against the archive given by
 * BACKUP_URL (and the AWS_* variables). `KILL_AFTER_UPLOAD=n` SIGKILLs it right after its n-th
 * upload succeeded and before that batch's checkpoint commits: the archive then holds an object
 * whose entries the group has not moved past.
 */
import { S3Client } from "@aws-sdk/client-s3";
import { loadConsumers } from "../../src/stream/consumer-registry.ts";
import { createPool } from "../../src/db/pool.ts";
import { lazyRegionLookup } from "../../src/geo/lazy-regions.ts";
import { createLogger } from "../../src/logger.ts";
import { createRedis } from "../../src/redis/create-redis.ts";
import { createConsumerRuntime } from "../../src/stream/consumer-runtime.ts";
import { defineConsumer } from "../../src/stream/define-consumer.ts";
import { createKeys } from "../../src/stream/keys.ts";
import { requireEnv, runUntilSigterm } from "./worker-env.ts";

const env = requireEnv("backup-worker");
const log = createLogger("info");
const pool = createPool(env("DATABASE_URL"), 4);
const redis = createRedis({ url: env("REDIS_URL") });
const keys = createKeys(env("PREFIX"), Number(env("PARTITIONS", "1")));
const killAfter = Number(env("KILL_AFTER_UPLOAD", "0"));
const s3 = new S3Client({
  endpoint: env("AWS_ENDPOINT_URL_S3"), region: "us-east-1", forcePathStyle: true,
  credentials: { accessKeyId: env("AWS_ACCESS_KEY_ID"), secretAccessKey: env("AWS_SECRET_ACCESS_KEY") },
});
const deps = { pool, redis, keys, regions: lazyRegionLookup(), stationBatch: 10, archive: { s3: () => s3, backupUrl: env("BACKUP_URL"), maxAgeMs: 100 } };
const backup = (await loadConsumers(deps)).find((c) => c.name === "export:backup")!;
let uploads = 0;
const consumer = defineConsumer({
  ...backup,
  async project(batch, ctx) {
    await backup.project(batch, ctx);
    uploads += 1;
    if (killAfter && uploads === killAfter) process.kill(process.pid, "SIGKILL");
  },
});
const runtime = createConsumerRuntime({
  redis, pool, keys, log, consumers: [consumer],
  settings: { batchSize: 500, blockMs: 100, claimIdleMs: 60_000, maxDeliveries: 5, flush: true },
});
runUntilSigterm(runtime, redis, pool);
