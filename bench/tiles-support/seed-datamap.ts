/**
 * Writes the world's cells into the scratch database's `datamap_*` tables with the projection's
 * own writer (`upsertDatamapGrids`, one multi-row INSERT per batch), in key order per shard,
 * `batch` rows per statement over `connections` connections. Each row was last seen 0–364 days
 * before today (seeded), as a year of stumbling leaves it.
 */
import { DATAMAP_SHARDS, datamapTable, upsertDatamapGrids } from "../../src/db/datamap.ts";
import type { Pool } from "../../src/db/pool.ts";
import { datamapShard, type DatamapShard, encodeGrid } from "../../src/domain/datamap/grid.ts";
import { prng } from "../../src/util/prng.ts";
import type { Progress } from "../harness/run.ts";
import { chunk, inFlight } from "../harness/stats.ts";
import type { DatamapWorld } from "./datamap-world.ts";

export interface SeedResult {
  readonly rows: Record<DatamapShard, number>;
  readonly ms: number;
}

const DAY_MS = 86_400_000;

export async function seedDatamap(
  pool: Pool, world: DatamapWorld, options: { readonly batch: number; readonly connections: number; readonly seed: number }, progress: Progress,
): Promise<SeedResult> {
  const started = performance.now();
  const random = prng(options.seed ^ 0xda7a);
  const today = Date.now();
  const days = Array.from({ length: 365 }, (_, i) => new Date(today - i * DAY_MS).toISOString().slice(0, 10));
  const byShard = new Map<DatamapShard, { grid: Buffer; day: string }[]>(DATAMAP_SHARDS.map((s) => [s, []]));
  // The world's cells are in key order, so each shard's rows are too: InnoDB appends its pages.
  for (let i = 0; i < world.count; i++) {
    const la = world.cells[2 * i]!;
    const lo = world.cells[2 * i + 1]!;
    byShard.get(datamapShard(la, lo))!.push({ grid: encodeGrid(la, lo), day: days[Math.floor(random() * days.length)]! });
  }
  const work = [...byShard].flatMap(([shard, rows]) => chunk(rows, options.batch).map((grids) => ({ table: datamapTable(shard), grids })));
  let written = 0;
  let reported = 0;
  await inFlight(work.length, options.connections, async (i) => {
    const { table, grids } = work[i]!;
    const conn = await pool.getConnection();
    try {
      await upsertDatamapGrids(conn, table, grids);
    } finally {
      conn.release();
    }
    written += grids.length;
    if (written - reported >= world.count / 10 || written === world.count) {
      reported = written;
      progress(`  datamap: ${written.toLocaleString("en-US")} of ${world.count.toLocaleString("en-US")} cells written`);
    }
  });
  const rows = Object.fromEntries([...byShard].map(([s, r]) => [s, r.length])) as Record<DatamapShard, number>;
  return { rows, ms: performance.now() - started };
}
