/**
 * `npm run bench:locate`: `/v1/geolocate` throughput and latency with a realistic station
 * database, beside the bare mysql2 lookup ceiling of the same keys, in one run.
 *   1. a synthetic world (harness/world: 1,000,000 Wi-Fi APs, 100,000 cells, 50,000 beacons
 *      around Berlin, deterministic by seed) written into a fresh migrated scratch database with
 *      multi-row INSERTs (harness/world/load-stations.ts), plus the cell areas;
 *   2. a pool of valid locate bodies (queries.ts): 70% Wi-Fi with 5–15 APs of one neighbourhood,
 *      20% cell-only, 10% IP-only, each sent with an X-Forwarded-For of a public IPv4 that the
 *      bundled GeoLite2 database resolves;
 *   3. the web process in a child (harness/web-child.ts with the SQL trace loaded first,
 *      harness/sql-trace, naming statements by the station type they read), TRUST_PROXY=true, an
 *      API key with maxreq 0 (unlimited) and store_sample_locate 0, so the rounds measure the
 *      query, not query-report appends;
 *   4. a sequential check pass (per-request statement counts, hit rates), a warm-up, a connection
 *      sweep, then measured autocannon rounds at the sweep's best connection count, each followed
 *      by a ceiling round (ceiling.ts) and, unless --no-sample, a round with a second key whose
 *      store_sample_locate is 100 (every answer with networks not seen today becomes a report);
 *   5. when a target fails (or --profile), a run against a second web child with --cpu-prof.
 * Everything runs under a unique Redis key prefix and in a scratch database, both removed at the
 * end, also on an error or Ctrl-C (harness/run.ts). Progress goes to stderr; the table (or
 * `--json`) to stdout.
 */
import type { RowDataPacket } from "mysql2/promise";
import { loadConfig } from "../src/config.ts";
import type { Pool } from "../src/db/pool.ts";
import { createGeoIp } from "../src/geoip/geoip-reader.ts";
import { createLogger } from "../src/logger.ts";
import { createKeys } from "../src/stream/keys.ts";
import { startServer } from "./harness/children.ts";
import { monotonicMicros } from "./harness/cpu-profile.ts";
import { count as n } from "./harness/format.ts";
import { readMachineInfo } from "./harness/machine.ts";
import { clearReportStreams, settledStoredReports } from "./harness/report-streams.ts";
import { writeReport } from "./harness/report.ts";
import { runBench } from "./harness/run.ts";
import { startProfiledServer, stopAndSummarize } from "./harness/server-profile.ts";
import { SQL_TRACE_HOOK, sqlTraceEnv } from "./harness/sql-trace/attach.ts";
import type { ProcessTrace } from "./harness/sql-trace/format.ts";
import { diffTrace, maxPerRequest, snapshot } from "./harness/sql-trace/snapshot.ts";
import { spread } from "./harness/stats.ts";
import { regionLayout } from "./harness/world/layouts.ts";
import { loadStations } from "./harness/world/load-stations.ts";
import { createWorld } from "./harness/world/stations.ts";
import { serverChildEnv } from "./harness/scratch.ts";
import { runCeiling, type CeilingRun } from "./locate-support/ceiling.ts";
import { isHit, type LoadRun, type LoadTarget, runLoad } from "./locate-support/load.ts";
import { readLocateOptions } from "./locate-support/options.ts";
import { buildQueryPool, publicIps, QUERY_KINDS, type QueryKind } from "./locate-support/queries.ts";
import {
  formatTable, kindLine, type LocateBenchResults, type MeasuredRound, perRequest, runLine, TARGET_P99_MS, TARGET_RATE,
} from "./locate-support/report.ts";

const KEY = "bench-locate-key";
const SAMPLE_KEY = "bench-locate-sample";
const STATION_FAMILIES = ["wifi", "blue", "cell", "area"];
const WEB_CHILD = new URL("./harness/web-child.ts", import.meta.url);

async function tableSizes(pool: Pool, database: string): Promise<{ tableBytes: Record<string, number>; bufferPoolBytes: number }> {
  const [rows] = await pool.query<RowDataPacket[]>(
    `SELECT CASE WHEN table_name LIKE 'wifi\\_shard\\_%' THEN 'wifi' WHEN table_name LIKE 'blue\\_shard\\_%' THEN 'blue'
            WHEN table_name LIKE 'cell\\_area%' THEN 'cell_area' WHEN table_name LIKE 'cell\\_%' THEN 'cell' ELSE 'other' END AS family,
            SUM(data_length + index_length) AS bytes
       FROM information_schema.tables WHERE table_schema = ? GROUP BY family`, [database]);
  const [bp] = await pool.query<RowDataPacket[]>("SELECT @@innodb_buffer_pool_size AS b");
  const tableBytes = Object.fromEntries(rows.filter((r) => r.family !== "other").map((r) => [String(r.family), Number(r.bytes)]));
  return { tableBytes, bufferPoolBytes: Number(bp[0]?.b ?? 0) };
}

const options = readLocateOptions();
runBench("locate", options, async (bench) => {
  const { progress, redis } = bench;
  const quiet = createLogger("warn", process.stderr);
  const t0 = performance.now();
  const scratch = await bench.scratch();
  const pool = bench.pool(scratch.databaseUrl, 2);
  await pool.query(
    `INSERT INTO api_key (valid_key, maxreq, allow_locate, allow_region, allow_fallback, store_sample_locate, store_sample_submit)
     VALUES (?, 0, 1, 1, 0, 0, 100), (?, 0, 1, 1, 0, 100, 100)`, [KEY, SAMPLE_KEY]);
  const machine = await readMachineInfo(redis, pool);

  const world = createWorld({ wifi: options.wifi, cells: options.cells, beacons: options.beacons, seed: options.seed, layout: regionLayout(options) });
  const geoip = await createGeoIp({ log: quiet });
  if (!geoip.available) throw new Error("no GeoIP database: IP-only queries need the bundled GeoLite2 City database");
  const { ips, tries } = publicIps(geoip, 2000, options.seed);
  const queryPool = buildQueryPool(world, options.queries, ips, options.seed);
  progress(`world: ${n(options.wifi)} Wi-Fi (disc ${n(world.wifi.discRadius)} m), ${n(options.cells)} cells (disc ${n(world.cells.discRadius)} m), ` +
    `${n(options.beacons)} beacons; ${n(queryPool.queries.length)} queries; ${n(ips.length)} IPs from ${n(tries)} random addresses ` +
    `(${((performance.now() - t0) / 1000).toFixed(1)} s since start)`);

  progress(`loading stations (${options.insertConnections} connections, ${options.insertBatch} rows per INSERT)`);
  const loaded = await loadStations(scratch.databaseUrl, world, {
    connections: options.insertConnections, batch: options.insertBatch, now: Date.now(),
  }, progress);
  const total = Object.values(loaded.rows).reduce((a, b) => a + b, 0);
  progress(`loaded ${n(total)} rows (${Object.entries(loaded.rows).map(([t, c]) => `${t} ${n(c)}`).join(", ")}) in ` +
    `${(loaded.ms / 1000).toFixed(1)} s, ${n((total * 1000) / loaded.ms)} rows/s`);
  const sizes = await tableSizes(pool, scratch.databaseName);

  const traceDir = await bench.tempDir("trace");
  const childEnv = { ...serverChildEnv(options.redisUrl, scratch), TRUST_PROXY: "true" };
  const config = loadConfig({ ...process.env, ...childEnv });
  const keys = createKeys(scratch.prefix, config.streamPartitions);
  const web = await startServer(WEB_CHILD, {
    label: "web", env: { ...childEnv, ...sqlTraceEnv(traceDir, "tables") }, imports: [SQL_TRACE_HOOK], onUnexpectedExit: bench.abort,
  });
  progress(`web process ${web.url} (pid ${web.pid}), DATABASE_POOL_SIZE ${config.databasePoolSize}`);
  let last: ProcessTrace = await snapshot(traceDir, web.pid, 0);
  const traced = async <T>(fn: () => Promise<T>) => {
    // The previous run's abandoned requests (autocannon stops with some in flight; the server
    // still answers them) must finish before the window opens, or they count as this run's.
    await new Promise((r) => setTimeout(r, 1000));
    const before = await snapshot(traceDir, web.pid, last.seq);
    const value = await fn();
    last = await snapshot(traceDir, web.pid, before.seq);
    return { value, trace: diffTrace(before, last) };
  };

  // Sequential check: one request at a time, so every statement belongs to a known request.
  const path = `/v1/geolocate?key=${KEY}`;
  const checkCounts = Object.fromEntries(QUERY_KINDS.map((k) => [k, { requests: 0, ok200: 0, hits: 0 }])) as
    Record<QueryKind, { requests: number; ok200: number; hits: number }>;
  const check = await traced(async () => {
    for (const q of queryPool.queries.slice(0, options.checkRequests)) {
      const res = await fetch(`${web.url}${path}`, {
        method: "POST", body: q.body, headers: { "content-type": "application/json", "x-forwarded-for": q.ip },
      });
      const text = await res.text();
      const c = checkCounts[q.kind];
      c.requests += 1;
      if (res.status === 200) c.ok200 += 1;
      else if (res.status !== 404) throw new Error(`the web process answered ${res.status} ${text.slice(0, 300)}`);
      if (isHit(q, res.status, text)) c.hits += 1;
    }
  });
  const maxPer = Object.fromEntries(Object.keys(check.trace.statements).map((f) => [f, maxPerRequest(check.trace, f)]));
  progress(`check: ${QUERY_KINDS.map((k) => kindLine(k, checkCounts[k])).join("; ")}`);
  progress(`check: ${check.trace.attributed} of ${check.trace.requests} requests attributed; most statements per request: ` +
    `${Object.entries(maxPer).map(([f, c]) => `${f} ${c}`).join(", ")}`);
  if (checkCounts.wifi.hits < 0.8 * checkCounts.wifi.requests) throw new Error("fewer than 80% of the Wi-Fi queries were answered from Wi-Fi: the data or the queries are wrong");

  const target: LoadTarget = { url: web.url, path, queries: queryPool.queries, serverPid: web.pid, redis };
  const top = Math.max(...options.connections);
  progress(`warm-up: ${options.warmup} s at ${top} connections`);
  progress(`  ${runLine(await runLoad(target, { connections: top, durationS: options.warmup }))}`);
  const sweep: LoadRun[] = [];
  for (const connections of options.connections) {
    const run = await runLoad(target, { connections, durationS: options.sweepDuration });
    progress(`sweep ${connections} connections: ${runLine(run)}`);
    sweep.push(run);
  }
  const within = sweep.filter((r) => r.latency.p99 <= TARGET_P99_MS);
  const best = within.length
    ? within.reduce((a, b) => (b.rate > a.rate ? b : a))
    : sweep.reduce((a, b) => (b.latency.p99 < a.latency.p99 ? b : a));
  const connections = best.connections;
  const amount = Math.max(connections * 20, Math.round(best.rate * options.duration));
  progress(`measuring at ${connections} connections (${within.length ? `the sweep's best with p99 ≤ ${TARGET_P99_MS} ms` : "no count met the p99 target: the lowest p99"}), ${n(amount)} requests per round`);

  const rounds: MeasuredRound[] = [];
  const ceiling: CeilingRun[] = [];
  const sampled: (MeasuredRound & { storedReports: number })[] = [];
  const sampleTarget: LoadTarget = { ...target, path: `/v1/geolocate?key=${SAMPLE_KEY}` };
  for (let round = 1; round <= options.rounds; round++) {
    const { value: run, trace } = await traced(() => runLoad(target, { connections, amount }));
    rounds.push({ run, trace });
    progress(`round ${round}: ${runLine(run)}`);
    progress(`round ${round}: ${QUERY_KINDS.map((k) => kindLine(k, run.byKind[k])).join("; ")}; statements/request ` +
      `${Object.entries(perRequest(trace)).map(([f, c]) => `${f} ${c.toFixed(3)}`).join(", ")}`);
    const c = await runCeiling(scratch.databaseUrl, queryPool.queries, redis, {
      concurrency: connections, poolSize: config.databasePoolSize, durationS: options.duration,
    });
    ceiling.push(c);
    progress(`round ${round}: ceiling ${n(c.rate)} req/s, lookup p50 ${c.latency.p50.toFixed(2)} p99 ${c.latency.p99.toFixed(2)} ms, ` +
      `${n((c.statements * 1000) / c.ms)} statements/s [cpu loader ${c.cpu.loader}%, mariadb ${c.cpu.mysql}%]`);
    if (!options.noSample) {
      await clearReportStreams(redis, keys);
      const s = await traced(() => runLoad(sampleTarget, { connections, amount }));
      const stored = await settledStoredReports(redis, keys);
      await clearReportStreams(redis, keys);
      sampled.push({ run: s.value, trace: s.trace, storedReports: stored });
      progress(`round ${round}: sampled ${runLine(s.value)}; ${n(stored)} query reports`);
    }
  }

  const rate = spread(rounds.map((r) => r.run.rate));
  const p99 = spread(rounds.map((r) => r.run.latency.p99)).median;
  const statementsPerRequest = perRequest(rounds.at(-1)!.trace);
  // Under load only totals are known. A run's window can hold statements of requests it never
  // counted: its own left in flight at its end (autocannon abandons them; the server still
  // answers) — at most one per connection. (Each window opens after the previous run settled.)
  const excess = rounds.map((r) => ({
    wifi: (r.trace.statements.wifi?.count ?? 0) - r.run.byKind.wifi.requests,
    cell: (r.trace.statements.cell?.count ?? 0) - r.run.byKind.cell.requests,
    area: (r.trace.statements.area?.count ?? 0) - r.run.byKind.cell.requests,
  }));
  const passRoundTrips = STATION_FAMILIES.every((f) => (maxPer[f] ?? 0) <= 1)
    && check.trace.attributed === check.trace.requests
    && excess.every((e) => e.wifi <= connections && e.cell <= connections && e.area <= connections);
  progress(`round trips: statements beyond the answered queries per round ${JSON.stringify(excess)}; check pass max ${JSON.stringify(maxPer)}`);
  const summary = {
    rate, p50: spread(rounds.map((r) => r.run.latency.p50)).median, p95: spread(rounds.map((r) => r.run.latency.p95)).median, p99,
    ceilingRate: spread(ceiling.map((c) => c.rate)), statementsPerRequest,
    passRate: rate.median >= TARGET_RATE, passP99: p99 <= TARGET_P99_MS, passRoundTrips,
  };

  let profile: LocateBenchResults["profile"] = null;
  const failed = !summary.passRate || !summary.passP99 || !summary.passRoundTrips;
  if (options.profile === "always" || (options.profile === "auto" && failed)) {
    const profiled = await startProfiledServer("locate", WEB_CHILD, { label: "web-prof", env: childEnv });
    progress(`profile: a web child with --cpu-prof (into ${profiled.dir}), ${options.duration} s at ${connections} connections`);
    const profTarget = { ...target, url: profiled.server.url, serverPid: profiled.server.pid };
    await runLoad(profTarget, { connections, durationS: 3 });
    const start = monotonicMicros();
    const run = await runLoad(profTarget, { connections, durationS: options.duration });
    const end = monotonicMicros();
    progress(`profile: ${runLine(run)}`);
    profile = { ...(await stopAndSummarize(profiled, [start, end], 20)), rate: run.rate, cpu: run.cpu, p99: run.latency.p99 };
  }

  const results: LocateBenchResults = {
    machine,
    settings: {
      wifi: options.wifi, cells: options.cells, beacons: options.beacons, seed: options.seed, queries: options.queries,
      durationSeconds: options.duration, rounds: options.rounds, sweepSeconds: options.sweepDuration, warmupSeconds: options.warmup,
      connectionsTried: options.connections.join(","), databasePoolSize: config.databasePoolSize, trustProxy: true,
      totalSeconds: Math.round((performance.now() - t0) / 1000),
    },
    data: { rows: loaded.rows, loadSeconds: loaded.ms / 1000, loadRowsPerSecond: (total * 1000) / loaded.ms, ...sizes },
    pool: {
      size: queryPool.queries.length, counts: queryPool.counts, meanWifiAps: queryPool.meanWifiAps, meanUnknownAps: queryPool.meanUnknownAps,
      meanCells: queryPool.meanCells, meanJsonBytes: queryPool.meanJsonBytes, ips: ips.length,
    },
    check: { requests: options.checkRequests, byKind: checkCounts, trace: check.trace, maxPerRequest: maxPer },
    sweep, connections, rounds, ceiling, sampled, summary, profile,
  };
  writeReport(options.json, results, formatTable);
  if (failed) process.exitCode = 2;
});
