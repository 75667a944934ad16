/**
 * `npm run bench:tiles`: what a coverage-map tile (`GET /map/data/{z}/{x}/{y}.json`) costs to
 * serve, beside a static file server's rate for the same bytes, in one run.
 *   1. a synthetic datamap (tiles-support/datamap-world.ts: six cities' street lattices in all
 *      four shards plus rural tracks, 300,000 cells by default, deterministic by seed) written
 *      with the projection's own multi-row writer (seed-datamap.ts);
 *   2. the web process in a child (harness/web-child.ts, the `ichnos web` composition) and the
 *      zoom sweep (sweep.ts): for zooms 0–13 the whole world where it has at most --per-zoom
 *      tiles, above that a seeded sample of the tiles holding seeded cells;
 *   3. cold: a fresh web child (nothing in its memory), the tile cache keys deleted, then every
 *      sweep URL asked once, at --connections, then again with another fresh child one at a time
 *      (each tile computed from MySQL: the per-zoom cost); every tile then fetched once more from
 *      that child and written to a directory;
 *   4. warm (every tile in Redis, and for a minute after each read in the web process's memory:
 *      the steady state of a map in use) and static (tiles-support/static-child.ts: node:http serving
 *      those very bytes from memory with the same content-type and cache-control, in a child of
 *      its own), timed autocannon rounds over the sweep's URLs, cycled, alternated in pairs so
 *      drift on a shared box falls on both;
 *   5. when warm is under PROFILE_BELOW of static (or --profile), a warm run against a second
 *      web child with --cpu-prof.
 * Everything runs under a unique Redis key prefix and in a scratch database, both removed at the
 * end, also on an error or Ctrl-C (harness/run.ts). Progress goes to stderr; the table (or
 * `--json`) to stdout.
 */
import type { RowDataPacket } from "mysql2/promise";
import type { Pool } from "../src/db/pool.ts";
import { type ServerChild, startServer } from "./harness/children.ts";
import { monotonicMicros } from "./harness/cpu-profile.ts";
import { count as n, seconds } from "./harness/format.ts";
import { readMachineInfo } from "./harness/machine.ts";
import { writeReport } from "./harness/report.ts";
import { runBench } from "./harness/run.ts";
import { startProfiledServer, stopAndSummarize } from "./harness/server-profile.ts";
import { spread } from "./harness/stats.ts";
import { serverChildEnv } from "./harness/scratch.ts";
import { createDatamapWorld } from "./tiles-support/datamap-world.ts";
import { readTilesOptions } from "./tiles-support/options.ts";
import { formatTable, PROFILE_BELOW, type Round, runLine, type TilesBenchResults, zoomBodies } from "./tiles-support/report.ts";
import { seedDatamap } from "./tiles-support/seed-datamap.ts";
import { buildSweep } from "./tiles-support/sweep.ts";
import { fetchTileBodies } from "./tiles-support/tile-bodies.ts";
import { clearTileCache, countCachedTiles } from "./tiles-support/tile-cache.ts";
import { runTileLoad, type TileTarget } from "./tiles-support/tile-load.ts";

const WEB_CHILD = new URL("./harness/web-child.ts", import.meta.url);
const STATIC_CHILD = new URL("./tiles-support/static-child.ts", import.meta.url);

async function datamapBytes(pool: Pool, database: string): Promise<number> {
  const [rows] = await pool.query<RowDataPacket[]>(
    "SELECT SUM(data_length + index_length) AS b FROM information_schema.tables WHERE table_schema = ? AND table_name LIKE 'datamap\\_%'", [database]);
  return Number(rows[0]?.b ?? 0);
}

const options = readTilesOptions();
runBench("tiles", options, async (bench) => {
  const { progress, redis } = bench;
  const t0 = performance.now();
  const scratch = await bench.scratch();
  const pool = bench.pool(scratch.databaseUrl, options.insertConnections);
  const machine = await readMachineInfo(redis, pool);

  const world = createDatamapWorld({ cells: options.cells, seed: options.seed });
  progress(`datamap world: ${n(world.count)} cells (${Object.entries(world.byCity).map(([c, k]) => `${c} ${n(k)}`).join(", ")}, rural ${n(world.rural)}); ` +
    `writing ${options.insertBatch} rows per INSERT over ${options.insertConnections} connections`);
  const seeded = await seedDatamap(pool, world, { batch: options.insertBatch, connections: options.insertConnections, seed: options.seed }, progress);
  progress(`seeded ${Object.entries(seeded.rows).map(([s, c]) => `datamap_${s} ${n(c)}`).join(", ")} in ${seconds(seeded.ms)}`);
  const sweep = buildSweep(world, { perZoom: options.perZoom, seed: options.seed });
  progress(`sweep: ${n(sweep.tiles.length)} tiles over zooms 0–${sweep.zooms.length - 1} ` +
    `(${sweep.zooms.map((z) => `${z.z}:${z.chosen}${z.wholeWorld ? "w" : `/${z.covering}`}`).join(" ")}; w = the whole world)`);

  const childEnv = { ...serverChildEnv(options.redisUrl, scratch) };
  const target = (server: ServerChild, bodyLengths?: readonly number[]): TileTarget =>
    ({ url: server.url, serverPid: server.pid, redis, tiles: sweep.tiles, bodyLengths });
  // A fresh web process per cold pass: the tiles it has served stay in its memory for a minute
  // (src/map/tile-memory.ts), so only a new one computes every tile again. Its code is compiled
  // on the spare tiles first, which the sweep never asks for.
  const cold = async (connections: number, previous?: ServerChild) => {
    await previous?.stop();
    const web = await startServer(WEB_CHILD, { label: "web", env: childEnv, onUnexpectedExit: bench.abort });
    if (sweep.spare.length) await runTileLoad({ ...target(web), tiles: sweep.spare }, { connections: Math.min(connections, sweep.spare.length), amount: sweep.spare.length });
    await clearTileCache(redis, scratch.prefix);
    const run = await runTileLoad(target(web), { connections, amount: sweep.tiles.length });
    progress(`cold, ${connections} connection${connections === 1 ? "" : "s"} (web process pid ${web.pid}): ${runLine(run)}`);
    return { web, run };
  };
  const first = await cold(options.connections);
  const { web, run: coldSequential } = await cold(1, first.web);
  const coldConcurrent = first.run;
  const cachedAfter = await countCachedTiles(redis, scratch.prefix);
  if (cachedAfter !== sweep.tiles.length) throw new Error(`${cachedAfter} tiles cached after the cold pass, not ${sweep.tiles.length}`);

  const bodiesDir = await bench.tempDir("bodies");
  const bodies = await fetchTileBodies(web.url, sweep.tiles, bodiesDir);
  const total = bodies.lengths.reduce((a, b) => a + b, 0);
  progress(`bodies: ${n(total)} B over ${n(sweep.tiles.length)} tiles (${n(total / sweep.tiles.length)} B/tile), ` +
    `${bodies.contentType}, ${bodies.cacheControl}`);
  const statik = await startServer(STATIC_CHILD, {
    label: "static", args: [bodiesDir, bodies.contentType, bodies.cacheControl], onUnexpectedExit: bench.abort,
  });
  const warmTarget = target(web, bodies.lengths);
  const staticTarget = target(statik, bodies.lengths);

  const timed = { connections: options.connections, durationS: options.duration };
  const warmup = {
    warm: await runTileLoad(warmTarget, { ...timed, durationS: options.warmup }),
    static: await runTileLoad(staticTarget, { ...timed, durationS: options.warmup }),
  };
  progress(`warm-up ${options.warmup} s each: warm ${runLine(warmup.warm)}; static ${runLine(warmup.static)}`);
  const rounds: Round[] = [];
  for (let pair = 1; pair <= options.pairs; pair++) {
    for (const condition of ["warm", "static"] as const) {
      const run = await runTileLoad(condition === "warm" ? warmTarget : staticTarget, timed);
      rounds.push({ pair, condition, run });
      progress(`pair ${pair} ${condition}: ${runLine(run)}`);
    }
  }
  const warm = spread(rounds.filter((r) => r.condition === "warm").map((r) => r.run.rate));
  const statics = spread(rounds.filter((r) => r.condition === "static").map((r) => r.run.rate));
  const share = warm.median / statics.median;

  let profile: TilesBenchResults["profile"] = null;
  if (options.profile === "always" || (options.profile === "auto" && share < PROFILE_BELOW)) {
    const profiled = await startProfiledServer("tiles", WEB_CHILD, { label: "web-prof", env: childEnv });
    progress(`profile: a web child with --cpu-prof (into ${profiled.dir}), warm tiles, ${options.duration} s at ${options.connections} connections`);
    const profTarget = target(profiled.server, bodies.lengths);
    await runTileLoad(profTarget, { ...timed, durationS: options.warmup });
    const start = monotonicMicros();
    const run = await runTileLoad(profTarget, timed);
    const end = monotonicMicros();
    progress(`profile: ${runLine(run)}`);
    profile = { ...(await stopAndSummarize(profiled, [start, end], 20)), run };
  }

  const results: TilesBenchResults = {
    machine,
    settings: {
      cells: options.cells, seed: options.seed, perZoom: options.perZoom, connections: options.connections,
      durationSeconds: options.duration, pairs: options.pairs, warmupSeconds: options.warmup,
      autocannon: "programmatic, in the bench process, pipelining 1", totalSeconds: Math.round((performance.now() - t0) / 1000),
    },
    data: {
      cells: world.count, byCity: world.byCity, rural: world.rural, rows: seeded.rows,
      seedSeconds: seeded.ms / 1000, tableBytes: await datamapBytes(pool, scratch.databaseName),
    },
    sweep: { zooms: sweep.zooms, tiles: sweep.tiles.length, bodyBytes: total, headers: { contentType: bodies.contentType, cacheControl: bodies.cacheControl } },
    perZoomBodies: zoomBodies(sweep, bodies),
    cold: { concurrent: coldConcurrent, sequential: coldSequential, cachedAfter },
    warmup, rounds, warm, static: statics, share, profile,
  };
  writeReport(options.json, results, formatTable);
});
