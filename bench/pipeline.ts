/**
 * `npm run bench:pipeline`: the event-sourced pipeline end to end, stream → committed MySQL rows,
 * beside the raw MySQL upsert ceiling, in one run.
 *   1. a synthetic city (bench/harness/world: 200,000 Wi-Fi APs, 5,000 cells, 2,000 beacons
 *      around Berlin) and N reports from devices on random walks, deterministic by seed;
 *   2. the reports are appended through the real `createReportSubmitter` to a fresh key prefix,
 *      with a fresh migrated scratch database;
 *   3. `node bin/ichnos.js drain` runs as a child process (every registered group: the splitter
 *      `export:internal`, 36 station projectors, `cellarea`, `datamap`, `export:backup`) with
 *      mysql2's tracing channel recording every statement (harness/sql-trace);
 *   4. observations/s = observations the splitter produced ÷ the drain's working window (first
 *      query → last COMMIT); station rows/s = rows in the station upserts ÷ the same window;
 *   5. the ceiling: the same upserts replayed by a bare loop into empty copies of the tables with
 *      as many connections as the pipeline had transactions open at most (ceiling.ts);
 *   6. the breakdown (unless --no-breakdown): the same reports on a second fresh prefix and
 *      database, drained in two steps: `export:internal` alone, then every other group.
 * Everything is removed at the end (keys under the prefixes, the scratch databases), also on an
 * error or Ctrl-C (harness/run.ts). Progress goes to stderr; the table (or `--json`) to stdout.
 */
import type { RowDataPacket } from "mysql2/promise";
import { loadConfig } from "../src/config.ts";
import type { Pool } from "../src/db/pool.ts";
import { MAC_SHARDS, STATION_RADIOS } from "../src/db/station-tables.ts";
import type { Report } from "../src/domain/report.ts";
import type { RedisClient } from "../src/redis/create-redis.ts";
import { createAppender } from "../src/stream/append.ts";
import { createKeys, type Keys } from "../src/stream/keys.ts";
import { createReportSubmitter } from "../src/submit/report-submitter.ts";
import { count as n } from "./harness/format.ts";
import { readMachineInfo } from "./harness/machine.ts";
import { writeReport } from "./harness/report.ts";
import { type BenchRun, runBench } from "./harness/run.ts";
import type { Scratch } from "./harness/scratch.ts";
import { inFlight } from "./harness/stats.ts";
import { generateCityReports, summarizeWorld } from "./harness/world/city-reports.ts";
import { createCity } from "./harness/world/presets.ts";
import { runCeiling } from "./pipeline-support/ceiling.ts";
import { type PipelineBenchOptions, readPipelineOptions } from "./pipeline-support/options.ts";
import { countObservations, countStations, groupFamilies, handlerStatus } from "./pipeline-support/outcome.ts";
import { formatTable, type PhaseResult, type PipelineBenchResults } from "./pipeline-support/report.ts";
import { type DrainPlan, type DrainRun, runDrain } from "./pipeline-support/run-drain.ts";

const TARGET_OBSERVATIONS_PER_SECOND = 12_000;
const TARGET_CEILING_RATIO = 0.5;
const DRAIN_TIMEOUT = "15m";


interface Target {
  readonly scratch: Scratch;
  readonly pool: Pool;
  readonly keys: Keys;
  readonly env: Readonly<Record<string, string>>;
  readonly probe: () => Promise<number>;
}

/** A fresh scratch database and prefix, and what a drain child against them needs. */
async function prepareTarget(run: BenchRun, options: PipelineBenchOptions): Promise<Target> {
  const scratch = await run.scratch();
  const pool = run.pool(scratch.databaseUrl, 4);
  await pool.query("UPDATE export_config SET batch = ? WHERE name = 'internal'", [options.exportBatch]);
  const env: Record<string, string> = {
    REDIS_URL: options.redisUrl, DATABASE_URL: scratch.databaseUrl, REDIS_PREFIX: scratch.prefix,
    STREAM_PARTITIONS: String(options.partitions), STATION_BATCH: String(options.stationBatch), LOG_LEVEL: "warn",
  };
  if (options.poolSize !== null) env.DATABASE_POOL_SIZE = String(options.poolSize);
  const probe = async () => {
    const [rows] = await pool.query<RowDataPacket[]>("SELECT COUNT(*) + COALESCE(SUM(applied), 0) AS p FROM stream_checkpoint");
    return Number(rows[0]?.p ?? 0);
  };
  return { scratch, pool, keys: createKeys(scratch.prefix, options.partitions), env, probe };
}

/** The real submit path minus HTTP: one `submit` per upload of 50, 8 uploads in flight. */
async function appendReports(redis: RedisClient, keys: Keys, uploads: readonly (readonly Report[])[]) {
  const submitter = createReportSubmitter(createAppender(redis, keys), keys);
  const started = performance.now();
  await inFlight(uploads.length, 8, async (i) => {
    const reports = uploads[i]!;
    await submitter.submit({ reports, apiKey: null, userAgent: "NeoStumbler/32", receivedMs: reports.at(-1)!.timestamp + 1_000 });
  });
  const ms = performance.now() - started;
  const lengths = await Promise.all(keys.reportStreams().map((s) => redis.xlen(s)));
  return { ms, entries: lengths.reduce((a, b) => a + Number(b), 0), perPartition: lengths.map(Number) };
}

function phase(run: DrainRun, observations: number): PhaseResult {
  return {
    wallMs: run.wallMs, windowMs: run.windowMs, cpu: run.cpu,
    observationsPerSecond: (observations * 1000) / run.windowMs,
    transactions: run.trace.transactions.committed,
  };
}

const options = readPipelineOptions();
runBench("pipeline", options, async (run) => {
  const { progress, redis } = run;
  const drain = async (target: Target, plan: Omit<DrainPlan, "env" | "progressProbe" | "processes" | "timeout">) =>
    runDrain(redis, await run.tempDir("drain"), {
      ...plan, env: target.env, progressProbe: target.probe, processes: options.processes, timeout: DRAIN_TIMEOUT,
    }, progress);

  const defaults = loadConfig({ REDIS_URL: options.redisUrl, DATABASE_URL: options.databaseUrl });
  progress(`synthetic city: ${n(options.wifi)} Wi-Fi APs, ${n(options.cells)} cells, ${n(options.beacons)} beacons (seed ${options.seed})`);
  const genStarted = performance.now();
  const city = createCity({ wifi: options.wifi, cells: options.cells, beacons: options.beacons, seed: options.seed });
  const generated = generateCityReports(city, options.reports, options.seed);
  const generateMs = performance.now() - genStarted;
  progress(`${n(generated.reports)} reports from ${generated.devices} devices in ${(generateMs / 1000).toFixed(1)} s: ` +
    `${generated.meanWifi.toFixed(1)} APs and ${generated.meanCells.toFixed(1)} cells per report, ${n(generated.withBeacon)} with a beacon, ` +
    `${n(generated.meanJsonBytes)} B JSON each; distinct: ${n(generated.distinct.wifi)} APs, ${n(generated.distinct.cells)} cells, ${n(generated.distinct.beacons)} beacons`);

  const main = await prepareTarget(run, options);
  const machine = await readMachineInfo(redis, main.pool);
  const append = await appendReports(redis, main.keys, generated.uploads);
  if (append.entries !== generated.reports) throw new Error(`the report streams hold ${append.entries} entries, not ${generated.reports}`);
  progress(`appended ${n(append.entries)} reports in ${(append.ms / 1000).toFixed(1)} s (${n((append.entries * 1000) / append.ms)}/s; ` +
    `per partition ${append.perPartition.map(n).join(" / ")})`);

  progress(`drain: node bin/ichnos.js drain --processes ${options.processes} (all groups; ${machine.cores} cores here)${options.profile ? " with --cpu-prof" : ""}`);
  if (options.processes > machine.cores) progress(`note: --processes ${options.processes} is more than the ${machine.cores} cores of this machine`);
  const handlersBefore = await handlerStatus(main.pool);
  const full = await drain(main, { label: "drain", groups: [], profile: options.profile, profileOut: options.profileOut });
  const handlersAfter = await handlerStatus(main.pool);
  const observations = await countObservations(redis, main.keys);
  const stations = await countStations(main.pool);
  const families = await groupFamilies(main.pool);
  const upserts = full.trace.upserts;
  const upsertRows = upserts.reduce((a, u) => a + u.keys.length, 0);
  const observationsPerSecond = (observations.total * 1000) / full.windowMs;
  const stationRowsPerSecond = (upsertRows * 1000) / full.windowMs;
  progress(`drained in ${(full.windowMs / 1000).toFixed(1)} s of work (${(full.wallMs / 1000).toFixed(1)} s wall): ` +
    `${n(observations.total)} observations → ${n(observationsPerSecond)}/s; ${n(upsertRows)} station rows upserted in ` +
    `${n(upserts.length)} statements → ${n(stationRowsPerSecond)}/s [cpu drain ${full.cpu.drain}% (${full.cpu.processes.map((p) => `${p.role.split(" ")[0]} ${p.share}%`).join(" + ")}), redis ${full.cpu.redis}%, mysqld ${full.cpu.mysql}%]`);

  const connections = Math.max(1, full.trace.transactions.maxOpen);
  progress(`ceiling: ${n(upsertRows)} rows in ${n(upserts.length)} upserts, ${connections} connections`);
  const ceiling = await runCeiling(main.pool, main.scratch.databaseUrl, upserts, connections);
  progress(`ceiling: ${n(ceiling.rowsPerSecond)} rows/s in ${(ceiling.ms / 1000).toFixed(1)} s`);

  let breakdown: PipelineBenchResults["breakdown"] = null;
  if (!options.noBreakdown) {
    const second = await prepareTarget(run, options);
    progress(`breakdown: the same reports into ${second.scratch.prefix} / ${second.scratch.databaseName}`);
    const again = await appendReports(redis, second.keys, generated.uploads);
    if (again.entries !== generated.reports) throw new Error(`breakdown: ${again.entries} entries appended`);
    const splitter = await drain(second, { label: "drain:splitter", groups: ["export:internal"], profile: false });
    const splitObs = await countObservations(redis, second.keys);
    progress(`breakdown: export:internal alone ${(splitter.windowMs / 1000).toFixed(1)} s → ${n((splitObs.total * 1000) / splitter.windowMs)} observations/s`);
    const rest = [
      ...MAC_SHARDS.map((h) => `station:wifi:${h}`), ...MAC_SHARDS.map((h) => `station:blue:${h}`),
      ...STATION_RADIOS.map((r) => `station:cell:${r}`), "cellarea", "datamap", "export:backup",
    ];
    const projectors = await drain(second, { label: "drain:projectors", groups: rest, profile: false });
    progress(`breakdown: every other group ${(projectors.windowMs / 1000).toFixed(1)} s → ${n((splitObs.total * 1000) / projectors.windowMs)} observations/s`);
    breakdown = {
      splitter: phase(splitter, splitObs.total),
      projectors: { ...phase(projectors, splitObs.total), classes: projectors.trace.classes },
      observations: splitObs.total,
    };
  }

  const ratio = stationRowsPerSecond / ceiling.rowsPerSecond;
  const results: PipelineBenchResults = {
    machine,
    settings: {
      reports: options.reports, partitions: options.partitions, processes: options.processes, stationBatch: options.stationBatch,
      exportBatch: options.exportBatch, poolSize: options.poolSize ?? defaults.databasePoolSize,
      consumerBatch: defaults.consumerBatch, seed: options.seed,
    },
    city: summarizeWorld(city),
    generated: { ...generated, uploads: generated.uploads.length, generateMs },
    append: { ms: append.ms, entries: append.entries, perPartition: append.perPartition },
    drain: {
      ...phase(full, observations.total),
      maxOpen: full.trace.transactions.maxOpen, meanOpen: full.trace.transactions.meanOpen,
      classes: full.trace.classes, families: families.map((f) => ({ ...f, atMs: f.lastCommit - full.trace.firstQuery!.wall })),
      handlers: Object.fromEntries(Object.keys(handlersAfter).map((k) => [k, (handlersAfter[k] ?? 0) - (handlersBefore[k] ?? 0)])),
    },
    observations,
    stations: {
      rows: stations, upsertRows, statements: upserts.length,
      affected: upserts.reduce((a, u) => a + u.affected, 0),
      meanRowsPerStatement: upsertRows / Math.max(1, upserts.length),
      upsertMs: upserts.reduce((a, u) => a + u.ms, 0),
    },
    rates: { observationsPerSecond, stationRowsPerSecond },
    ceiling,
    ratio,
    targets: {
      minObservationsPerSecond: TARGET_OBSERVATIONS_PER_SECOND, minRatio: TARGET_CEILING_RATIO,
      passObservations: observationsPerSecond >= TARGET_OBSERVATIONS_PER_SECOND, passRatio: ratio >= TARGET_CEILING_RATIO,
    },
    breakdown,
    profile: full.profile,
    workerProfiles: full.workerProfiles,
  };
  writeReport(options.json, results, formatTable);
});
