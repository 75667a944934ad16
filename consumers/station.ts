/**
 * The station projectors (SPEC §4.7–§4.8): `station:wifi:<shard>` and `station:blue:<shard>` for
 * the 16 MAC shards, `station:cell:<radio>` for each radio with a table, each reading its own
 * observation stream. The projection is src/pipeline/station-projector.ts.
 */
import { MAC_SHARDS, STATION_RADIOS } from "../src/domain/observation/types.ts";
import { createStationProjector } from "../src/pipeline/station-projector.ts";
import { defineConsumerFamily } from "../src/stream/define-consumer.ts";

export default defineConsumerFamily({
  name: "station",
  members(deps) {
    const station = { batchSize: deps.stationBatch, metrics: deps.metrics };
    return [
      ...MAC_SHARDS.map((h) => createStationProjector("wifi", h, station)),
      ...MAC_SHARDS.map((h) => createStationProjector("blue", h, station)),
      ...STATION_RADIOS.map((r) => createStationProjector("cell", r, station)),
    ];
  },
});
