/**
 * `ichnos cells export|import` (SPEC §4.13) through the real executable against real MariaDB and
 * Redis: the export round-trips byte for byte through an import into an empty database, bad rows
 * are skipped and named by line, a second import changes nothing, `updated` decides whether an
 * existing cell changes, and an imported cell locates and gets its area.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import type { RowDataPacket } from "mysql2/promise";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { upsertStations } from "../../src/db/stations.ts";
import { encodeAreaId, encodeCellId } from "../../src/domain/observation/cell-id.ts";
import type { CellStation } from "../../src/domain/station/station-row.ts";
import { call, createLocateTestEnv } from "../support/locate-setup.ts";
import { drainPipeline } from "../support/pipeline-setup.ts";
import { runCli } from "../support/run-cli.ts";
import { daysAgo } from "../support/station-cases.ts";
import { createStreamTestEnv, type StreamTestEnv } from "../support/stream-setup.ts";
import type { WebTestEnv } from "../support/web-setup.ts";

const S = suite<{ env: WebTestEnv; empty: StreamTestEnv; dir: string }>("ichnos cells export and import");

const HEADER = "radio,mcc,net,area,cell,unit,lon,lat,range,samples,changeable,created,updated,averageSignal";
const CELL_TABLES = ["cell_gsm", "cell_wcdma", "cell_lte", "cell_nr", "cell_area", "cell_area_nr", "region_stat"];

S.before(async (ctx) => {
  ctx.env = await createLocateTestEnv("cells-cli");
  ctx.empty = await createStreamTestEnv("cells-cli-empty");
  ctx.dir = mkdtempSync(join(tmpdir(), "ichnos-cells-"));
});
S.after(async (ctx) => {
  await ctx.env.close();
  await ctx.empty.close();
  rmSync(ctx.dir, { recursive: true, force: true });
});
S.before.each(async ({ env, empty }) => {
  for (const db of [env, empty]) for (const t of CELL_TABLES) await db.pool.query(`DELETE FROM \`${t}\``);
});

const cliEnv = (db: StreamTestEnv): Record<string, string> => ({
  DATABASE_URL: db.databaseUrl, REDIS_URL: db.redisUrl, REDIS_PREFIX: db.prefix, STREAM_PARTITIONS: "2",
});
const cells = (db: StreamTestEnv, ...args: string[]) => runCli(["cells", ...args], cliEnv(db), 60_000);

type CellSpec = Pick<CellStation, "radio" | "mcc" | "mnc" | "lac" | "cid"> & Partial<CellStation>;

function cell(spec: CellSpec): CellStation {
  const lat = spec.lat === undefined ? 51.5 : spec.lat;
  const lon = spec.lon === undefined ? -0.1 : spec.lon;
  return {
    psc: null, lat, lon, maxLat: lat, minLat: lat, maxLon: lon, minLon: lon, radius: 1500, region: "GB", samples: 12, source: 3,
    weight: 12, created: daysAgo(30), modified: daysAgo(2), lastSeen: null, blockFirst: null, blockLast: null, blockCount: null, ...spec,
  };
}

async function insertCells(db: StreamTestEnv, rows: readonly CellStation[]): Promise<void> {
  const conn = await db.pool.getConnection();
  try {
    for (const radio of ["gsm", "wcdma", "lte", "nr"] as const) {
      const mine = rows.filter((r) => r.radio === radio).map((row) => ({ row, id: encodeCellId(row) }));
      await upsertStations(conn, "cell", `cell_${radio}`, mine);
    }
  } finally {
    conn.release();
  }
}

async function cellRow(db: StreamTestEnv, radio: string, where: string): Promise<RowDataPacket | undefined> {
  const [rows] = await db.pool.query<RowDataPacket[]>(
    `SELECT lat, lon, min_lat, max_lat, min_lon, max_lon, radius, samples, region, psc, created, modified, last_seen FROM cell_${radio} WHERE ${where}`);
  return rows[0];
}

const ROUND_TRIP_CELLS: readonly CellStation[] = [
  cell({ radio: "gsm", mcc: 234, mnc: 30, lac: 100, cid: 1, psc: 12, lat: 51.123456789, lon: -0.987654321 }),
  cell({ radio: "gsm", mcc: 234, mnc: 30, lac: 100, cid: 2, radius: null, samples: null }),
  cell({ radio: "wcdma", mcc: 234, mnc: 10, lac: 200, cid: 70_000, psc: 300, lat: 52.2, lon: 0.12 }),
  cell({ radio: "lte", mcc: 262, mnc: 1, lac: 300, cid: 123_456, psc: 400, lat: 52.52, lon: 13.405 }),
  cell({ radio: "nr", mcc: 262, mnc: 1, lac: 70_000, cid: 2 ** 36 - 1, psc: 1000, lat: 48.1371, lon: 11.5754, radius: 250 }),
  // Outside the full export: modified over a year ago, and a cell without a position.
  cell({ radio: "lte", mcc: 262, mnc: 1, lac: 300, cid: 9, modified: daysAgo(400), created: daysAgo(500) }),
  cell({ radio: "lte", mcc: 262, mnc: 1, lac: 300, cid: 10, lat: null, lon: null, maxLat: null, minLat: null, maxLon: null, minLon: null }),
];

S("export → import into an empty database → export gives the same bytes, compressed and not", async ({ env, empty, dir }) => {
  await insertCells(env, ROUND_TRIP_CELLS);
  const first = join(dir, "first.csv.gz");
  const second = join(dir, "second.csv.gz");
  const exported = await cells(env, "export", first);
  assert.is(exported.code, 0, exported.stderr);
  assert.match(exported.stdout, /exported 5 cells/);
  const text = gunzipSync(readFileSync(first)).toString("utf8");
  const lines = text.split("\r\n");
  assert.is(lines[0], HEADER);
  assert.is(lines.at(-1), "", "every line ends in CRLF");
  assert.not.match(text.replace(/\r\n/g, ""), /\n/, "no bare LF");
  const created = (c: CellStation) => Math.floor(c.created!.getTime() / 1000);
  const modified = (c: CellStation) => Math.floor(c.modified!.getTime() / 1000);
  const [g1, g2, w, l, n] = ROUND_TRIP_CELLS as [CellStation, CellStation, CellStation, CellStation, CellStation];
  assert.equal(lines.slice(1, -1), [
    `GSM,234,30,100,1,12,-0.9876543,51.1234568,1500,12,1,${created(g1)},${modified(g1)},`,
    `GSM,234,30,100,2,,-0.1,51.5,0,0,1,${created(g2)},${modified(g2)},`,
    `UMTS,234,10,200,70000,300,0.12,52.2,1500,12,1,${created(w)},${modified(w)},`,
    `LTE,262,1,300,123456,400,13.405,52.52,1500,12,1,${created(l)},${modified(l)},`,
    `NR,262,1,70000,68719476735,1000,11.5754,48.1371,250,12,1,${created(n)},${modified(n)},`,
  ]);

  const imported = await cells(empty, "import", first);
  assert.is(imported.code, 0, imported.stderr);
  assert.match(imported.stdout, /read 5 rows, imported 5, unchanged 0, skipped 0/);
  assert.match(imported.stdout, /areas recomputed and region_stat updated/);
  const again = await cells(empty, "export", second);
  assert.is(again.code, 0, again.stderr);
  assert.ok(readFileSync(first).equals(readFileSync(second)), "gzip files byte-identical");
  assert.is(gunzipSync(readFileSync(second)).toString("utf8"), text);

  const plain = join(dir, "first.csv");
  assert.is((await cells(empty, "export", plain)).code, 0);
  assert.is(readFileSync(plain, "utf8"), text, "a name without .gz is written uncompressed");

  // New cells get the point as their box; areas and region stats followed.
  const gsm = await cellRow(empty, "gsm", "cid = 1");
  assert.equal([gsm?.min_lat, gsm?.max_lat, gsm?.min_lon, gsm?.max_lon], [51.1234568, 51.1234568, -0.9876543, -0.9876543]);
  const [areas] = await empty.pool.query<RowDataPacket[]>("SELECT HEX(areaid) AS id, num_cells FROM cell_area ORDER BY areaid");
  assert.is(areas.length, 3);
  const [nrAreas] = await empty.pool.query<RowDataPacket[]>("SELECT num_cells FROM cell_area_nr");
  assert.is(nrAreas.length, 1);
  const [stats] = await empty.pool.query<RowDataPacket[]>("SELECT region, gsm, wcdma, lte, nr FROM region_stat ORDER BY region");
  const total = stats.reduce((sum, r) => sum + Number(r.gsm) + Number(r.wcdma) + Number(r.lte) + Number(r.nr), 0);
  assert.is(total, 5, `region_stat counts the imported cells: ${JSON.stringify(stats)}`);
});

S("--since/--until exports the cells modified in [since, until) only", async ({ env, dir }) => {
  const at = (iso: string) => new Date(iso);
  await insertCells(env, [
    cell({ radio: "gsm", mcc: 234, mnc: 30, lac: 1, cid: 1, modified: at("2026-03-01T09:59:59Z") }),
    cell({ radio: "gsm", mcc: 234, mnc: 30, lac: 1, cid: 2, modified: at("2026-03-01T10:00:00Z") }),
    cell({ radio: "lte", mcc: 262, mnc: 1, lac: 1, cid: 3, modified: at("2026-03-01T10:59:59Z") }),
    cell({ radio: "lte", mcc: 262, mnc: 1, lac: 1, cid: 4, modified: at("2026-03-01T11:00:00Z") }),
  ]);
  const file = join(dir, "diff.csv");
  const r = await cells(env, "export", file, "--since", "2026-03-01T10:00:00Z", "--until", "2026-03-01T11:00:00Z");
  assert.is(r.code, 0, r.stderr);
  const rows = readFileSync(file, "utf8").split("\r\n").slice(1, -1).map((l) => l.split(",").slice(0, 5).join(","));
  assert.equal(rows, ["GSM,234,30,1,2", "LTE,262,1,1,3"]);
  const bad = await cells(env, "export", file, "--since", "2026-03-01T10:00:00Z");
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /needs both --since and --until/);
});

const ROW_TIME = 1_767_225_600; // 2026-01-01T00:00:00Z
const row = (fields: Partial<Record<"radio" | "mcc" | "net" | "area" | "cell" | "unit" | "lon" | "lat" | "range" | "samples" | "created" | "updated", string | number>> = {}) => {
  const f = { radio: "LTE", mcc: 262, net: 1, area: 500, cell: 1, unit: "", lon: 13.4, lat: 52.5, range: 800, samples: 5, created: ROW_TIME - 86_400, updated: ROW_TIME, ...fields };
  return [f.radio, f.mcc, f.net, f.area, f.cell, f.unit, f.lon, f.lat, f.range, f.samples, 1, f.created, f.updated, ""].join(",");
};
const csv = (...rows: string[]) => `${HEADER}\r\n${rows.join("\r\n")}\r\n`;

S("bad rows are skipped and named by line; the good ones are imported; a second import changes nothing", async ({ empty, dir }) => {
  const file = join(dir, "mixed.csv.gz");
  writeFileSync(file, gzipSync(csv(
    row({ cell: 1 }),
    row({ radio: "CDMA", cell: 2 }), // line 3
    row({ mcc: "26x", cell: 3 }), // line 4
    row({ lat: 91, cell: 4 }), // line 5
    "LTE,262,1,500,5,,13.4,52.5", // line 6: too few columns
    row({ cell: 6, range: 250_000 }), // capped at 100 km
    row({ lon: "east", cell: 7 }), // line 8
    row({ area: 0, cell: 8 }), // line 9: LAC 0 is no cell id
    row({ radio: "UMTS", mcc: 234, net: 10, area: 7, cell: 9, lon: -0.1, lat: 51.5 }),
  )));
  // Named .gz here, but gzip is told by its bytes: the same text under a plain name works too.
  const renamed = join(dir, "mixed-gzip-without-suffix");
  writeFileSync(renamed, readFileSync(file));
  const r = await cells(empty, "import", renamed);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /read 9 rows, imported 3, unchanged 0, skipped 6/);
  for (const line of [3, 4, 5, 6, 8, 9]) assert.match(r.stderr, new RegExp(`mixed-gzip-without-suffix:${line}: `), `line ${line} named`);
  assert.match(r.stderr, /:3: radio "CDMA" is not GSM, UMTS, LTE or NR/);
  assert.match(r.stderr, /:4: mcc "26x" is not a whole number/);
  assert.match(r.stderr, /:5: lat 91 is outside/);
  assert.match(r.stderr, /:6: 8 columns, expected 14/);
  assert.match(r.stderr, /warning: 6 bad rows skipped/);
  assert.is((await cellRow(empty, "lte", "cid = 6"))?.radius, 100_000);
  assert.ok(await cellRow(empty, "wcdma", "cid = 9"), "UMTS is stored as wcdma");

  const snapshot = async () => {
    const out: unknown[] = [];
    for (const t of CELL_TABLES) out.push((await empty.pool.query<RowDataPacket[]>(`SELECT * FROM \`${t}\` ORDER BY 1`))[0]);
    return JSON.stringify(out);
  };
  const before = await snapshot();
  const areasBefore = await empty.redis.xlen(empty.keys.stream("areas"));
  const second = await cells(empty, "import", file);
  assert.is(second.code, 0, second.stderr);
  assert.match(second.stdout, /imported 0, unchanged 3, skipped 6 .*; 0 areas queued/);
  assert.is(await snapshot(), before, "the second import changed no row");
  assert.is(await empty.redis.xlen(empty.keys.stream("areas")), areasBefore, "and queued no area");
});

S("an existing cell changes only when the row's updated is newer than its modified", async ({ empty, dir }) => {
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  assert.is((await cells(empty, "import", file("base.csv", csv(row({ cell: 1 }), row({ cell: 2 }))), "--no-drain")).code, 0);
  const r = await cells(empty, "import", file("update.csv", csv(
    row({ cell: 1, lat: 52.6, updated: ROW_TIME + 60, samples: 9 }),
    row({ cell: 2, lat: 52.6, updated: ROW_TIME - 60 }),
  )), "--no-drain");
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /imported 1, unchanged 1/);
  const newer = await cellRow(empty, "lte", "cid = 1");
  assert.is(newer?.lat, 52.6);
  assert.is(newer?.samples, 9);
  assert.is((newer!.modified as Date).getTime(), (ROW_TIME + 60) * 1000);
  assert.equal([newer?.min_lat, newer?.max_lat], [52.5, 52.6], "the box grows to hold the new centre");
  const older = await cellRow(empty, "lte", "cid = 2");
  assert.is(older?.lat, 52.5);
  assert.is((older!.modified as Date).getTime(), ROW_TIME * 1000);
});

S("an imported cell is found by /v1/geolocate, and its area appears once cellarea drains", async ({ env, dir }) => {
  const now = Math.floor(Date.now() / 1000);
  const path = join(dir, "locate.csv");
  writeFileSync(path, csv(row({ cell: 42, lat: 52.52, lon: 13.405, range: 1000, samples: 30, created: now - 90 * 86_400, updated: now - 3600 })));
  const r = await cells(env, "import", path, "--no-drain");
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /1 areas queued/);
  const res = await call(env, "/v1/geolocate", {
    considerIp: false, cellTowers: [{ radioType: "lte", mobileCountryCode: 262, mobileNetworkCode: 1, locationAreaCode: 500, cellId: 42 }],
  });
  assert.is(res.status, 200, await res.clone().text());
  const body = (await res.json()) as { location: { lat: number; lng: number }; accuracy: number };
  assert.ok(Math.abs(body.location.lat - 52.52) < 1e-6 && Math.abs(body.location.lng - 13.405) < 1e-6, JSON.stringify(body));
  const areaId = encodeAreaId({ radio: "lte", mcc: 262, mnc: 1, lac: 500 });
  const [none] = await env.pool.query<RowDataPacket[]>("SELECT 1 FROM cell_area WHERE areaid = ?", [areaId]);
  assert.is(none.length, 0, "not before the drain");
  await drainPipeline(env.services, { groups: ["cellarea"] });
  const [areas] = await env.pool.query<RowDataPacket[]>("SELECT lat, lon, num_cells, region FROM cell_area WHERE areaid = ?", [areaId]);
  assert.equal(areas.map((a) => [a.lat, a.lon, a.num_cells, a.region]), [[52.52, 13.405, 1, "DE"]]);
});

S("an unusable file changes nothing and says what to do", async ({ empty, dir }) => {
  const missing = await cells(empty, "import", join(dir, "nope.csv.gz"));
  assert.is(missing.code, 1);
  assert.match(missing.stderr, /cannot read .*nope\.csv\.gz: no such file/);
  const wrong = join(dir, "wrong.csv");
  writeFileSync(wrong, `mcc,mnc,lac\n${row()}\n`);
  const r = await cells(empty, "import", wrong);
  assert.is(r.code, 1);
  assert.match(r.stderr, /does not start with the cell CSV header; expected "radio,mcc,net/);
  const [rows] = await empty.pool.query<RowDataPacket[]>("SELECT COUNT(*) AS n FROM cell_lte");
  assert.is(Number(rows[0]!.n), 0);
  const usage = await cells(empty, "import");
  assert.is(usage.code, 2);
  assert.match(usage.stderr, /FILE is required/);
});

S.run();
