/** The coverage map's tile arithmetic (src/map/tiles.ts), from plain values. */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { cellStep, parseTile, tileBox } from "../../src/map/tiles.ts";

const S = suite("map tiles");

S("tile paths parse within the zoom's range, anything else is no tile", () => {
  assert.equal(parseTile("0", "0", "0"), { z: 0, x: 0, y: 0 });
  assert.equal(parseTile("13", "8191", "8191"), { z: 13, x: 8191, y: 8191 });
  for (const [z, x, y] of [["14", "0", "0"], ["1", "2", "0"], ["1", "0", "2"], ["-1", "0", "0"], ["a", "0", "0"], ["1", "0", "0.5"], ["", "0", "0"]]) {
    assert.is(parseTile(z!, x!, y!), null, `${z}/${x}/${y}`);
  }
});

S("a tile's box in thousandths of a degree covers the whole tile", () => {
  assert.equal(tileBox({ z: 0, x: 0, y: 0 }), { latMin: -85_052, latMax: 85_052, lonMin: -180_000, lonMax: 180_000 });
  const london = tileBox({ z: 10, x: 511, y: 340 });
  assert.ok(london.latMin <= 51_500 && 51_500 <= london.latMax && london.lonMin <= -100 && -100 <= london.lonMax, JSON.stringify(london));
});

S("cells are about two pixels of a tile: coarse at zoom 0, the grid's own 0.001° from zoom 12", () => {
  assert.is(cellStep(0), 4096);
  assert.is(cellStep(8), 16);
  assert.is(cellStep(12), 1);
  assert.is(cellStep(13), 1);
  for (let z = 1; z <= 13; z++) assert.ok(cellStep(z) <= cellStep(z - 1));
});

S.run();
