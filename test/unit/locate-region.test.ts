import { suite } from "uvu";
import * as assert from "uvu/assert";
import type { AreaLookupFields as AreaLookup, LocateArea } from "../../src/domain/locate/cell-position.ts";
import { bestRegion } from "../../src/domain/locate/combine-results.ts";
import { estimateGeoIp, geoIpRegion } from "../../src/domain/locate/geoip-result.ts";
import {
  ambiguousAreaLookups,
  cellVoters,
  type RegionSearchInput,
  regionName,
  regionsFromCells,
  regionsFromStations,
  searchRegions,
} from "../../src/domain/locate/region-search.ts";
import type { RegionResult } from "../../src/domain/locate/result.ts";
import { stationScore } from "../../src/domain/locate/score.ts";
import type { StationFields } from "../../src/domain/station/station-row.ts";
import { getRegionLookup } from "../../src/geo/regions.ts";

const regions = getRegionLookup();
const NOW = new Date("2026-06-15T12:00:00Z");
const TODAY = "2026-06-15";
const ago = (days: number) => new Date(NOW.getTime() - days * 86_400_000);
const close = (actual: number | undefined, expected: number) =>
  assert.ok(actual !== undefined && Math.abs(actual - expected) < 1e-9, `${actual} ≈ ${expected}`);

function station(over: Partial<StationFields> = {}): StationFields {
  return {
    lat: 51.5, lon: -0.1, maxLat: null, minLat: null, maxLon: null, minLon: null, radius: 5,
    region: "GB", samples: 10, source: 3, weight: 1, created: NOW, modified: NOW, lastSeen: TODAY,
    blockFirst: null, blockLast: null, blockCount: null, ...over,
  };
}
const cell = (mcc: number, lac = 2): AreaLookup => ({ radio: "gsm", mcc, mnc: 30, lac });
const area = (mcc: number, region: string, over: Partial<LocateArea> = {}): LocateArea => ({
  radio: "gsm", mcc, mnc: 30, lac: 2, lat: 40, lon: -100, radius: 10_000, region,
  numCells: 4, created: ago(10), modified: NOW, lastSeen: TODAY, ...over,
});
const input = (over: Partial<RegionSearchInput>): RegionSearchInput =>
  ({ blue: [], wifi: [], cells: [], areas: [], ambiguousAreas: [], ...over });

/** SPEC §3.10 fixture: 81.2.69.192 is London, GB score 0.8. */
const londonIp = (): RegionResult => {
  const e = estimateGeoIp({ countryCode: "GB", city: "London", cityGeonameId: 2643743, latitude: 51.5142, longitude: -0.0931 }, regions);
  if (!e) throw new Error("no London");
  return geoIpRegion(e, false);
};
/** A single cell entry is both a cell lookup and an area lookup (SPEC §3.2). */
const query = (...mccs: number[]) => ({ cells: mccs.map((m, i) => cell(m, i + 2)), areas: mccs.map((m, i) => cell(m, i + 2)) });
const answer = (results: readonly RegionResult[]) => {
  const best = bestRegion(results);
  return { code: best?.regionCode, fallback: best?.fallback };
};

const Stations = suite("region search: Bluetooth and WiFi");

Stations("two GB stations with samples 10 answer GB with the summed score", () => {
  const sts = [station(), station({ lat: 51.5001 })];
  const [r, ...rest] = regionsFromStations(sts, NOW, regions);
  assert.is(rest.length, 0);
  assert.is(r?.regionCode, "GB");
  assert.is(r?.regionName, "United Kingdom");
  assert.is(r?.accuracy, regions.maxRadius("GB"));
  close(r?.score, 2 * stationScore(sts[0]!, NOW));
  assert.is(r?.source, "internal");
});

Stations("blocked, unpositioned, region-less stations and unknown regions are ignored", () => {
  const sts = [
    station({ blockLast: TODAY, blockCount: 1 }),
    station({ lat: null, lon: null }),
    station({ region: null }),
    station({ region: "XX" }),
  ];
  assert.equal(regionsFromStations(sts, NOW, regions), []);
});

Stations("US WiFi stations beat a GB cell and a GB IP (test_wifi_over_cell)", () => {
  const us = { lat: 40, lon: -100, region: "US", samples: 1000, created: ago(90) };
  const results = [
    ...searchRegions(input({ wifi: [station(us), station({ ...us, lat: 40.0001 })], ...query(235) }), NOW, regions),
    londonIp(),
  ];
  assert.equal(answer(results), { code: "US", fallback: null });
});

Stations.run();

const Cells = suite("region search: cells");

Cells("a single mcc 235 cell answers GB", () => {
  const results = regionsFromCells(query(235).cells, query(235).areas, [], NOW, regions);
  assert.equal(results.map((r) => [r.regionCode, r.score]), [["GB", 1]]);
});

Cells("a single mcc 234 cell splits its vote over GB/GG/IM/JE; the largest radius (GB) wins", () => {
  const q = query(234);
  const results = regionsFromCells(q.cells, q.areas, [], NOW, regions);
  assert.equal(results.map((r) => r.regionCode).sort(), ["GB", "GG", "IM", "JE"]);
  for (const r of results) close(r.score, 0.25);
  assert.equal(answer(results), { code: "GB", fallback: null });
});

Cells("an mcc 262 cell (DE) beats a London IP", () => {
  const q = query(262);
  assert.equal(answer([...regionsFromCells(q.cells, q.areas, [], NOW, regions), londonIp()]), { code: "DE", fallback: null });
});

Cells("an mcc 310 cell alone loses to a London IP, which answers GB with fallback ipf", () => {
  const q = query(310);
  assert.equal(answer([...regionsFromCells(q.cells, q.areas, [], NOW, regions), londonIp()]), { code: "GB", fallback: "ipf" });
});

Cells("each cell counts once (DESIGN §7): 310 + 311 cells vote 1/6 + 1/4 for US, not Ichnaea's 0.833", () => {
  const q = query(310, 311);
  const us = regionsFromCells(q.cells, q.areas, [], NOW, regions).find((r) => r.regionCode === "US");
  close(us?.score, 1 / 6 + 1 / 4);
  // So without area data they no longer outvote the London IP (Ichnaea's test_cells_over_geoip)…
  assert.equal(answer([...regionsFromCells(q.cells, q.areas, [], NOW, regions), londonIp()]), { code: "GB", fallback: "ipf" });
  // …but the areas of the ambiguous MCCs, placed in the US, settle it.
  const areas = [area(310, "US"), area(311, "US", { lac: 3 })];
  const results = regionsFromCells(q.cells, q.areas, areas, NOW, regions);
  assert.equal(answer([...results, londonIp()]), { code: "US", fallback: null });
});

Cells("an area only adds to a region its MCC already proposes, and counts once", () => {
  const q = query(310);
  const results = regionsFromCells(q.cells, q.areas, [area(310, "DE"), area(310, "US"), area(310, "US")], NOW, regions);
  assert.not.ok(results.some((r) => r.regionCode === "DE"));
  // area score: collection 1.0 × sqrt(4 cells) = 2.0
  close(results.find((r) => r.regionCode === "US")?.score, 1 / 6 + 2);
});

Cells.run();

const Voters = suite("region search: which entries vote");

Voters("a full cell and its own area lookup are one vote; an area-only entry votes for itself", () => {
  const full = cell(235, 2);
  const areaOnly = cell(262, 9);
  assert.equal(cellVoters([full], [full, areaOnly]), [full, areaOnly]);
});

Voters("three cells of one area are three votes", () => {
  const cells = [cell(235), cell(235), cell(235)];
  assert.is(cellVoters(cells, [cell(235)]).length, 3);
  const results = regionsFromCells(cells, [cell(235)], [], NOW, regions);
  close(results[0]?.score, 3);
});

Voters("with lacf off (no area lookups) cells still vote", () => {
  close(regionsFromCells([cell(235)], [], [], NOW, regions)[0]?.score, 1);
});

Voters("only areas of ambiguous MCCs are loaded, each once", () => {
  const lookups = ambiguousAreaLookups([cell(235), cell(310, 5), cell(310, 5)], [cell(310, 5), cell(311, 6)], regions);
  assert.equal(lookups, [cell(310, 5), cell(311, 6)]);
});

Voters.run();

const Names = suite("region names");

Names("names come from CLDR, with GENC's own codes filled in", () => {
  assert.is(regionName("GB"), "United Kingdom");
  assert.is(regionName("TW"), "Taiwan");
  assert.is(regionName("DE"), "Germany");
  assert.is(regionName("XW"), "West Bank");
  assert.is(regionName("XR"), "Svalbard");
});

Names.run();
