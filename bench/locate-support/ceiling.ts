/**
 * The database ceiling: the same keys the locate path reads for each pool query, looked up by
 * nothing but bare mysql2 `pool.query` calls from this process — no HTTP, no JSON, no parsing,
 * no scoring, no Redis. Each query's statements are the ones src/db/locate-stations.ts sends: one
 * per station type, a `UNION ALL` of `SELECT <columns> FROM <shard> WHERE <key> IN (…) AND lat IS
 * NOT NULL AND lon IS NOT NULL` over the shard tables its keys live in (Wi-Fi: the MAC's shard;
 * cells: the radio's table, plus the areas in parallel, as the locate path reads them), built up
 * front. `concurrency` workers take the pool's queries in order, each awaiting its query's
 * statements together, over a pool of `poolSize` connections (the web process's
 * DATABASE_POOL_SIZE). IP-only queries have no keys: they count as requests that cost nothing, so
 * the rate is for the same mix as the HTTP runs.
 */
import { columnsOf } from "../../src/db/stations.ts";
import { createPool } from "../../src/db/pool.ts";
import { areaTable, stationTable } from "../../src/db/station-tables.ts";
import { macShard, macToBytes } from "../../src/domain/observation/mac.ts";
import type { RedisClient } from "../../src/redis/create-redis.ts";
import { type CpuShare, cpuShare, sampleCpu } from "./cpu.ts";
import { type Latency, latencyOf } from "./load.ts";
import type { PoolQuery } from "./queries.ts";

export interface CeilingRun {
  readonly concurrency: number;
  readonly poolSize: number;
  readonly requests: number;
  readonly statements: number;
  readonly rows: number;
  readonly ms: number;
  readonly rate: number;
  /** Per query with keys (IP-only ones excluded). */
  readonly latency: Latency;
  readonly cpu: CpuShare;
}

interface Statement {
  readonly sql: string;
  readonly params: Buffer[][];
}

const AREA_COLUMNS = "areaid, radio, mcc, mnc, lac, lat, lon, radius, region, avg_cell_radius, num_cells, created, modified, last_seen";

function union(columns: string, key: string, perTable: Map<string, Buffer[]>): Statement | null {
  if (perTable.size === 0) return null;
  const parts: string[] = [];
  const params: Buffer[][] = [];
  for (const [table, ids] of perTable) {
    parts.push(`SELECT ${columns} FROM \`${table}\` WHERE ${key} IN (?) AND lat IS NOT NULL AND lon IS NOT NULL`);
    params.push(ids);
  }
  return { sql: parts.join(" UNION ALL "), params };
}

const add = (m: Map<string, Buffer[]>, table: string, id: Buffer) => {
  const list = m.get(table);
  if (list) list.push(id);
  else m.set(table, [id]);
};

export function ceilingStatements(q: PoolQuery): Statement[] {
  const wifi = new Map<string, Buffer[]>();
  for (const mac of new Set(q.wifiKeys)) add(wifi, stationTable("wifi", macShard(mac)), macToBytes(mac));
  const cells = new Map<string, Buffer[]>();
  for (const c of q.cellKeys) add(cells, stationTable("cell", c.radio), c.id);
  const areas = new Map<string, Buffer[]>();
  for (const a of q.areaKeys) add(areas, areaTable(a.radio), a.id);
  return [
    union(columnsOf("wifi").join(", "), "mac", wifi),
    union(columnsOf("cell").join(", "), "cellid", cells),
    union(AREA_COLUMNS, "areaid", areas),
  ].filter((s): s is Statement => s !== null);
}

export async function runCeiling(
  databaseUrl: string, queries: readonly PoolQuery[], redis: RedisClient,
  options: { concurrency: number; poolSize: number; durationS?: number; amount?: number },
): Promise<CeilingRun> {
  const prepared = queries.map(ceilingStatements);
  const pool = createPool(databaseUrl, options.poolSize);
  try {
    // Open the connections before the clock starts, as the web process has them open.
    const conns = await Promise.all(Array.from({ length: options.poolSize }, () => pool.getConnection()));
    for (const c of conns) c.release();
    let next = 0;
    let done = 0;
    let statements = 0;
    let rows = 0;
    const latencies: number[] = [];
    const before = await sampleCpu(redis, 0);
    const started = performance.now();
    const deadline = started + (options.durationS ?? 3600) * 1000;
    const limit = options.amount ?? Number.POSITIVE_INFINITY;
    const worker = async () => {
      while (next < limit && performance.now() < deadline) {
        const list = prepared[next++ % prepared.length]!;
        if (list.length > 0) {
          const t = performance.now();
          const results = await Promise.all(list.map((s) => pool.query(s.sql, s.params)));
          latencies.push(performance.now() - t);
          statements += list.length;
          for (const [r] of results) rows += (r as unknown[]).length;
        }
        done += 1;
      }
    };
    await Promise.all(Array.from({ length: options.concurrency }, worker));
    const ms = performance.now() - started;
    const cpu = cpuShare(before, await sampleCpu(redis, 0));
    return {
      concurrency: options.concurrency, poolSize: options.poolSize, requests: done, statements, rows, ms,
      rate: (done * 1000) / ms, latency: latencyOf(latencies), cpu,
    };
  } finally {
    await pool.end();
  }
}
