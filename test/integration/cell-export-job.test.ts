/**
 * The scheduled public cell exports end to end (SPEC §4.13) against real MariaDB, Redis and an
 * S3-speaking server: at a fixed clock the job publishes the due diff and full file, each the
 * same bytes `writeCellExport` gives for its window; a second run writes nothing; missed diffs
 * are caught up; retention deletes old diffs; two runs at once publish each file once; the
 * worker's job list and `ichnos cells publish` run the same job.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { writeCellExport } from "../../src/cells/cell-export.ts";
import { downloadsCacheKey } from "../../src/cells/downloads-service.ts";
import { runCellExport, type CellExportJobDeps } from "../../src/cells/export-job.ts";
import { diffExportName, fullExportName } from "../../src/cells/export-schedule.ts";
import type { ExportStore } from "../../src/cells/export-store.ts";
import { createLocalExportStore } from "../../src/cells/export-store-local.ts";
import { createS3ExportStore } from "../../src/cells/export-store-s3.ts";
import type { Services } from "../../src/cli/services.ts";
import { loadConfig } from "../../src/config.ts";
import { upsertStations } from "../../src/db/stations.ts";
import { encodeCellId } from "../../src/domain/observation/cell-id.ts";
import type { CellStation } from "../../src/domain/station/station-row.ts";
import { lazyRegionLookup } from "../../src/geo/lazy-regions.ts";
import { pipelineJobs } from "../../src/jobs/pipeline-jobs.ts";
import { runCli } from "../support/run-cli.ts";
import { startTestS3, type TestS3 } from "../support/s3-server.ts";
import { createStreamTestEnv, type StreamTestEnv } from "../support/stream-setup.ts";
import { createProcessMetrics } from "../../src/metrics/process-metrics.ts";

const S = suite<{ env: StreamTestEnv; s3: TestS3; dirs: string[] }>("scheduled cell exports");

const t = (iso: string) => Date.parse(iso);
const NOW = t("2026-05-01T14:05:00Z");
const DIFF_14 = diffExportName(t("2026-05-01T14:00:00Z"));
const FULL_0501 = fullExportName(t("2026-05-01T00:00:00Z"));

function cell(cid: number, modified: string, over: Partial<CellStation> = {}): CellStation {
  return {
    radio: "lte", mcc: 262, mnc: 1, lac: 300, cid, psc: 7, lat: 52.52, lon: 13.405, maxLat: 52.52, minLat: 52.52, maxLon: 13.405, minLon: 13.405,
    radius: 800, region: "DE", samples: 4, source: 3, weight: 4, created: new Date(t("2026-01-01T00:00:00Z")), modified: new Date(t(modified)),
    lastSeen: null, blockFirst: null, blockLast: null, blockCount: null, ...over,
  };
}

/** Cells on both sides of every window edge the tests use. */
const CELLS: readonly CellStation[] = [
  cell(1, "2026-05-01T13:30:00Z"), // diff 14:00
  cell(2, "2026-05-01T13:00:00Z"), // diff 14:00: the window's start is inside
  cell(3, "2026-05-01T14:00:00Z"), // diff 15:00: the window's end is outside
  cell(4, "2026-05-01T12:10:00Z"), // diff 13:00
  cell(5, "2026-04-30T10:00:00Z"), // full 2026-05-01 only
  cell(6, "2025-05-01T00:00:00Z"), // full 2026-05-01: exactly 365 days before
  cell(7, "2025-04-30T23:59:59Z"), // in no export
  cell(8, "2026-05-01T13:10:00Z", { lat: null, lon: null, maxLat: null, minLat: null, maxLon: null, minLon: null }), // no position
  { ...cell(9, "2026-05-01T13:45:00Z"), radio: "gsm", mcc: 234, mnc: 30, lac: 100, cid: 9 },
];

S.before(async (ctx) => {
  ctx.env = await createStreamTestEnv("cell-export-job");
  ctx.s3 = await startTestS3("ichnos-assets");
  ctx.dirs = [];
  const conn = await ctx.env.pool.getConnection();
  try {
    for (const radio of ["gsm", "lte"] as const) {
      await upsertStations(conn, "cell", `cell_${radio}`, CELLS.filter((c) => c.radio === radio).map((row) => ({ row, id: encodeCellId(row) })));
    }
  } finally {
    conn.release();
  }
});
S.after(async (ctx) => {
  await ctx.env.close();
  await ctx.s3.close();
  for (const d of ctx.dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(ctx: { dirs: string[] }, label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `ichnos-${label}-`));
  ctx.dirs.push(dir);
  return dir;
}

const jobDeps = (env: StreamTestEnv, store: ExportStore, retentionMs = 7 * 86_400_000): CellExportJobDeps => ({
  pool: env.pool, redis: env.redis, keys: env.keys, log: env.log, store, retentionMs,
});

/** What `ichnos cells export` writes for the same window, to compare byte for byte. */
async function expected(ctx: { env: StreamTestEnv; dirs: string[] }, from: string, until: string): Promise<Buffer> {
  const file = join(tempDir(ctx, "expected"), "x.csv.gz");
  await writeCellExport(ctx.env.pool, { from: new Date(t(from)), until: new Date(t(until)) }, file);
  return readFileSync(file);
}

const cids = (gz: Buffer) => gunzipSync(gz).toString("utf8").split("\r\n").slice(1, -1).map((l) => Number(l.split(",")[4]));

S("at 14:05 a local directory gets the 14:00 diff and the day's full file, as writeCellExport writes them; a second run writes nothing", async (ctx) => {
  const { env } = ctx;
  const dir = tempDir(ctx, "exports");
  const deps = jobDeps(env, createLocalExportStore(dir));
  await env.redis.set(downloadsCacheKey(env.prefix), "{}");
  const run = await runCellExport(deps, NOW);
  assert.ok(run.locked);
  assert.equal(run.published.map((p) => [p.name, p.kind, p.rows, p.overdue]), [[FULL_0501, "full", 2, false], [DIFF_14, "diff", 3, false]]);
  assert.equal(readdirSync(dir).sort(), [DIFF_14, FULL_0501].sort(), "only the two files, no temporary ones");
  const diff = readFileSync(join(dir, DIFF_14));
  assert.ok(diff.equals(await expected(ctx, "2026-05-01T13:00:00Z", "2026-05-01T14:00:00Z")), "the diff is writeCellExport's [13:00, 14:00)");
  assert.equal(cids(diff), [9, 1, 2], "gsm before lte, each by cell id");
  const full = readFileSync(join(dir, FULL_0501));
  assert.ok(full.equals(await expected(ctx, "2025-05-01T00:00:00Z", "2026-05-01T00:00:00Z")), "the full file is the 365 days before the day");
  assert.equal(cids(full), [5, 6], "the cells of the 365 days before 2026-05-01 00:00, none of that day");
  assert.equal(run.published.find((p) => p.name === DIFF_14)!.bytes, diff.length);
  assert.is(await env.redis.exists(downloadsCacheKey(env.prefix)), 0, "the /downloads cache is dropped after publishing");

  const mtimes = readdirSync(dir).map((f) => statSync(join(dir, f)).mtimeMs);
  const again = await runCellExport(deps, NOW + 50_000);
  assert.equal([again.published, again.removed, again.waiting], [[], [], null]);
  assert.equal(readdirSync(dir).map((f) => statSync(join(dir, f)).mtimeMs), mtimes, "nothing rewritten");
});

S("missed diffs are caught up in order, and retention deletes the old ones but the newest", async (ctx) => {
  const { env } = ctx;
  const dir = tempDir(ctx, "catch-up");
  const deps = jobDeps(env, createLocalExportStore(dir), 2 * 3_600_000);
  await runCellExport(deps, NOW);
  const later = await runCellExport(deps, t("2026-05-01T16:10:00Z"));
  assert.equal(later.published.map((p) => p.name), ["15", "16"].map((h) => diffExportName(t(`2026-05-01T${h}:00:00Z`))));
  assert.equal(cids(readFileSync(join(dir, diffExportName(t("2026-05-01T15:00:00Z"))))), [3], "the cell modified at 14:00 is in the 15:00 diff");
  assert.equal(later.removed, [DIFF_14], "older than two hours at 16:10");
  const evening = await runCellExport(deps, t("2026-05-01T18:05:00Z"));
  assert.equal(evening.published.map((p) => p.name), ["17", "18"].map((h) => diffExportName(t(`2026-05-01T${h}:00:00Z`))));
  assert.equal(evening.removed, ["15", "16"].map((h) => diffExportName(t(`2026-05-01T${h}:00:00Z`))), "diffs before 16:05 deleted");
  assert.equal(readdirSync(dir).sort(), [FULL_0501, diffExportName(t("2026-05-01T17:00:00Z")), diffExportName(t("2026-05-01T18:00:00Z"))].sort(),
    "the full file stays: it is the newest one");
});

S("an export that fails midway publishes nothing and leaves no scratch behind; stale scratch is cleared", async (ctx) => {
  const { env } = ctx;
  const dir = tempDir(ctx, "failing");
  mkdirSync(join(dir, ".scratch-old"));
  utimesSync(join(dir, ".scratch-old"), new Date(NOW - 2 * 86_400_000), new Date(NOW - 2 * 86_400_000));
  mkdirSync(join(dir, ".scratch-recent"));
  const deps = jobDeps(env, createLocalExportStore(dir));
  // gsm and wcdma are read and written, then the lte table is missing.
  await env.pool.query("RENAME TABLE cell_lte TO cell_lte_away");
  try {
    const failed = await runCellExport(deps, NOW).then(() => null, (err: Error) => err);
    assert.match(failed?.message ?? "it did not fail", /cell_lte/);
  } finally {
    await env.pool.query("RENAME TABLE cell_lte_away TO cell_lte");
  }
  assert.equal(readdirSync(dir), [".scratch-recent"], "no file under an export's name, its scratch removed, the old scratch cleared");
  assert.equal((await runCellExport(deps, NOW)).published.map((p) => p.name), [FULL_0501, DIFF_14], "the next run writes them");
});

S("an S3 bucket with a prefix gets the objects under <prefix>/export/, typed application/gzip, byte for byte", async (ctx) => {
  const { env, s3 } = ctx;
  const deps = jobDeps(env, createS3ExportStore(() => s3.client, { bucket: s3.bucket, prefix: "public" }));
  const run = await runCellExport(deps, NOW);
  assert.equal(run.published.map((p) => p.name), [FULL_0501, DIFF_14]);
  assert.equal((await s3.keys("")).sort(), [`public/export/${DIFF_14}`, `public/export/${FULL_0501}`].sort());
  const got = await s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: `public/export/${DIFF_14}` }));
  assert.is(got.ContentType, "application/gzip");
  const bytes = Buffer.from(await got.Body!.transformToByteArray());
  assert.ok(bytes.equals(await expected(ctx, "2026-05-01T13:00:00Z", "2026-05-01T14:00:00Z")), "the object is the diff's gzip, not re-encoded");
  assert.equal((await runCellExport(deps, NOW)).published, [], "idempotent against S3 too");
});

S("two runs at once (two workers) publish each file once", async (ctx) => {
  const { env } = ctx;
  const dir = tempDir(ctx, "concurrent");
  const [a, b] = await Promise.all([
    runCellExport(jobDeps(env, createLocalExportStore(dir)), NOW),
    runCellExport(jobDeps(env, createLocalExportStore(dir)), NOW),
  ]);
  const published = [...a.published, ...b.published].map((p) => p.name).sort();
  assert.equal(published, [DIFF_14, FULL_0501].sort(), "each file published by exactly one of them");
  assert.ok(!a.locked || !b.locked || a.published.length === 0 || b.published.length === 0, "one of them did nothing");
});

S("the worker's cell-export job runs at the process clock and writes to CELL_EXPORT_DIR", async (ctx) => {
  const { env } = ctx;
  const dir = tempDir(ctx, "worker-job");
  const config = loadConfig({ DATABASE_URL: env.databaseUrl, REDIS_URL: env.redisUrl, REDIS_PREFIX: env.prefix, STREAM_PARTITIONS: "2", CELL_EXPORT_DIR: dir });
  const services: Services = {
    config, log: env.log, redis: env.redis, pool: env.pool, keys: env.keys, metrics: createProcessMetrics(),
    consumerDeps: { pool: env.pool, redis: env.redis, keys: env.keys, regions: lazyRegionLookup(), stationBatch: config.stationBatch },
    close: async () => undefined,
  };
  const job = pipelineJobs(services, () => NOW).find((j) => j.name === "cell-export");
  assert.ok(job, "declared among the pipeline jobs");
  assert.is(job.intervalMs, 60_000);
  await job.run(new AbortController().signal);
  assert.equal(readdirSync(dir).sort(), [DIFF_14, FULL_0501].sort());
});

S("ichnos cells publish --at runs the job once; a second run has nothing due", async (ctx) => {
  const { env } = ctx;
  const dir = tempDir(ctx, "cli");
  const cliEnv = { DATABASE_URL: env.databaseUrl, REDIS_URL: env.redisUrl, REDIS_PREFIX: env.prefix, STREAM_PARTITIONS: "2", CELL_EXPORT_DIR: dir };
  const first = await runCli(["cells", "publish", "--at", "2026-05-01T14:05:00Z"], cliEnv, 60_000);
  assert.is(first.code, 0, first.stderr);
  assert.match(first.stdout, new RegExp(`published ${FULL_0501}: 2 cells, \\d+ bytes`));
  assert.match(first.stdout, new RegExp(`published ${DIFF_14}: 3 cells`));
  assert.equal(readdirSync(dir).sort(), [DIFF_14, FULL_0501].sort());
  const second = await runCli(["cells", "publish", "--at", "2026-05-01T14:06:00Z"], cliEnv, 60_000);
  assert.is(second.code, 0, second.stderr);
  assert.match(second.stdout, /nothing due/);
  const bad = await runCli(["cells", "publish", "--at", "yesterday"], cliEnv);
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /--at "yesterday" is not an ISO time/);
  const help = await runCli(["cells", "help"], cliEnv);
  assert.match(help.stdout, /ichnos cells publish \[--at ISO-time\]/);
});

S.run();
