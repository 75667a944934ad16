import type { RowDataPacket } from "mysql2/promise";
import type { Pool } from "../../src/db/pool.ts";

export const STATION_TABLES = [
  ...[..."0123456789abcdef"].flatMap((h) => [`wifi_shard_${h}`, `blue_shard_${h}`]),
  "cell_gsm", "cell_wcdma", "cell_lte", "cell_nr",
];

const plain = (v: unknown) => (Buffer.isBuffer(v) ? v.toString("hex") : v instanceof Date ? v.toISOString() : v);

/** Every row of the tables, in primary-key order, as comparable plain values. */
export async function snapshotTables(pool: Pool, tables: readonly string[]): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of tables) {
    const [keys] = await pool.query<RowDataPacket[]>(
      "SELECT COLUMN_NAME AS c FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND CONSTRAINT_NAME = 'PRIMARY' ORDER BY ORDINAL_POSITION",
      [table]);
    const order = keys.map((k) => `\`${k.c}\``).join(", ");
    const [rows] = await pool.query<RowDataPacket[]>(`SELECT * FROM \`${table}\` ORDER BY ${order}`);
    out[table] = rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, plain(v)])));
  }
  return out;
}

export function rowCount(snapshot: Record<string, unknown[]>): number {
  return Object.values(snapshot).reduce((n, rows) => n + rows.length, 0);
}

/** The Wi-Fi shard holding the most stations. */
export async function busiestWifiShard(pool: Pool): Promise<string> {
  let best = { shard: "0", n: -1 };
  for (const h of "0123456789abcdef") {
    const [rows] = await pool.query<RowDataPacket[]>(`SELECT COUNT(*) AS n FROM wifi_shard_${h}`);
    if (Number(rows[0]!.n) > best.n) best = { shard: h, n: Number(rows[0]!.n) };
  }
  return best.shard;
}

/** A snapshot without the rows' `created` and `modified` times (they follow when entries arrived). */
export function withoutTimes(snapshot: Record<string, unknown[]>): Record<string, unknown[]> {
  return Object.fromEntries(Object.entries(snapshot).map(([t, rows]) =>
    [t, (rows as Record<string, unknown>[]).map(({ created: _c, modified: _m, ...rest }) => rest)]));
}
