/**
 * A real worker process running the pipeline's own consumer groups, for crash tests.
 * Env: DATABASE_URL, REDIS_URL, PREFIX, PARTITIONS, GROUPS (comma-separated prefixes of group
 * names, e.g. `station:` or `export:internal`), STATION_BATCH, CLAIM_IDLE_MS.
 * `CRASH_AFTER_COMMIT=n` SIGKILLs after the n-th COMMIT and before its XACK; `CRASH_IN_PROJECT=n`
 * SIGKILLs when the n-th batch has done all its writes but has not committed. SIGTERM stops it.
 */
import { loadConsumers } from "../../src/stream/consumer-registry.ts";
import { createPool } from "../../src/db/pool.ts";
import { getRegionLookup } from "../../src/geo/regions.ts";
import { createLogger } from "../../src/logger.ts";
import { createRedis } from "../../src/redis/create-redis.ts";
import { createConsumerRuntime } from "../../src/stream/consumer-runtime.ts";
import { defineConsumer, type AnyConsumer } from "../../src/stream/define-consumer.ts";
import { createKeys } from "../../src/stream/keys.ts";
import { TEST_STREAMS } from "./test-streams.ts";
import { requireEnv, runUntilSigterm } from "./worker-env.ts";

const env = requireEnv("pipeline-worker");

const log = createLogger("warn");
const pool = createPool(env("DATABASE_URL"), 6);
const redis = createRedis({ url: env("REDIS_URL") });
const keys = createKeys(env("PREFIX"), Number(env("PARTITIONS", "1")), TEST_STREAMS);
const crashAfterCommit = Number(env("CRASH_AFTER_COMMIT", "0"));
const crashInProject = Number(env("CRASH_IN_PROJECT", "0"));
const wanted = env("GROUPS").split(",");

const all = await loadConsumers({ pool, redis, keys, regions: getRegionLookup(), stationBatch: Number(env("STATION_BATCH", "2")) });
let projected = 0;
const consumers: AnyConsumer[] = all.filter((c) => wanted.some((w) => c.name.startsWith(w))).map((c) => defineConsumer({
  ...c,
  async project(batch, ctx) {
    await c.project(batch, ctx);
    projected += 1;
    if (crashInProject && projected === crashInProject) process.kill(process.pid, "SIGKILL");
  },
}));

let commits = 0;
const runtime = createConsumerRuntime({
  redis, pool, keys, log, consumers,
  settings: { batchSize: 500, blockMs: 100, claimIdleMs: Number(env("CLAIM_IDLE_MS", "300")), maxDeliveries: 5 },
  afterCommit: (ids) => {
    if (ids.length === 0) return;
    commits += 1;
    if (crashAfterCommit && commits === crashAfterCommit) process.kill(process.pid, "SIGKILL");
  },
});
runUntilSigterm(runtime, redis, pool);
