/**
 * The `datamap` group (SPEC §4.9, §4.6 step 6): every report that yields at least one valid
 * observation marks its ~112 m grid cell as seen on the report's day, in the quadrant table.
 * The day is the entry's own time, so replays give the same rows.
 */
import { DATAMAP_SHARDS, datamapTable, upsertDatamapGrids } from "../src/db/datamap.ts";
import { datamapShard, encodeGrid, scaleDatamap } from "../src/domain/datamap/grid.ts";
import { observedPosition } from "../src/domain/observation/split-report.ts";
import { defineConsumer } from "../src/stream/define-consumer.ts";
import { getOrCreate } from "../src/util/get-or-create.ts";

export default defineConsumer({
  name: "datamap",
  reads: "reports",
  start: "0",
  // Created by the project's migrations (SPEC §5): named only, not declared.
  tables: DATAMAP_SHARDS.map(datamapTable),
  async project(batch, ctx) {
    const perTable = new Map<string, Map<string, { grid: Buffer; day: string }>>();
    for (const e of batch) {
      const position = observedPosition(e.data, ctx.regions);
      if (!position) continue;
      const [lat, lon] = scaleDatamap(position.lat, position.lon);
      const table = ctx.table(datamapTable(datamapShard(lat, lon)));
      const grid = encodeGrid(lat, lon);
      const grids = getOrCreate(perTable, table, () => new Map<string, { grid: Buffer; day: string }>());
      // The newest day wins within a batch, as it would across batches.
      grids.set(grid.toString("hex"), { grid, day: e.time.toISOString().slice(0, 10) });
    }
    // Key order: the partitions' loops write the same tables, and a common lock order keeps
    // their transactions from deadlocking.
    for (const [table, grids] of [...perTable].sort(([a], [b]) => a.localeCompare(b))) {
      await upsertDatamapGrids(ctx.tx, table, [...grids.values()].sort((a, b) => a.grid.compare(b.grid)));
    }
  },
});
