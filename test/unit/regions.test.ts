import { test } from "uvu";
import * as assert from "uvu/assert";
import { createRegionLookup, getRegionLookup } from "../../src/geo/regions.ts";

const regions = getRegionLookup();

test("positions inside a region get its code (SPEC §4.11)", () => {
  assert.is(regions.region(51.5142, -0.0931), "GB");
  assert.is(regions.region(51.5, -0.1), "GB");
  assert.is(regions.region(60.1, 20.0), "FI");
  assert.is(regions.region(49.7089, 6.0741), "LU");
});

test("all of Palestine, Gaza included, is XW", () => {
  assert.is(regions.region(31.522, 34.455), "XW");
  assert.is(regions.region(31.9, 35.2), "XW");
});

test("territories are their own regions", () => {
  assert.is(regions.region(18.4655, -66.1057), "PR");
  assert.is(regions.region(13.4443, 144.7937), "GU");
  assert.is(regions.region(18.3419, -64.9307), "VI");
  assert.is(regions.region(64.1814, -51.6941), "GL");
  assert.is(regions.region(22.3193, 114.1694), "HK");
});

test("open sea and the Antarctic treaty area have no region", () => {
  assert.is(regions.region(0, 0), null);
  assert.is(regions.region(-60, 11), null);
  assert.is(regions.region(36.4173, 18.728), null);
  assert.is(regions.region(48.3, -7.0), null);
  assert.not.ok(regions.anyRegion(0, 0));
  assert.ok(regions.anyRegion(51.5142, -0.0931));
});

test("points close to a border follow country-coder's borders, not Ichnaea's", () => {
  // Ichnaea's coarser Natural Earth shapes put these in FR, RS, ES, FR and CZ. (46.2130, 6.1290)
  // is in Geneva and (46.5743, 6.3532) by the Col du Marchairuz, both in Switzerland on the
  // ground; the others sit within a few kilometres of a border or on the coast, where the two
  // data sets draw the line differently.
  assert.is(regions.region(46.213, 6.129), "CH");
  assert.is(regions.region(46.5743, 6.3532), "CH");
  assert.is(regions.region(42.83256, 20.34221), "ME");
  assert.is(regions.region(42.4255, 3.3584), "FR");
  assert.is(regions.region(48.8656, 13.6781), "DE");
});

test("the buffered shape reaches half a degree beyond the border", () => {
  assert.ok(regions.inRegion(51.5142, -0.0931, "GB"));
  assert.not.ok(regions.inRegion(0, 0, "GB"));
  assert.ok(regions.inRegion(46.2884, 7.4, "FR"));
  assert.not.ok(regions.inRegion(46.2884, 7.45, "FR"));
});

test("a station moved 0.05° east keeps FR near Geneva but becomes CH in Valais (SPEC §4.8)", () => {
  // Stations of weight 1 at 6.77 / 7.4 with five observations at +0.05° end up ≈ 0.042° east.
  assert.ok(regions.inRegion(46.2884, 6.77 + 0.05, "FR"));
  assert.ok(regions.inRegion(46.2884, 6.8117, "FR"));
  assert.is(regions.region(46.2884, 7.45), "CH");
  assert.is(regions.region(46.2884, 7.4417), "CH");
  assert.not.ok(regions.inRegion(46.2884, 7.45, "FR"));
  assert.not.ok(regions.inRegion(46.2884, 7.4417, "FR"));
});

test("codes outside the GENC list are not regions", () => {
  assert.not.ok(regions.inRegion(60.1, 20.0, "AX"));
  assert.not.ok(regions.inRegion(31.522, 34.455, "PS"));
  assert.is(regions.maxRadius("AX"), null);
  for (const invalid of ["XX", "us", "USA", "A", ""]) assert.is(regions.maxRadius(invalid), null);
});

test("MCCs map to the regions that use them", () => {
  assert.equal([...regions.mccRegions(262)], ["DE"]);
  assert.equal([...regions.mccRegions(311)], ["AS", "GU", "US", "VI"]);
  assert.equal([...regions.mccRegions(244)], ["FI"]);
  assert.ok(regions.mccRegions(425).includes("IL"));
  assert.ok(regions.mccRegions(425).includes("XW"));
  assert.ok(regions.mccRegions(234).includes("GB"));
  assert.equal([...regions.mccRegions(222)], ["IT", "SM", "VA"]);
  assert.equal([...regions.mccRegions(1)], []);
});

test("every MCC has only known regions", () => {
  for (let mcc = 200; mcc < 1000; mcc++) {
    for (const code of regions.mccRegions(mcc)) assert.ok(regions.maxRadius(code) !== null, `${mcc} → ${code}`);
  }
});

test("a cell's MCC picks among the regions containing it", () => {
  assert.is(regions.regionForCell(51.5142, -0.0931, 234), "GB");
  assert.is(regions.regionForCell(51.5142, -0.0931, 235), "GB");
  assert.is(regions.regionForCell(46.213, 6.129, 228), "CH");
  assert.is(regions.regionForCell(46.5743, 6.3532, 208), "FR");
  assert.is(regions.regionForCell(31.522, 34.455, 425), "XW");
  assert.is(regions.regionForCell(0, 0, 234), null);
});

test("maximum radii follow Ichnaea's method", () => {
  assert.is(regions.maxRadius("LI"), 14_000);
  assert.is(regions.maxRadius("VA"), 1_000);
  // Ichnaea says 2,971,000 from land-only shapes; country-coder's contiguous US reaches ~200 nm
  // out to sea (farthest vertex 133.98° W, 38.06° N), so its radius comes out near 3,962,000.
  const us = regions.maxRadius("US")!;
  assert.ok(us >= 2_971_000 && us <= 4_000_000, `US radius ${us}`);
  assert.is(us % 1000, 0);
});

test("the shared lookup is built once", () => {
  assert.is(getRegionLookup(), regions);
  assert.is.not(createRegionLookup(), regions);
});

test("a region lookup over land in Europe takes microseconds", () => {
  let seed = 7;
  const next = (): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const points: [number, number][] = [];
  while (points.length < 5000) {
    const [lat, lon] = [36 + next() * 34, -10 + next() * 50];
    if (regions.region(lat, lon) !== null) points.push([lat, lon]);
  }
  const start = performance.now();
  for (const [lat, lon] of points) regions.region(lat, lon);
  const micros = ((performance.now() - start) * 1000) / points.length;
  // Measured ≈ 4–5 µs; the bound is loose so a busy CI machine does not fail it.
  assert.ok(micros < 50, `${micros.toFixed(1)} µs per lookup`);
});

test.run();
