/**
 * Locate with and without a read replica: a private MariaDB primary and a real replica of it
 * (test/support/mariadb-replica.ts: binlog, CHANGE MASTER TO), the synthetic city's stations
 * loaded into the primary and replicated, then one `ichnos web` child reading from the primary
 * alone and one with DATABASE_READ_URL on the replica, each under the same locate load
 * (bench:locate's query mix). On one box the replica adds no cores; what the run shows is where
 * the reads go (primary CPU against replica CPU) and what a query costs either way.
 */
import type { RowDataPacket } from "mysql2/promise";
import { applyMigrations } from "../../src/db/migrate.ts";
import { createPool } from "../../src/db/pool.ts";
import { createGeoIp } from "../../src/geoip/geoip-reader.ts";
import { createLogger } from "../../src/logger.ts";
import { startReplicatedMariaDb } from "../../test/support/mariadb-replica.ts";
import { startServer } from "../harness/children.ts";
import type { BenchRun } from "../harness/run.ts";
import { loadStations } from "../harness/world/load-stations.ts";
import type { World } from "../harness/world/stations.ts";
import { runLoad } from "../locate-support/load.ts";
import { buildQueryPool, publicIps } from "../locate-support/queries.ts";
import { type CpuShares, mysqlPids, startCpuWindow } from "./cpu-meter.ts";

const WEB_CHILD = new URL("../harness/web-child.ts", import.meta.url);
const KEY = "bench-scale-locate";
const DATABASE = "ichnos_scale_locate";

export interface LocatePlan {
  readonly world: World;
  readonly queries: number;
  readonly connections: number;
  readonly warmupS: number;
  readonly durationS: number;
  readonly seed: number;
}

export interface LocateResults {
  readonly runs: readonly LocateRun[];
  /** Bytes a Wi-Fi station row takes in InnoDB, data and indexes (information_schema, after ANALYZE). */
  readonly wifiRowBytes: number;
}

export interface LocateRun {
  readonly reads: "primary" | "replica";
  readonly rate: number;
  readonly p99Ms: number;
  readonly hitShare: number;
  readonly statusCodes: Record<string, number>;
  readonly cpu: CpuShares;
  /** CPU ms per answered query: the web process, the primary, the replica. */
  readonly cpuMsPerQuery: { readonly web: number; readonly primary: number; readonly replica: number };
}

export async function runLocate(run: BenchRun, plan: LocatePlan): Promise<LocateResults> {
  const { progress } = run;
  // Errors only: the bundled GeoIP database's age warning says nothing about this bench.
  const quiet = createLogger("error", process.stderr);
  progress("locate: starting a private MariaDB primary and a replica of it");
  const db = await startReplicatedMariaDb();
  run.defer(() => db.close());
  await db.waitReplicating();
  await db.query(db.primary, `CREATE DATABASE ${DATABASE}`);
  const primaryUrl = db.primary.databaseUrl(DATABASE);
  const replicaUrl = db.replica.databaseUrl(DATABASE);
  await applyMigrations({ databaseUrl: primaryUrl, log: quiet });
  const pool = createPool(primaryUrl, 2);
  let wifiRowBytes = 0;
  try {
    await pool.query(
      `INSERT INTO api_key (valid_key, maxreq, allow_locate, allow_region, allow_fallback, store_sample_locate, store_sample_submit)
       VALUES (?, 0, 1, 1, 0, 0, 100)`, [KEY]);
    const loaded = await loadStations(primaryUrl, plan.world, { connections: 4, batch: 1000, now: Date.now() }, progress);
    await db.waitCaughtUp(300_000);
    progress(`locate: ${Object.values(loaded.rows).reduce((a, b) => a + b, 0)} station rows loaded into the primary and replicated`);
    const [tables] = await pool.query<RowDataPacket[]>(
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name LIKE 'wifi\\_shard\\_%'");
    await pool.query(`ANALYZE TABLE ${tables.map((t) => `\`${t.name}\``).join(", ")}`);
    const [size] = await pool.query<RowDataPacket[]>(
      "SELECT SUM(data_length + index_length) AS bytes FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name LIKE 'wifi\\_shard\\_%'");
    wifiRowBytes = Number(size[0]?.bytes ?? 0) / (loaded.rows.wifi ?? 1);
  } finally {
    await pool.end();
  }

  const geoip = await createGeoIp({ log: quiet });
  const { ips } = publicIps(geoip, 2000, plan.seed);
  const queries = buildQueryPool(plan.world, plan.queries, ips, plan.seed).queries;
  const scratch = await run.scratch({ migrate: false });
  const results: LocateRun[] = [];
  for (const reads of ["primary", "replica"] as const) {
    const env: Record<string, string> = {
      REDIS_URL: process.env.REDIS_URL || "redis://127.0.0.1:6379", REDIS_PREFIX: scratch.prefix, DATABASE_URL: primaryUrl,
      HOST: "127.0.0.1", PORT: "0", LOG_LEVEL: "warn", ACCESS_LOG: "off", TRUST_PROXY: "true",
      ...(reads === "replica" ? { DATABASE_READ_URL: replicaUrl } : {}),
    };
    const web = await startServer(WEB_CHILD, { label: `web (reads: ${reads})`, env, onUnexpectedExit: run.abort });
    try {
      const target = { url: web.url, serverPid: web.pid, redis: run.redis, path: `/v1/geolocate?key=${KEY}`, queries };
      await runLoad(target, { connections: plan.connections, durationS: plan.warmupS });
      // The warm-up's abandoned requests finish before the window opens.
      await new Promise((r) => setTimeout(r, 1000));
      const cpu = await startCpuWindow({
        pids: () => ({ web: [web.pid], mysql: mysqlPids([db.primary.port]), replica: mysqlPids([db.replica.port]) }), redisNodes: [],
      });
      const load = await runLoad(target, { connections: plan.connections, durationS: plan.durationS });
      const { shares, spentMs } = await cpu.end();
      const hits = Object.values(load.byKind).reduce((n, k) => n + k.hits, 0);
      const per = (ms: number) => ms / load.responses;
      results.push({
        reads, rate: load.rate, p99Ms: load.latency.p99, hitShare: hits / load.responses, statusCodes: load.statusCodes, cpu: shares,
        cpuMsPerQuery: { web: per(spentMs.web), primary: per(spentMs.mysql), replica: per(spentMs.replica) },
      });
      progress(`locate, reads from ${reads}: ${Math.round(load.rate)} queries/s, p99 ${load.latency.p99.toFixed(1)} ms, ` +
        `cpu web ${shares.web}% primary ${shares.mysql}% replica ${shares.replica}%`);
    } finally {
      await web.stop();
    }
  }
  geoip.close();
  return { runs: results, wifiRowBytes };
}
