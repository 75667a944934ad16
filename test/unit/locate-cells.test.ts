import { suite } from "uvu";
import * as assert from "uvu/assert";
import {
  type AreaLookupFields as AreaLookup,
  type CellLookupFields as CellLookup,
  type LocateArea,
  locateByAreas,
  locateByCells,
} from "../../src/domain/locate/cell-position.ts";
import { bestPosition } from "../../src/domain/locate/combine-results.ts";
import { areaScore, stationScore } from "../../src/domain/locate/score.ts";
import { areaKey, cellKey } from "../../src/domain/observation/cell-id.ts";
import type { CellStation } from "../../src/domain/station/station-row.ts";

const NOW = new Date("2026-06-15T12:00:00Z");
const TODAY = "2026-06-15";
const ago = (days: number) => new Date(NOW.getTime() - days * 86_400_000);
const close = (actual: number | undefined, expected: number, eps = 1e-7) =>
  assert.ok(actual !== undefined && Math.abs(actual - expected) < eps, `${actual} ≈ ${expected}`);

// SPEC §6 factory defaults: GB 51.5/−0.1, mcc 234 / mnc 30, cell radius 500, samples 1, now.
function cell(over: Partial<CellStation> = {}): CellStation {
  return {
    radio: "gsm", mcc: 234, mnc: 30, lac: 2, cid: 1, psc: null,
    lat: 51.5, lon: -0.1, maxLat: null, minLat: null, maxLon: null, minLon: null,
    radius: 500, region: "GB", samples: 1, source: 3, weight: 1,
    created: NOW, modified: NOW, lastSeen: TODAY, blockFirst: null, blockLast: null, blockCount: null,
    ...over,
  };
}
const lookupOf = (c: CellStation, over: Partial<CellLookup> = {}): CellLookup =>
  ({ radio: c.radio, mcc: c.mcc, mnc: c.mnc, lac: c.lac, cid: c.cid, ...over });

function area(over: Partial<LocateArea> = {}): LocateArea {
  return {
    radio: "gsm", mcc: 234, mnc: 30, lac: 2, lat: 51.5, lon: -0.1, radius: 25_000, region: "GB",
    numCells: 1, created: NOW, modified: NOW, lastSeen: TODAY, ...over,
  };
}
const areaLookupOf = (a: LocateArea): AreaLookup => ({ radio: a.radio, mcc: a.mcc, mnc: a.mnc, lac: a.lac });

const Cells = suite("cell positions");

Cells("one cell with samples 10 answers at the cell, its radius clamped to 1000…50,000 m", () => {
  for (const [radius, accuracy] of [[500, 1000], [5000, 5000], [60_000, 50_000], [null, 1000]] as const) {
    const c = cell({ samples: 10, radius });
    const [r, ...rest] = locateByCells([lookupOf(c)], [c], NOW);
    assert.is(rest.length, 0);
    assert.is(r?.lat, 51.5);
    assert.is(r?.lon, -0.1);
    assert.is(r?.accuracy, accuracy);
    close(r?.score, stationScore(c, NOW));
    assert.is(r?.source, "internal");
    assert.is(r?.fallback, null);
  }
});

// A difference from Ichnaea (README "Differences from Ichnaea", cell-position.ts): a group of
// cells is placed at its power-weighted centre, the score choosing the answer but not the place
// (Ichnaea: samples 100 and 10 weigh 2 : 1 through the score, a third of the way).
Cells("two cells of one area 1° apart with samples 100 and 10 and no signal meet halfway", () => {
  const a = cell({ samples: 100 });
  const b = cell({ cid: 2, lat: 52.5, lon: 0.9, samples: 10 });
  const [r, ...rest] = locateByCells([lookupOf(a), lookupOf(b)], [a, b], NOW);
  assert.is(rest.length, 0);
  close(r?.lat, 52);
  close(r?.lon, 0.4);
  // Half the 131 km between them is the spread; no signal counts as gsm's weakest, −113 dBm.
  assert.ok(Math.abs(r!.accuracy - Math.hypot(0.4 * Math.hypot(65_562, 40), 36 * 63)) < 5, `${r?.accuracy}`);
  close(r?.score, stationScore(a, NOW) + stationScore(b, NOW));
  assert.equal(r?.usedNetworks.map((n) => n.id), [cellKey(a), cellKey(b)]);
});

Cells("the weights follow received power and age, with the radio's weakest signal when none is given", () => {
  const a = cell();
  const b = cell({ cid: 2, lat: 51.6 });
  // −113 (the gsm default) against −103 dBm weighs 1 : 10 (Ichnaea's 1/dBm²: −113 against −56.5 is 1 : 4).
  let [r] = locateByCells([lookupOf(a), lookupOf(b, { signal: -103 })], [a, b], NOW);
  close(r?.lat, 51.5 + 0.1 * (10 / 11));
  // An 8000 ms age halves the weight (sqrt(2000 / 8000)); −113 given equals the default.
  [r] = locateByCells([lookupOf(a, { age: 8000, signal: -113 }), lookupOf(b, { age: -500 })], [a, b], NOW);
  close(r?.lat, 51.5 + 0.1 * (2 / 3));
});

// A difference from Ichnaea (its 95th percentile of the distances, at least 1,000 m): the
// calibrated radius (accuracy-model.ts), √((0.4 · spread)² + (0.032 · mean radius)² + (36 · max(0, −50 − loudest dBm))²).
Cells("the accuracy of a group is calibrated from the cells' spread, radii and loudest signal, at least 200 m", () => {
  const a = cell();
  const b = cell({ cid: 2, lat: 51.501 });
  const spread = 55.66; // half of the 111.3 m between the two cells
  let [r] = locateByCells([lookupOf(a, { signal: -50 }), lookupOf(b, { signal: -50 })], [a, b], NOW);
  close(r?.lat, 51.5005);
  assert.is(r?.accuracy, 200, "0.4 · √(55.7² + 40²) = 27 m, raised to 200");
  // The serving cell heard at −70 dBm: the phone is 20 dB from the towers, 36 m per dB.
  [r] = locateByCells([lookupOf(a, { signal: -70 }), lookupOf(b, { signal: -70 })], [a, b], NOW);
  assert.ok(Math.abs(r!.accuracy - Math.hypot(0.4 * Math.hypot(spread, 40), 720)) < 1, `${r?.accuracy}`);
  // No signal given: the radio's weakest (gsm, −113 dBm), 63 dB below −50.
  [r] = locateByCells([lookupOf(a), lookupOf(b)], [a, b], NOW);
  assert.ok(Math.abs(r!.accuracy - Math.hypot(0.4 * Math.hypot(spread, 40), 36 * 63)) < 1, `${r?.accuracy}`);
  const big = [cell({ radius: 20_000 }), cell({ cid: 2, lat: 51.501, radius: 20_000 })];
  [r] = locateByCells(big.map((c) => lookupOf(c, { signal: -50 })), big, NOW);
  assert.ok(Math.abs(r!.accuracy - 0.4 * Math.hypot(spread, 1600)) < 1, `${r?.accuracy}`);
});

Cells("cells of different areas are separate results, in the order first found", () => {
  const a = cell();
  const b = cell({ lac: 3, cid: 2, lat: 52 });
  const results = locateByCells([lookupOf(a), lookupOf(b)], [a, b], NOW);
  assert.equal(results.map((r) => r.lat), [51.5, 52]);
});

Cells("blocked and unpositioned cells are dropped", () => {
  const temporary = cell({ blockLast: TODAY, blockCount: 1 });
  const permanent = cell({ cid: 2, created: ago(120), blockCount: 4, blockLast: "2026-03-01" });
  const unpositioned = cell({ cid: 3, lat: null, lon: null });
  const cells = [temporary, permanent, unpositioned];
  assert.equal(locateByCells(cells.map((c) => lookupOf(c)), cells, NOW), []);
  const ok = cell({ cid: 4 });
  const results = locateByCells([...cells, ok].map((c) => lookupOf(c)), [...cells, ok], NOW);
  assert.equal(results[0]?.usedNetworks, [{ type: "cell", id: cellKey(ok), seenToday: true }]);
});

Cells("a cell last seen before today is reported as not seen today", () => {
  const c = cell({ lastSeen: "2026-06-14" });
  const [r] = locateByCells([lookupOf(c)], [c], NOW);
  assert.equal(r?.usedNetworks, [{ type: "cell", id: cellKey(c), seenToday: false }]);
});

Cells("NR cells are located like the others, grouped by their 9-byte area", () => {
  const a = cell({ radio: "nr", lac: 0x123456, cid: 0x9_0000_0001 });
  const b = cell({ radio: "nr", lac: 0x123456, cid: 0x9_0000_0002, lat: 51.6 });
  const results = locateByCells([lookupOf(a), lookupOf(b)], [a, b], NOW);
  assert.is(results.length, 1);
  close(results[0]?.lat, 51.55);
  assert.equal(results[0]?.usedNetworks.map((n) => n.id), [cellKey(a), cellKey(b)]);
});

Cells.run();

const Areas = suite("cell-area positions");

Areas("an area answers at its centre with at least 50,000 m, tagged lacf", () => {
  const a = area({ radius: 48_000, numCells: 4, lastSeen: "2026-06-01" });
  const [r, ...rest] = locateByAreas([areaLookupOf(a)], [a], NOW);
  assert.is(rest.length, 0);
  assert.is(r?.lat, 51.5);
  assert.is(r?.lon, -0.1);
  assert.is(r?.accuracy, 50_000);
  close(r?.score, areaScore(a, NOW));
  assert.is(r?.fallback, "lacf");
  assert.equal(r?.usedNetworks, [{ type: "area", id: areaKey(a), seenToday: false }]);
});

Areas("an area radius is kept up to 500,000 m", () => {
  const [mid] = locateByAreas([areaLookupOf(area())], [area({ radius: 120_000 })], NOW);
  const [huge] = locateByAreas([areaLookupOf(area())], [area({ radius: 900_000 })], NOW);
  assert.is(mid?.accuracy, 120_000);
  assert.is(huge?.accuracy, 500_000);
});

Areas("of two nearby areas the more accurate one wins after combining, ties by score", () => {
  const a = area({ radius: 25_000, numCells: 8 });
  const b = area({ lac: 3, lat: 51.7, radius: 30_000, numCells: 6 });
  const results = locateByAreas([areaLookupOf(a), areaLookupOf(b)], [a, b], NOW);
  assert.is(results.length, 2);
  const best = bestPosition(results);
  assert.is(best?.lat, 51.5);
  assert.is(best?.accuracy, 50_000);
  close(best?.score, areaScore(a, NOW));
});

Areas("unpositioned areas are dropped", () => {
  assert.equal(locateByAreas([areaLookupOf(area())], [area({ lat: null, lon: null })], NOW), []);
});

Areas("an area no lookup asked for is ignored", () => {
  assert.equal(locateByAreas([areaLookupOf(area({ lac: 3 }))], [area()], NOW), []);
});

Areas.run();
