import { test } from "uvu";
import * as assert from "uvu/assert";
import { areaScore, stationScore } from "../../src/domain/locate/score.ts";

const NOW = new Date("2026-06-15T12:00:00Z");
const ago = (days: number) => new Date(NOW.getTime() - days * 86_400_000);
const day = (d: Date) => d.toISOString().slice(0, 10);
const station = (created: number, modified: number, radius: number, samples: number, extra: { blockLast?: number; lastSeen?: number } = {}) =>
  stationScore({
    created: ago(created), modified: ago(modified), radius, samples,
    blockLast: extra.blockLast === undefined ? null : day(ago(extra.blockLast)),
    lastSeen: extra.lastSeen === undefined ? null : day(ago(extra.lastSeen)),
  }, NOW);
const close = (actual: number, expected: number) => assert.ok(Math.abs(actual - expected) < 0.005, `${actual} ≈ ${expected}`);

test("station scores reproduce SPEC §3.8's unit-test values", () => {
  close(station(0, 0, 0, 1), 0.05);
  close(station(1, 0, 10, 2), 0.1);
  close(station(5, 0, 10, 2), 0.5);
  close(station(10, 0, 10, 2), 1.0);
  close(station(10, 0, 10, 64), 6.0);
  close(station(10, 0, 10, 1024), 10.0);
  close(station(10, 0, 0, 1024), 0.5);
  close(station(70, 40, 10, 1024), 7.07);
  close(station(190, 180, 10, 1024), 3.78);
  close(station(190, 180, 10, 64), 2.27);
});

test("a recent block shortens the collection period; a later last_seen lengthens it", () => {
  close(station(70, 60, 10, 64, { blockLast: 65 }), 1.73);
  close(station(70, 60, 10, 64, { blockLast: 65, lastSeen: 58 }), 2.42);
});

test("area scores use the cell count with a square root", () => {
  close(areaScore({ created: NOW, modified: NOW, radius: 10, numCells: 4, lastSeen: null }, NOW), 0.2);
  close(areaScore({ created: NOW, modified: NOW, radius: 0, numCells: 100, lastSeen: null }, NOW), 0.1);
});

test("a station without created or modified scores 0", () => {
  assert.is(stationScore({ created: null, modified: NOW, radius: 1, samples: 5, lastSeen: null, blockLast: null }, NOW), 0);
});

test.run();
