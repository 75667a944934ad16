/**
 * `datamap_{ne,nw,se,sw}` (SPEC §4.9, §5.5): one row per ~112 m grid cell seen. Existing rows
 * get `modified = day` (already-today rows are unchanged by the same assignment); new rows get
 * created = modified = day. One multi-row statement per table and batch.
 */
import type { PoolConnection } from "./pool.ts";

export const DATAMAP_SHARDS = ["ne", "nw", "se", "sw"] as const;
export type DatamapShard = (typeof DATAMAP_SHARDS)[number];

export const datamapTable = (shard: DatamapShard): string => `datamap_${shard}`;

export async function upsertDatamapGrids(tx: PoolConnection, table: string, grids: readonly { grid: Buffer; day: string }[]): Promise<void> {
  if (grids.length === 0) return;
  // GREATEST keeps a replayed older day from moving `modified` backwards.
  await tx.query(
    `INSERT INTO \`${table}\` (grid, created, modified) VALUES ? ON DUPLICATE KEY UPDATE
       modified = GREATEST(COALESCE(modified, VALUES(modified)), VALUES(modified)),
       created = LEAST(COALESCE(created, VALUES(created)), VALUES(created))`,
    [grids.map((g) => [g.grid, g.day, g.day])],
  );
}

/** Deletes rows not seen since `before` (YYYY-MM-DD); returns how many went. */
export async function deleteStaleDatamapRows(db: { query: PoolConnection["query"] }, table: string, before: string): Promise<number> {
  const [result] = await db.query(`DELETE FROM \`${table}\` WHERE modified < ?`, [before]);
  return (result as { affectedRows: number }).affectedRows;
}
