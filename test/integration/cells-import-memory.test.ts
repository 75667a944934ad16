/**
 * `ichnos cells import` streams: a generated gzip file of 300,000 cells imports with the
 * process's peak RSS bounded, measured on the real executable by /usr/bin/time (GNU `%M`: peak
 * resident set in KiB) against a run on a tiny file, so start-up memory is not counted.
 */
import { spawn } from "node:child_process";
import { createWriteStream, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import type { RowDataPacket } from "mysql2/promise";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { createStreamTestEnv, type StreamTestEnv } from "../support/stream-setup.ts";

const S = suite<{ db: StreamTestEnv; dir: string }>("ichnos cells import: constant memory");
const HEADER = "radio,mcc,net,area,cell,unit,lon,lat,range,samples,changeable,created,updated,averageSignal";
const ROWS = 300_000;
const TIME = "/usr/bin/time";
const bin = fileURLToPath(new URL("../../bin/ichnos.js", import.meta.url));

S.before(async (ctx) => {
  ctx.db = await createStreamTestEnv("cells-memory");
  ctx.dir = mkdtempSync(join(tmpdir(), "ichnos-cells-memory-"));
});
S.after(async (ctx) => {
  await ctx.db.close();
  rmSync(ctx.dir, { recursive: true, force: true });
});

function* lines(count: number): Generator<string> {
  yield `${HEADER}\r\n`;
  for (let i = 0; i < count; i++) {
    // 100 cells per LTE area in Germany, spread over ~1°.
    const lat = (50 + (i % 997) / 1000).toFixed(7);
    const lon = (10 + (i % 991) / 1000).toFixed(7);
    yield `LTE,262,${1 + (i % 3)},${1 + Math.floor(i / 100)},${i + 1},,${lon},${lat},1000,10,1,1767139200,1767225600,\r\n`;
  }
}

/**
 * Runs the import under /usr/bin/time; resolves to its exit code, peak RSS (MiB) and output. The
 * heap is capped: without a cap, how far V8 lets garbage pile up before collecting depends on the
 * Node.js version (Node 24 grew 170 MiB where Node 22 grew 95 for the same import), and the test is
 * after what the import keeps, not what V8 postpones. A leak still shows, as growth or as a crash.
 */
function measuredImport(db: StreamTestEnv, file: string): Promise<{ code: number | null; peakMiB: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(TIME, ["-f", "PEAK_RSS_KB=%M", process.execPath, "--max-old-space-size=256", bin, "cells", "import", file, "--no-drain"], {
      env: { ...process.env, LOG_LEVEL: "warn", DATABASE_URL: db.databaseUrl, REDIS_URL: db.redisUrl, REDIS_PREFIX: db.prefix },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => { stdout += d; });
    child.stderr.on("data", (d) => { stderr += d; });
    child.on("exit", (code) => {
      const kb = Number(/PEAK_RSS_KB=(\d+)/.exec(stderr)?.[1] ?? Number.NaN);
      resolve({ code, peakMiB: kb / 1024, stdout, stderr });
    });
  });
}

S("300,000 rows import with bounded memory", async ({ db, dir }) => {
  if (!existsSync(TIME)) {
    console.warn(`${TIME} is missing: memory not measured`);
    return;
  }
  const tiny = join(dir, "tiny.csv");
  writeFileSync(tiny, [...lines(10)].join(""));
  const big = join(dir, "big.csv.gz");
  await pipeline(Readable.from(lines(ROWS)), createGzip({ level: 1 }), createWriteStream(big));

  const baseline = await measuredImport(db, tiny);
  assert.is(baseline.code, 0, baseline.stderr);
  const started = Date.now();
  const run = await measuredImport(db, big);
  const seconds = (Date.now() - started) / 1000;
  assert.is(run.code, 0, run.stderr);
  assert.match(run.stdout, new RegExp(`read ${ROWS} rows, imported ${ROWS - 10}, unchanged 10, skipped 0`));
  const [count] = await db.pool.query<RowDataPacket[]>("SELECT COUNT(*) AS n FROM cell_lte");
  assert.is(Number(count[0]!.n), ROWS);
  const growth = run.peakMiB - baseline.peakMiB;
  console.log(`cells import: ${ROWS} rows in ${seconds.toFixed(1)} s (${Math.round(ROWS / seconds)} rows/s); peak RSS ${run.peakMiB.toFixed(0)} MiB, ${baseline.peakMiB.toFixed(0)} MiB for a 10-row file (growth ${growth.toFixed(0)} MiB)`);
  assert.ok(growth < 150, `peak RSS grew by ${growth.toFixed(0)} MiB`);
});

S.run();
