/**
 * SPEC §4.10 cell areas and §6.7 `test_area.py` end to end: cells submitted over HTTP, the
 * splitter, the cell projectors and the `cellarea` group drained, the area rows read back and
 * compared with the cell rows they were computed from.
 */
import type { RowDataPacket } from "mysql2/promise";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { loadAllStations } from "../../src/db/stations.ts";
import { encodeAreaId } from "../../src/domain/observation/cell-id.ts";
import type { CellStation } from "../../src/domain/station/station-row.ts";
import { createAppender } from "../../src/stream/append.ts";
import { listDeadLetters } from "../../src/stream/dead-letters.ts";
import { drainPipeline, today } from "../support/pipeline-setup.ts";
import { snapshotTables } from "../support/table-snapshot.ts";
import { createWebTestEnv, type WebTestEnv } from "../support/web-setup.ts";

const S = suite<{ env: WebTestEnv }>("cell areas through the pipeline");

const CLEARED = ["cell_gsm", "cell_wcdma", "cell_lte", "cell_nr", "cell_area", "cell_area_nr"];
const AREA_GROUPS = ["export:internal", "station:cell", "cellarea"];

S.before(async (ctx) => {
  ctx.env = await createWebTestEnv("cell-areas");
});
S.after(async (ctx) => ctx.env.close());
S.before.each(async ({ env }) => {
  for (const t of CLEARED) await env.pool.query(`DELETE FROM \`${t}\``);
});

interface Tower {
  readonly radioType: "gsm" | "wcdma" | "lte" | "nr";
  readonly mcc: number;
  readonly mnc: number;
  readonly lac: number;
  readonly cid: number;
}

/** One report per (position, tower) pair, signal left to the radio's default. */
function report(lat: number, lon: number, t: Tower): Record<string, unknown> {
  return {
    position: { latitude: lat, longitude: lon, accuracy: 10 },
    cellTowers: [{
      radioType: t.radioType, mobileCountryCode: t.mcc, mobileNetworkCode: t.mnc, locationAreaCode: t.lac, cellId: t.cid,
    }],
  };
}

async function submitAndDrain(env: WebTestEnv, items: readonly unknown[]): Promise<void> {
  const res = await env.app.request("/v2/geosubmit", {
    method: "POST", body: JSON.stringify({ items }), headers: { "content-type": "application/json" },
  });
  assert.is(res.status, 200, "submission accepted");
  await drainPipeline(env.services, { groups: AREA_GROUPS });
}

async function areaRows(env: WebTestEnv, table: "cell_area" | "cell_area_nr"): Promise<RowDataPacket[]> {
  // Binary protocol: the DOUBLEs exactly as stored.
  const [rows] = await env.pool.execute<RowDataPacket[]>(
    `SELECT HEX(areaid) AS areaid, radio, mcc, mnc, lac, lat, lon, radius, region, avg_cell_radius, num_cells,
       DATE_FORMAT(last_seen, '%Y-%m-%d') AS last_seen, created, modified FROM \`${table}\` ORDER BY areaid`);
  return rows;
}

const hexArea = (t: Omit<Tower, "cid" | "radioType"> & { radio: Tower["radioType"] }) => encodeAreaId(t).toString("hex");

async function cellsOf(env: WebTestEnv, radio: Tower["radioType"], lac: number): Promise<CellStation[]> {
  return (await loadAllStations(env.pool, "cell", `cell_${radio}`) as CellStation[]).filter((c) => c.lac === lac);
}

function near(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) < 1e-9, `${what}: ${actual} ≠ ${expected}`);
}

const gsm = (lac: number, cid: number): Tower => ({ radioType: "gsm", mcc: 234, mnc: 30, lac, cid });

S("an area per (radio, mcc, mnc, lac) holds its cells' count, mean centre, mean radius and region", async ({ env }) => {
  await submitAndDrain(env, [
    // Two cells of gsm/234/30/100, each seen twice so it has a radius.
    report(51.50, -0.10, gsm(100, 1)), report(51.502, -0.104, gsm(100, 1)),
    report(51.52, -0.12, gsm(100, 2)), report(51.521, -0.121, gsm(100, 2)),
    // One cell in another LAC, and one of another radio with the same numbers.
    report(51.6, -0.2, gsm(101, 3)),
    report(51.7, -0.3, { radioType: "wcdma", mcc: 234, mnc: 30, lac: 100, cid: 4 }),
  ]);
  const rows = await areaRows(env, "cell_area");
  assert.equal(rows.map((r) => [r.radio, r.mcc, r.mnc, r.lac, r.num_cells]), [[0, 234, 30, 100, 2], [0, 234, 30, 101, 1], [2, 234, 30, 100, 1]]);
  const [two, one, wcdma] = rows as [RowDataPacket, RowDataPacket, RowDataPacket];
  assert.is(two.areaid.toLowerCase(), hexArea({ radio: "gsm", mcc: 234, mnc: 30, lac: 100 }));

  const cells = await cellsOf(env, "gsm", 100);
  assert.is(cells.length, 2);
  near(two.lat, (cells[0]!.lat! + cells[1]!.lat!) / 2, "lat is the unweighted mean of the cell centres");
  near(two.lon, (cells[0]!.lon! + cells[1]!.lon!) / 2, "lon is the unweighted mean of the cell centres");
  assert.ok(cells.every((c) => c.radius! > 0), "both cells have a radius");
  assert.is(two.avg_cell_radius, Math.round((cells[0]!.radius! + cells[1]!.radius!) / 2));
  assert.ok(two.radius > 0, "the area spans both cells");
  assert.is(two.region, "GB");
  assert.is(two.last_seen, today());
  assert.ok(two.created instanceof Date && two.modified instanceof Date, "created and modified set");

  // A single cell: the area is the cell (SPEC §4.10 test values).
  const [lone] = await cellsOf(env, "gsm", 101);
  assert.equal([one.lat, one.lon, one.radius, one.avg_cell_radius, one.region], [lone!.lat, lone!.lon, 0, lone!.radius, "GB"]);
  assert.equal([wcdma.lat, wcdma.lon, wcdma.region], [51.7, -0.3, "GB"]);
  assert.equal(await areaRows(env, "cell_area_nr"), [], "no NR area");
});

S("an NR cell's area lands in cell_area_nr with its 24-bit TAC", async ({ env }) => {
  const nr: Tower = { radioType: "nr", mcc: 234, mnc: 30, lac: 70_000, cid: 11_324_473_345 };
  await submitAndDrain(env, [report(51.5, -0.1, nr), report(51.5, -0.1, gsm(100, 1))]);
  const rows = await areaRows(env, "cell_area_nr");
  assert.equal(
    rows.map((r) => [r.areaid.toLowerCase(), r.radio, r.mcc, r.mnc, r.lac, r.num_cells, r.lat, r.lon, r.region]),
    [[hexArea({ radio: "nr", mcc: 234, mnc: 30, lac: 70_000 }), 4, 234, 30, 70_000, 1, 51.5, -0.1, "GB"]],
  );
  assert.equal((await areaRows(env, "cell_area")).map((r) => [r.radio, r.lac]), [[0, 100]], "only the gsm area in cell_area");
});

S("an area whose only cell is blocked by observations far from it is deleted", async ({ env }) => {
  await submitAndDrain(env, [report(51.5, -0.1, gsm(200, 1)), report(51.5, -0.1, gsm(201, 1))]);
  assert.is((await areaRows(env, "cell_area")).length, 2);
  // Consistent observations ~155 km north, over the cell limit of 100 km: the cell is blocked.
  await submitAndDrain(env, [report(52.9, -0.1, gsm(200, 1)), report(52.9001, -0.1, gsm(200, 1))]);
  const [blocked] = await cellsOf(env, "gsm", 200);
  assert.equal([blocked!.lat, blocked!.lon, blocked!.blockCount, blocked!.region], [null, null, 1, "GB"]);
  assert.equal((await areaRows(env, "cell_area")).map((r) => r.lac), [201], "the blocked cell's area is gone");
});

S("an area queued after its cells lost their position is deleted; an area with a positioned cell left is recomputed", async ({ env }) => {
  await submitAndDrain(env, [
    report(51.5, -0.1, gsm(300, 1)), report(51.5, -0.1, gsm(301, 1)), report(51.6, -0.2, gsm(301, 2)),
  ]);
  await env.pool.query("UPDATE cell_gsm SET lat = NULL, lon = NULL WHERE lac = 300 OR (lac = 301 AND cid = 2)");
  const appender = createAppender(env.redis, env.keys);
  await appender.append(env.keys.stream("areas"), [{
    areas: [hexArea({ radio: "gsm", mcc: 234, mnc: 30, lac: 300 }), hexArea({ radio: "gsm", mcc: 234, mnc: 30, lac: 301 })],
  }]);
  await drainPipeline(env.services, { groups: ["cellarea"] });
  const rows = await areaRows(env, "cell_area");
  assert.equal(rows.map((r) => [r.lac, r.num_cells, r.lat, r.lon, r.radius]), [[301, 1, 51.5, -0.1, 0]]);
});

S("recomputing an area from unchanged cells is a no-op, and an empty queue changes nothing", async ({ env }) => {
  await submitAndDrain(env, [report(51.5, -0.1, gsm(400, 1)), report(51.52, -0.12, gsm(400, 2))]);
  const before = await snapshotTables(env.pool, ["cell_area"]);
  await drainPipeline(env.services, { groups: ["cellarea"] });
  assert.equal(await snapshotTables(env.pool, ["cell_area"]), before, "nothing queued: nothing changes");

  const areas = [hexArea({ radio: "gsm", mcc: 234, mnc: 30, lac: 400 })];
  await createAppender(env.redis, env.keys).append(env.keys.stream("areas"), [{ areas }, { areas }]);
  await drainPipeline(env.services, { groups: ["cellarea"] });
  const after = await snapshotTables(env.pool, ["cell_area"]);
  const withoutModified = (s: Record<string, unknown[]>) => s.cell_area!.map((r) => ({ ...(r as object), modified: undefined }));
  assert.equal(withoutModified(after), withoutModified(before), "the same values, created kept");
});

S("an {areas} entry that is not an area update is dead-lettered without stopping the group", async ({ env }) => {
  const appender = createAppender(env.redis, env.keys);
  const [badShape] = await appender.append(env.keys.stream("areas"), [{ cells: ["07"] }]);
  // A CDMA area: well formed, but Ichnos keeps no CDMA cells.
  const [badId] = await appender.append(env.keys.stream("areas"), [{ areas: ["0100ea001e0064"] }]);
  await submitAndDrain(env, [report(51.5, -0.1, gsm(500, 1))]);
  assert.equal((await areaRows(env, "cell_area")).map((r) => r.lac), [500], "the later area update was applied");
  const dead = await listDeadLetters(env.redis, env.keys.dead("cellarea"));
  assert.equal(dead.map((d) => d.id), [badShape, badId]);
  // Not an area update at all: the runtime's check of the stream's type dead-letters it at once.
  // A well-formed update whose id the projection refuses is retried until MAX_DELIVERIES.
  assert.equal(dead.map((d) => d.deliveries), [1, 3], "the malformed payload at once, the refused id after MAX_DELIVERIES");
  assert.match(dead[0]!.error, /^undecodable entry: not an area update \(no areas list\)$/);
  assert.match(dead[1]!.error, /is not an area id/);
  assert.equal(JSON.parse(dead[0]!.payload), { cells: ["07"] });
});

S("area ids that are not exactly an area id's hex are dead-lettered, each naming the id", async ({ env }) => {
  const appender = createAppender(env.redis, env.keys);
  // "zz" decodes to no bytes; the second is area gsm/234/30/100 with trailing garbage, which
  // Buffer.from(…, "hex") silently drops.
  const bad = ["zz", "0000ea001e0064zz", "0000ea001e00640"];
  const ids: string[] = [];
  for (const hex of bad) ids.push(...(await appender.append(env.keys.stream("areas"), [{ areas: [hex] }])));
  await submitAndDrain(env, [report(51.5, -0.1, gsm(600, 1))]);
  assert.equal((await areaRows(env, "cell_area")).map((r) => r.lac), [600], "the later area update was applied");
  const dead = (await listDeadLetters(env.redis, env.keys.dead("cellarea"))).filter((d) => ids.includes(d.id));
  assert.equal(dead.map((d) => d.id), ids, "each is dead-lettered");
  for (const [i, hex] of bad.entries()) assert.match(dead[i]!.error, `"${hex}" is not an area id`);
});

S.run();
