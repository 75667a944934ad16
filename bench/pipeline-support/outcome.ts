/**
 * What a drain left behind, read after it: observations on the observation streams (the
 * splitter's output: entries and the summed length of their `obs` arrays), station rows per
 * kind, and when each group family made its last commit (stream_checkpoint.updated_at).
 */
import type { RowDataPacket } from "mysql2/promise";
import type { Pool } from "../../src/db/pool.ts";
import { allStationTables } from "../../src/db/station-tables.ts";
import type { RedisClient } from "../../src/redis/create-redis.ts";
import type { Keys } from "../../src/stream/keys.ts";
import { countObservations as observationsIn } from "../../src/domain/observation/observation-batch.ts";

export type Kind = "wifi" | "blue" | "cell";
const KINDS: readonly Kind[] = ["wifi", "blue", "cell"];

export interface ObservationCount {
  readonly entries: Record<Kind, number>;
  readonly observations: Record<Kind, number>;
  readonly total: number;
  /** Bytes of entry JSON (`d`) on the observation streams. */
  readonly bytes: number;
}

/** XRANGE over every observation stream, 1,000 entries at a time, summing `obs.length`. */
export async function countObservations(redis: RedisClient, keys: Keys): Promise<ObservationCount> {
  const entries: Record<Kind, number> = { wifi: 0, blue: 0, cell: 0 };
  const observations: Record<Kind, number> = { wifi: 0, blue: 0, cell: 0 };
  let bytes = 0;
  for (const kind of KINDS) {
    for (const stream of keys.resolve(`obs:${kind}`)) {
      let start = "-";
      for (;;) {
        const batch = await redis.xrange(stream, start, "+", "COUNT", 1000);
        for (const [, fields] of batch) {
          const data = fields[fields.indexOf("d") + 1];
          bytes += Buffer.byteLength(data ?? "");
          entries[kind] += 1;
          observations[kind] += observationsIn(JSON.parse(data ?? "{}"));
        }
        if (batch.length < 1000) break;
        start = `(${batch.at(-1)![0]}`;
      }
    }
  }
  return { entries, observations, total: observations.wifi + observations.blue + observations.cell, bytes };
}

export async function countStations(pool: Pool): Promise<Record<Kind, number>> {
  const out: Record<Kind, number> = { wifi: 0, blue: 0, cell: 0 };
  for (const kind of KINDS) {
    const union = allStationTables(kind).map((t) => `SELECT COUNT(*) AS n FROM \`${t}\``).join(" UNION ALL ");
    const [rows] = await pool.query<RowDataPacket[]>(`SELECT SUM(n) AS n FROM (${union}) AS c`);
    out[kind] = Number(rows[0]?.n ?? 0);
  }
  return out;
}

export interface GroupFamily {
  readonly family: string;
  readonly groups: number;
  readonly applied: number;
  /** Last commit of any group of the family, ms since the epoch. */
  readonly lastCommit: number;
}

/** Families: export:internal, station:wifi, station:blue, station:cell, cellarea, datamap, export:backup. */
export async function groupFamilies(pool: Pool): Promise<GroupFamily[]> {
  const [rows] = await pool.query<RowDataPacket[]>(
    "SELECT group_name, CAST(applied AS CHAR) AS applied, updated_at FROM stream_checkpoint");
  const families = new Map<string, { groups: Set<string>; applied: number; lastCommit: number }>();
  for (const r of rows) {
    const group = String(r.group_name);
    const family = group.startsWith("station:") ? group.split(":").slice(0, 2).join(":") : group;
    const f = families.get(family) ?? { groups: new Set<string>(), applied: 0, lastCommit: 0 };
    f.groups.add(group);
    f.applied += Number(r.applied);
    f.lastCommit = Math.max(f.lastCommit, (r.updated_at as Date).getTime());
    families.set(family, f);
  }
  return [...families].map(([family, f]) => ({ family, groups: f.groups.size, applied: f.applied, lastCommit: f.lastCommit }))
    .sort((a, b) => a.lastCommit - b.lastCommit);
}

/** Global handler counters (every client of the server counts: a cross-check only on a shared server). */
export async function handlerStatus(pool: Pool): Promise<Record<string, number>> {
  const [rows] = await pool.query<RowDataPacket[]>(
    "SHOW GLOBAL STATUS WHERE Variable_name IN ('Handler_write', 'Handler_update', 'Handler_commit')");
  return Object.fromEntries(rows.map((r) => [String(r.Variable_name), Number(r.Value)]));
}
