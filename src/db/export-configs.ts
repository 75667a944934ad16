/** Reads `export_config` for the workers (the CLI edits it through Prisma). */
import type { RowDataPacket } from "mysql2/promise";
import { toExportConfig, type ExportConfig, type ExportConfigRow } from "../domain/export-config.ts";
import type { Pool, PoolConnection } from "./pool.ts";

export async function loadExportConfigs(pool: Pool): Promise<ExportConfig[]> {
  const [rows] = await pool.query<RowDataPacket[]>(
    "SELECT name, batch, `schema`, url, skip_keys, skip_sources FROM export_config ORDER BY name");
  return rows.map((r) => toExportConfig(r as unknown as ExportConfigRow));
}

export async function exportConfigExists(db: Pool | PoolConnection, name: string): Promise<boolean> {
  const [rows] = await db.query<RowDataPacket[]>("SELECT 1 FROM export_config WHERE name = ?", [name]);
  return rows.length > 0;
}
