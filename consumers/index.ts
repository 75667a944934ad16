/**
 * The registry of consumer groups. The pipeline's groups are built here from their factories:
 * one `export:<name>` per `export_config` row, the 36 station projectors, `cellarea` and
 * `datamap`. An analyst's projection is a file in this folder exporting a `defineConsumer(…)`
 * descriptor, added to `ANALYST_CONSUMERS` below; `ichnos work` runs every group listed.
 */
import { loadExportConfigs } from "../src/db/export-configs.ts";
import type { Pool } from "../src/db/pool.ts";
import { MAC_SHARDS, STATION_RADIOS } from "../src/db/station-tables.ts";
import { createExportConsumer, type ArchiveDeps } from "../src/exports/export-consumer.ts";
import type { RegionLookup } from "../src/geo/region-lookup.ts";
import { createAreaProjector } from "../src/pipeline/area-projector.ts";
import { createDatamapProjector } from "../src/pipeline/datamap-projector.ts";
import { createStationProjector } from "../src/pipeline/station-projector.ts";
import type { RedisClient } from "../src/redis/create-redis.ts";
import type { AnyConsumer } from "../src/stream/define-consumer.ts";
import type { Keys } from "../src/stream/keys.ts";

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
}

const ANALYST_CONSUMERS: readonly AnyConsumer[] = [];

/** The pipeline's own groups. */
function pipelineConsumers(deps: ConsumerDeps): AnyConsumer[] {
  const station = { redis: deps.redis, keys: deps.keys, regions: deps.regions, batchSize: deps.stationBatch };
  return [
    ...MAC_SHARDS.map((h) => createStationProjector("wifi", h, station)),
    ...MAC_SHARDS.map((h) => createStationProjector("blue", h, station)),
    ...STATION_RADIOS.map((r) => createStationProjector("cell", r, station)),
    createAreaProjector(deps),
    createDatamapProjector(deps),
  ] as AnyConsumer[];
}

export async function loadExportConsumers(deps: ConsumerDeps): Promise<AnyConsumer[]> {
  const configs = await loadExportConfigs(deps.pool).catch((err: Error) => {
    throw new Error(`cannot read the export groups from export_config: ${err.message} (is DATABASE_URL right, and has "ichnos migrate" run?)`, { cause: err });
  });
  return configs.map((c) => createExportConsumer(c, deps) as AnyConsumer);
}

/** The groups that do not depend on configuration rows: the pipeline's and analysts'. */
export function staticConsumers(deps: ConsumerDeps): AnyConsumer[] {
  return [...pipelineConsumers(deps), ...ANALYST_CONSUMERS];
}

/** Every registered group: exports (read from MySQL now), the pipeline, analysts' projections. */
export async function loadConsumers(deps: ConsumerDeps): Promise<AnyConsumer[]> {
  return [...(await loadExportConsumers(deps)), ...staticConsumers(deps)];
}
