/**
 * The database ceiling: the same keys the locate path reads for each pool query, looked up by
 * nothing but bare mysql2 `pool.query` calls from this process — no HTTP, no JSON, no parsing,
 * no scoring, no Redis. Each query's statements are the ones src/db/locate-stations.ts sends: one
 * per station type, a `UNION ALL` of `SELECT <columns> FROM <shard> WHERE <key> IN (…)` over the
 * shard tables its keys live in (Wi-Fi: the MAC's shard; cells: the radio's table, plus the areas
 * in parallel, as the locate path reads them), built up front by the locate path's own builders. `concurrency` workers take the pool's queries in order, each awaiting its query's
 * statements together, over a pool of `poolSize` connections (the web process's
 * DATABASE_POOL_SIZE). IP-only queries have no keys: they count as requests that cost nothing, so
 * the rate is for the same mix as the HTTP runs.
 */
import { areaLocateSql, cellLocateSql, macLocateSql } from "../../src/db/locate-stations.ts";
import { createPool } from "../../src/db/pool.ts";
import type { RedisClient } from "../../src/redis/create-redis.ts";
import { type CpuShare, cpuShare, sampleCpu } from "../harness/cpu.ts";
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

/** The statements the locate path sends for this query, in the order it sends them. */
export function ceilingStatements(q: PoolQuery): string[] {
  return [macLocateSql("wifi", q.wifiKeys), cellLocateSql(q.cellKeys), areaLocateSql(q.areaKeys)]
    .filter((sql): sql is string => sql !== null);
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
    const before = await sampleCpu(redis);
    const started = performance.now();
    const deadline = started + (options.durationS ?? 3600) * 1000;
    const limit = options.amount ?? Number.POSITIVE_INFINITY;
    const worker = async () => {
      while (next < limit && performance.now() < deadline) {
        const list = prepared[next++ % prepared.length]!;
        if (list.length > 0) {
          const t = performance.now();
          const results = await Promise.all(list.map((s) => pool.query(s)));
          latencies.push(performance.now() - t);
          statements += list.length;
          for (const [r] of results) rows += (r as unknown[]).length;
        }
        done += 1;
      }
    };
    await Promise.all(Array.from({ length: options.concurrency }, worker));
    const ms = performance.now() - started;
    const cpu = cpuShare(before, await sampleCpu(redis));
    return {
      concurrency: options.concurrency, poolSize: options.poolSize, requests: done, statements, rows, ms,
      rate: (done * 1000) / ms, latency: latencyOf(latencies), cpu,
    };
  } finally {
    await pool.end();
  }
}
