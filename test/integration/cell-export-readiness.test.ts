/**
 * A diff is not written before the cells modified in its window are in MySQL (README "Cell
 * downloads"): reports submitted over HTTP and split, but not yet applied by the cell projector,
 * hold the export back; draining the pipeline lets it through, and the diff then holds the new
 * cell. A splitter that does not catch up within 15 minutes is waited for no longer, with a
 * warning naming it.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { runCellExport, type CellExportJobDeps } from "../../src/cells/export-job.ts";
import { READINESS_GRACE_MS, readExportReadiness } from "../../src/cells/export-readiness.ts";
import { diffExportName } from "../../src/cells/export-schedule.ts";
import { createLocalExportStore } from "../../src/cells/export-store-local.ts";
import { captureLog } from "../support/capture-log.ts";
import { drainPipeline } from "../support/pipeline-setup.ts";
import { type CellId, makeObs, newStationId, reportsFor } from "../support/station-cases.ts";
import { createWebTestEnv, type WebTestEnv } from "../support/web-setup.ts";

const S = suite<{ env: WebTestEnv; dirs: string[] }>("cell export readiness");
const HOUR = 3_600_000;

S.before(async (ctx) => {
  ctx.env = await createWebTestEnv("cell-export-ready", { STREAM_PARTITIONS: "2" });
  ctx.dirs = [];
});
S.after(async (ctx) => {
  await ctx.env.close();
  for (const d of ctx.dirs) rmSync(d, { recursive: true, force: true });
});
S.before.each(async ({ env }) => {
  // Every case starts with the pipeline caught up and no cells.
  await drainPipeline(env.services);
  for (const t of ["cell_gsm", "cell_area"]) await env.pool.query(`DELETE FROM \`${t}\``);
});

function deps(ctx: { env: WebTestEnv; dirs: string[] }) {
  const dir = mkdtempSync(join(tmpdir(), "ichnos-ready-"));
  ctx.dirs.push(dir);
  const captured = captureLog();
  const d: CellExportJobDeps = {
    pool: ctx.env.pool, redis: ctx.env.redis, keys: ctx.env.keys, log: captured.log, store: createLocalExportStore(dir), retentionMs: 0,
  };
  return { deps: d, dir, lines: captured.lines };
}

async function submitCell(env: WebTestEnv): Promise<CellId> {
  const id = newStationId("cell") as CellId;
  const res = await env.app.request("/v2/geosubmit", {
    method: "POST", body: JSON.stringify({ items: reportsFor("cell", id, makeObs("cell", "gnss")) }), headers: { "content-type": "application/json" },
  });
  assert.is(res.status, 200);
  return id;
}

/** The slot whose window [S − 1 h, S) holds this moment's reports, and the job's clock 5 minutes after it. */
function nextSlot(): { slot: number; now: number } {
  const slot = Math.floor(Date.now() / HOUR) * HOUR + HOUR;
  return { slot, now: slot + 5 * 60_000 };
}

S("an applied split but an unapplied cell projector holds the diff back; the drain lets it through with the cell", async (ctx) => {
  const { env } = ctx;
  const { deps: d, dir } = deps(ctx);
  const { slot, now } = nextSlot();
  const id = await submitCell(env);
  await drainPipeline(env.services, { groups: ["export:"] });

  const held = await runCellExport(d, now);
  assert.equal(held.published, [], "nothing published while the cell is on its way");
  assert.ok(held.waiting, "an export waits");
  assert.equal([...new Set(held.waiting.lagging.map((l) => l.group))], ["station:cell:gsm"]);
  assert.is((await readExportReadiness(d, slot)).ready, false);

  await drainPipeline(env.services);
  const through = await runCellExport(d, now + 60_000);
  const name = diffExportName(slot);
  assert.ok(through.published.some((p) => p.name === name), `${name} published once the projector caught up`);
  const lines = gunzipSync(readFileSync(join(dir, name))).toString("utf8").split("\r\n");
  assert.ok(lines.some((l) => l.startsWith(`GSM,${id.mcc},${id.mnc},${id.lac},${id.cid},`)), `the diff holds the submitted cell:\n${lines.join("\n")}`);
});

S("a splitter behind the cut-off holds the export back for 15 minutes, then it is written with a warning naming the group", async (ctx) => {
  const { env } = ctx;
  const { deps: d, lines } = deps(ctx);
  const { slot, now } = nextSlot();
  await submitCell(env);

  const held = await runCellExport(d, now);
  // The day's full file ends at midnight, before this report: it need not wait.
  assert.equal(held.published.map((p) => p.kind), ["full"]);
  assert.is(held.waiting?.name, diffExportName(slot));
  assert.equal([...new Set(held.waiting!.lagging.map((l) => l.group))], ["export:internal"]);
  assert.match(held.waiting!.lagging[0]!.target, new RegExp(`entries before ${new Date(slot).toISOString()}`));
  assert.equal((await runCellExport(d, now + READINESS_GRACE_MS - 60_000)).published, [], "still waiting at 14 minutes");

  const late = await runCellExport(d, now + READINESS_GRACE_MS);
  assert.equal(late.published.map((p) => [p.name, p.overdue]), [[diffExportName(slot), true]], "written anyway, marked overdue");
  const warnings = lines.filter((l) => l.level === 40);
  assert.ok(warnings.length > 0 && warnings.every((w) => String(w.msg).includes("export:internal")), JSON.stringify(warnings));
  assert.ok(lines.some((l) => l.msg === "cell export published" && typeof l.rows === "number" && typeof l.bytes === "number" && typeof l.ms === "number"));
});

S.run();
