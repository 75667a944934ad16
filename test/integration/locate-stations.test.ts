/**
 * The locate path's station reads (issue: at most one database round trip per station type per
 * request): every shard a request touches is read in one UNION ALL, positioned rows only.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { upsertAreas } from "../../src/db/cell-areas.ts";
import type { Pool } from "../../src/db/pool.ts";
import { loadAreasForLocate, loadCellStationsForLocate, loadMacStationsForLocate } from "../../src/db/locate-stations.ts";
import { encodeAreaId } from "../../src/domain/observation/cell-id.ts";
import { insertStations, stationRow } from "../support/station-cases.ts";
import { createStreamTestEnv, type StreamTestEnv } from "../support/stream-setup.ts";

const S = suite<{ env: StreamTestEnv }>("locate station reads");

S.before(async (ctx) => {
  ctx.env = await createStreamTestEnv("locate-stations");
});
S.after(async (ctx) => ctx.env.close());

/** The pool, counting the statements sent through it. */
function counting(pool: Pool): { db: Pick<Pool, "query">; statements: () => number } {
  let n = 0;
  const db = { query: ((...args: Parameters<Pool["query"]>) => { n += 1; return pool.query(...args); }) as Pool["query"] };
  return { db, statements: () => n };
}

S("Wi-Fi stations from three shards come back in one statement, without unpositioned ones", async ({ env }) => {
  // Shards 1, 5 and e (the MAC's 5th hex digit); one more in shard 5 without a position.
  const macs = ["a8206611aaaa", "a8206655bbbb", "a82066eecccc"];
  await insertStations(env.pool, "wifi", [
    ...macs.map((mac) => stationRow("wifi", { mac })),
    stationRow("wifi", { mac: "a8206655dddd" }, { lat: null, lon: null }),
  ]);
  const { db, statements } = counting(env.pool);
  const found = await loadMacStationsForLocate(db, "wifi", [...macs, "a8206655dddd", "a82066990000"]);
  assert.equal(found.map((s) => s.mac).sort(), macs);
  assert.is(statements(), 1);
  assert.equal(await loadMacStationsForLocate(db, "wifi", []), []);
  assert.is(statements(), 1, "an empty lookup sends nothing");
});

S("cells of every radio, NR included, and their areas come back in one statement each", async ({ env }) => {
  const lte = { radio: "lte", mcc: 234, mnc: 30, lac: 7, cid: 1234 } as const;
  const nr = { radio: "nr", mcc: 234, mnc: 30, lac: 70_000, cid: 2 ** 35 + 7 } as const;
  const gsm = { radio: "gsm", mcc: 234, mnc: 30, lac: 7, cid: 99 } as const;
  await insertStations(env.pool, "cell", [stationRow("cell", lte as never), stationRow("cell", nr as never), stationRow("cell", gsm as never)]);
  const conn = await env.pool.getConnection();
  try {
    const area = (a: { radio: "lte" | "nr"; mcc: number; mnc: number; lac: number }) => ({
      areaid: encodeAreaId(a), ...a, lat: 51.5, lon: -0.1, radius: 3000, region: "GB", avgCellRadius: 1500, numCells: 1, lastSeen: null,
    });
    await upsertAreas(conn, "cell_area", [area({ radio: "lte", mcc: 234, mnc: 30, lac: 7 })], new Date());
    await upsertAreas(conn, "cell_area_nr", [area({ radio: "nr", mcc: 234, mnc: 30, lac: 70_000 })], new Date());
  } finally {
    conn.release();
  }
  const { db, statements } = counting(env.pool);
  const cells = await loadCellStationsForLocate(db, [lte, nr, gsm, { ...lte, cid: 4321 }]);
  assert.equal(cells.map((c) => `${c.radio}/${c.cid}`).sort(), ["gsm/99", `lte/1234`, `nr/${2 ** 35 + 7}`]);
  assert.is(statements(), 1);
  const areas = await loadAreasForLocate(db, [{ radio: "lte", mcc: 234, mnc: 30, lac: 7 }, { radio: "nr", mcc: 234, mnc: 30, lac: 70_000 }]);
  assert.equal(areas.map((a) => `${a.radio}/${a.lac}/${a.numCells}/${a.region}`).sort(), ["lte/7/1/GB", "nr/70000/1/GB"]);
  assert.is(statements(), 2);
});

S("the locate read returns every field the searchers use exactly as the projectors stored it", async ({ env }) => {
  const created = new Date("2025-03-04T05:06:07Z");
  const modified = new Date("2026-11-20T21:22:23Z");
  const over = {
    lat: 51.512345678901, lon: -0.123456789012, radius: 321, region: "GB", samples: 4711, created, modified,
    lastSeen: "2026-11-29", blockFirst: "2025-06-01", blockLast: "2026-01-02", blockCount: 3,
  };
  const wifi = stationRow("wifi", { mac: "a82066aa0001" }, over);
  // One with a move candidate (move-watch.ts): locate must learn where it may stand now.
  const moving = { ...stationRow("wifi", { mac: "a82066aa0002" }, over), move: { lat: 51.52, lon: -0.12, weight: 3, samples: 2 } };
  const cell = stationRow("cell", { radio: "gsm", mcc: 234, mnc: 30, lac: 7, cid: 4242 }, over);
  await insertStations(env.pool, "wifi", [wifi, moving]);
  await insertStations(env.pool, "cell", [cell]);
  const searched = {
    lat: over.lat, lon: over.lon, radius: 321, region: "GB", samples: 4711, created, modified,
    lastSeen: "2026-11-29", blockLast: "2026-01-02", blockCount: 3,
  };
  const found = await loadMacStationsForLocate(env.pool, "wifi", ["a82066aa0001", "a82066aa0002"]);
  assert.equal(found.sort((a, b) => a.mac.localeCompare(b.mac)), [
    { mac: "a82066aa0001", ...searched, move: null },
    { mac: "a82066aa0002", ...searched, move: { lat: 51.52, lon: -0.12, samples: 2 } },
  ]);
  assert.equal(await loadCellStationsForLocate(env.pool, [{ radio: "gsm", mcc: 234, mnc: 30, lac: 7, cid: 4242 }]), [
    { radio: "gsm", mcc: 234, mnc: 30, lac: 7, cid: 4242, ...searched },
  ]);
});

S.run();
