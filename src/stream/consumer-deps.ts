/**
 * What a consumer file's factory receives (consumers/*.ts): the connections and the read-only
 * services the built-in projections use. Analysts' consumers get the same.
 */
import type { Pool } from "../db/pool.ts";
import type { ArchiveDeps } from "../exports/export-consumer.ts";
import type { RegionLookup } from "../geo/region-lookup.ts";
import type { PipelineMetrics } from "../metrics/pipeline-metrics.ts";
import type { RedisClient } from "../redis/create-redis.ts";
import type { Keys } from "./keys.ts";

export interface ConsumerDeps {
  readonly pool: Pool;
  readonly redis: RedisClient;
  readonly keys: Keys;
  readonly regions: RegionLookup;
  /** Observation entries per station transaction. */
  readonly stationBatch: number;
  /** The reports archive for `s3` exports; absent where no process needs it (tools, tests). */
  readonly archive?: ArchiveDeps;
  /** PARTNER_TIMEOUT for `geosubmit` exports. */
  readonly partnerTimeoutMs?: number;
  /** The process's pipeline metrics (station decisions); absent in tools and tests that count nothing. */
  readonly metrics?: PipelineMetrics;
}
