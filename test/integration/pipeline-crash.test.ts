/**
 * Crash safety of the pipeline (DESIGN §3): a worker killed after its transaction but before
 * XACK, or inside the transaction, leaves station rows identical to a run without the crash; a
 * splitter killed after appending observations but before committing appends nothing twice.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { fileURLToPath } from "node:url";
import { splitReport } from "../../src/domain/observation/split-report.ts";
import { countObservations } from "../../src/domain/observation/observation-batch.ts";
import type { ReportEntry } from "../../src/domain/report.ts";
import { getRegionLookup } from "../../src/geo/regions.ts";
import { readRange } from "../../src/stream/stream-commands.ts";
import { drainPipeline } from "../support/pipeline-setup.ts";
import { spawnWorker, type WorkerHandle } from "../support/spawn-worker.ts";
import { createStreamTestEnv, type StreamTestEnv } from "../support/stream-setup.ts";
import { submitSynthetic } from "../support/submit-synthetic.ts";
import { rowCount, snapshotTables, STATION_TABLES } from "../support/table-snapshot.ts";
import { createWebTestEnv, type WebTestEnv } from "../support/web-setup.ts";

const WORKER = fileURLToPath(new URL("../support/pipeline-worker.ts", import.meta.url));
const COMPARED = [...STATION_TABLES, "stat_counter"];

interface Ctx { live: WebTestEnv; copy: StreamTestEnv; workers: WorkerHandle[] }
const S = suite<Ctx>("pipeline crash safety");

const servicesOf = (env: StreamTestEnv) => ({
  ...env, consumerDeps: { pool: env.pool, redis: env.redis, keys: env.keys, regions: getRegionLookup(), stationBatch: 2 },
});

S.before(async (ctx) => {
  ctx.live = await createWebTestEnv("crash-live", { STREAM_PARTITIONS: "1" });
  // Small splitter batches make many observation entries, so the crashes land mid-stream.
  await ctx.live.pool.query("UPDATE export_config SET batch = 10 WHERE name = 'internal'");
  ctx.copy = await createStreamTestEnv("crash-copy", 1);
  ctx.workers = [];
});
S.after.each((ctx) => {
  for (const w of ctx.workers.splice(0)) if (w.child.exitCode === null) w.child.kill("SIGKILL");
});
S.after(async (ctx) => {
  await ctx.live.close();
  await ctx.copy.close();
});

const submit = (env: WebTestEnv, reports: number, seed: number) => submitSynthetic(env.app, { reports, seed });

/** Copies streams entry for entry, ids and sequence numbers included. */
async function copyStreams(from: StreamTestEnv, to: StreamTestEnv, logical: readonly string[]) {
  for (const name of logical) {
    const source = from.keys.stream(name);
    const target = to.keys.stream(name);
    for (const e of await readRange(from.redis, source, "-", 1_000_000)) {
      await to.redis.xadd(target, e.id, ...Object.entries(e.fields).flat());
    }
    const seq = await from.redis.get(from.keys.sequence(source));
    if (seq) await to.redis.set(to.keys.sequence(target), seq);
  }
}

/** The worker's exit, or a failure naming its output when it does not end in time. */
async function exitOf(w: WorkerHandle, ms = 60_000) {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`worker still running after ${ms} ms:\n${w.output()}`)), ms);
  });
  try {
    return await Promise.race([w.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function startWorker(ctx: Ctx, env: StreamTestEnv, groups: string, extra: Record<string, string>) {
  const w = spawnWorker({
    DATABASE_URL: env.databaseUrl, REDIS_URL: env.redisUrl, PREFIX: env.prefix, PARTITIONS: "1", GROUPS: groups, ...extra,
  }, WORKER);
  ctx.workers.push(w);
  return w;
}

const obsStreams = () => [
  ...[..."0123456789abcdef"].flatMap((h) => [`obs:wifi:${h}`, `obs:blue:${h}`]), ...["gsm", "wcdma", "lte", "nr"].map((r) => `obs:cell:${r}`),
];

async function observationsOnStreams(env: StreamTestEnv): Promise<number> {
  let n = 0;
  for (const name of obsStreams()) {
    for (const e of await readRange(env.redis, env.keys.stream(name), "-", 1_000_000)) n += countObservations(e.data);
  }
  return n;
}

S("station projectors killed after COMMIT and inside a transaction end with the rows of a run without crashes", async (ctx) => {
  await submit(ctx.live, 400, 11);
  await drainPipeline(ctx.live.services, { groups: ["export:"] });
  await copyStreams(ctx.live, ctx.copy, obsStreams());

  await drainPipeline(ctx.live.services, { groups: ["station:"] });
  const reference = await snapshotTables(ctx.live.pool, COMPARED);
  assert.ok(rowCount(reference) > 80, `the reference run wrote ${rowCount(reference)} rows`);

  const afterCommit = startWorker(ctx, ctx.copy, "station:", { CRASH_AFTER_COMMIT: "5", STATION_BATCH: "2" });
  assert.equal(await exitOf(afterCommit), { code: null, signal: "SIGKILL" }, afterCommit.output());
  const inProject = startWorker(ctx, ctx.copy, "station:", { CRASH_IN_PROJECT: "4", STATION_BATCH: "2" });
  assert.equal(await exitOf(inProject), { code: null, signal: "SIGKILL" }, inProject.output());
  const partial = await snapshotTables(ctx.copy.pool, COMPARED);
  assert.ok(rowCount(partial) > 0 && rowCount(partial) < rowCount(reference), "the crashes left the projection half done");

  await drainPipeline(servicesOf(ctx.copy), { groups: ["station:"], claimIdleMs: 200 });
  assert.equal(await snapshotTables(ctx.copy.pool, COMPARED), reference);
});

S("a splitter killed after appending observations but before committing appends each report's observations once", async (ctx) => {
  const env = ctx.live;
  for (const name of obsStreams()) await env.redis.del(env.keys.stream(name), `${env.keys.stream(name)}:src`);
  await submit(env, 300, 23);
  const reports = (await readRange(env.redis, env.keys.stream("reports:0"), "-", 1_000_000));
  const crashing = startWorker(ctx, env, "export:internal", { CRASH_IN_PROJECT: "1" });
  assert.equal(await exitOf(crashing), { code: null, signal: "SIGKILL" }, crashing.output());
  assert.ok((await observationsOnStreams(env)) > 0, "the killed splitter had appended observations");

  await drainPipeline(env.services, { groups: ["export:internal"], claimIdleMs: 200 });
  const lastBatch = reports.slice(-300).map((e) => e.data as ReportEntry);
  const regions = getRegionLookup();
  const expected = lastBatch.reduce((n, r) => {
    const s = splitReport(r, regions);
    return n + s.wifi.length + s.blue.length + s.cell.length;
  }, 0);
  assert.is(await observationsOnStreams(env), expected);
});

S.run();
