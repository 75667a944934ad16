import { test } from "uvu";
import * as assert from "uvu/assert";
import { computeCellArea } from "../../src/domain/area/cell-area.ts";
import type { RegionLookup } from "../../src/geo/region-lookup.ts";
import { getRegionLookup } from "../../src/geo/regions.ts";
import type { CellStation } from "../../src/domain/station/station-row.ts";

const regions = getRegionLookup();
const [GB_LAT, GB_LON] = [51.5, -0.1];

let nextCid = 1;
function cell(fields: Partial<CellStation> = {}): CellStation {
  const lat = fields.lat === undefined ? GB_LAT : fields.lat;
  const lon = fields.lon === undefined ? GB_LON : fields.lon;
  return {
    radio: "gsm", mcc: 234, mnc: 1, lac: 2, cid: nextCid++, psc: null,
    lat, lon, maxLat: lat, minLat: lat, maxLon: lon, minLon: lon,
    radius: 1000, region: "GB", samples: 3, source: 3, weight: 3,
    created: null, modified: null, lastSeen: "2024-01-10",
    blockFirst: null, blockLast: null, blockCount: null,
    ...fields,
  };
}

/** A lookup whose MCC-aware answer is fixed, to isolate the tie-break. */
const fixedRegion = (answer: string | null): RegionLookup => ({ ...regions, regionForCell: () => answer });

test("an area of one cell is that cell (SPEC §4.10)", () => {
  const one = cell({ radius: 1500 });
  const area = computeCellArea([one], regions, 234)!;
  assert.is(area.lat, one.lat);
  assert.is(area.lon, one.lon);
  assert.is(area.radius, 0);
  assert.is(area.avgCellRadius, 1500);
  assert.is(area.numCells, 1);
  assert.is(area.region, "GB");
  assert.is(area.lastSeen, "2024-01-10");
});

test("cell radii average and the newest last_seen wins", () => {
  const area = computeCellArea([
    cell({ radius: 200, lastSeen: "2024-01-11" }),
    cell({ radius: 300, lastSeen: "2024-01-10" }),
  ], regions, 234)!;
  assert.is(area.avgCellRadius, 250);
  assert.is(area.lastSeen, "2024-01-11");
  assert.is(area.numCells, 2);
  assert.is(area.radius, 0);
});

test("the average cell radius rounds half to even and skips missing radii", () => {
  const area = computeCellArea([cell({ radius: 100 }), cell({ radius: 101 }), cell({ radius: null })], regions, 234)!;
  assert.is(area.avgCellRadius, 100);
  assert.is(computeCellArea([cell({ radius: null })], regions, 234)!.avgCellRadius, null);
  assert.is(computeCellArea([cell({ lastSeen: null })], regions, 234)!.lastSeen, null);
});

test("the centre is the unweighted mean and the radius reaches the bounding box corners", () => {
  const a = cell({ lat: 51.5, lon: -0.1, maxLat: 51.51, minLat: 51.49, maxLon: -0.09, minLon: -0.11 });
  const b = cell({ lat: 51.6, lon: -0.2 });
  const area = computeCellArea([a, b], regions, 234)!;
  assert.ok(Math.abs(area.lat - 51.55) < 1e-12);
  assert.ok(Math.abs(area.lon + 0.15) < 1e-12);
  // Farthest corner from (51.55, −0.15): (51.49, −0.2) or (51.6, −0.09) ≈ 7.7 km.
  assert.ok(Number.isInteger(area.radius));
  assert.ok(area.radius > 7000 && area.radius < 8000, `radius ${area.radius}`);
});

test("cells missing bounding box corners still count, like numpy's nan-aware max", () => {
  const full = cell({ lat: GB_LAT + 0.0002 });
  const partial = cell({ maxLat: null, minLon: null });
  const area = computeCellArea([full, partial], regions, 234)!;
  assert.ok(Math.abs(area.lat - (full.lat! - 0.0001)) < 1e-12);
  assert.is(area.lon, GB_LON);
  assert.is(area.numCells, 2);
  assert.ok(area.radius > 0 && area.radius < 20, `radius ${area.radius}`);
  const bare = cell({ maxLat: null, minLat: null, maxLon: null, minLon: null });
  assert.is(computeCellArea([bare], regions, 234)!.radius, 0);
});

test("cells without a position are left out; none at all means no area", () => {
  assert.is(computeCellArea([], regions, 234), null);
  assert.is(computeCellArea([cell({ lat: null, lon: null })], regions, 234), null);
  assert.is(computeCellArea([cell(), cell({ lat: null, lon: null })], regions, 234)!.numCells, 1);
});

test("the majority region wins", () => {
  const area = computeCellArea([
    cell({ mcc: 310, lat: 18.33, lon: -64.9, region: "PR" }),
    cell({ mcc: 310, lat: 18.34, lon: -64.9, region: "PR" }),
    cell({ mcc: 310, lat: 35.8, lon: -83.1, region: "US" }),
  ], regions, 310)!;
  assert.is(area.region, "PR");
  const tied = computeCellArea([
    cell({ mcc: 310, lat: 18.33, lon: -64.9, region: "PR" }),
    cell({ mcc: 310, lat: 18.34, lon: -64.9, region: "PR" }),
  ], regions, 310)!;
  assert.is(tied.region, "PR");
});

test("a tie between XW and IL cells under MCC 425 goes to the reverse geocode: IL", () => {
  const area = computeCellArea([
    cell({ mcc: 425, lat: 32.2, lon: 35.0, radius: 10_000, region: "XW" }),
    cell({ mcc: 425, lat: 32.2, lon: 34.9, radius: 10_000, region: "IL" }),
  ], regions, 425)!;
  assert.is(area.region, "IL");
});

test("all regions null gives a null region", () => {
  assert.is(computeCellArea([cell({ region: null }), cell({ region: null })], regions, 234)!.region, null);
});

test("a tie between null and NL stays null when the centre is not in the MCC's regions", () => {
  const cells = [cell({ mcc: 204, region: null }), cell({ mcc: 204, region: "NL" })];
  assert.is(regions.regionForCell(GB_LAT, GB_LON, 204), null);
  assert.is(computeCellArea(cells, regions, 204)!.region, null);
});

test("ties take the first region in sort order when the reverse geocode finds nothing", () => {
  const cells = [cell({ region: "NL" }), cell({ region: "BE" })];
  assert.is(computeCellArea(cells, fixedRegion(null), 204)!.region, "BE");
  assert.is(computeCellArea(cells, fixedRegion("NL"), 204)!.region, "NL");
  assert.is(computeCellArea([cell({ region: "NL" }), cell({ region: null })], fixedRegion("NL"), 204)!.region, "NL");
});

test.run();
