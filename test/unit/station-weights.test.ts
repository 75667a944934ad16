import { test } from "uvu";
import * as assert from "uvu/assert";
import { isStationBlocked } from "../../src/domain/station/blocking.ts";
import { addDays } from "../../src/domain/station/station-days.ts";
import { observationWeight, type WeightInput } from "../../src/domain/station/weights.ts";
import type { StationKind } from "../../src/domain/observation/types.ts";

/** SPEC §4.7 gives the test values to two decimals. */
function weighs(kind: StationKind, obs: WeightInput, expected: number) {
  const w = observationWeight(kind, obs);
  assert.ok(Math.abs(w - expected) < 0.005 + 1e-12, `${kind} ${JSON.stringify(obs)}: ${w} ≠ ${expected}`);
}

test("wifi accuracy weights fall with the square root and stop above 200 m", () => {
  weighs("wifi", { accuracy: 10, signal: -80 }, 1.0);
  weighs("wifi", { accuracy: 40, signal: -80 }, 0.5);
  weighs("wifi", { accuracy: 100, signal: -80 }, 0.32);
  weighs("wifi", { accuracy: 200, signal: -80 }, 0.22);
  assert.is(observationWeight("wifi", { accuracy: 200.1, signal: -80 }), 0);
});

// A difference from Ichnaea (README "Differences from Ichnaea", weights.ts): Wi-Fi weighs by
// received power relative to −80 dBm; Ichnaea's curve gave −100 → 0.48, −30 → 16, −10 → 123.46.
test("wifi signal weights follow received power relative to -80 dBm", () => {
  weighs("wifi", { accuracy: 10, signal: -100 }, 0.01);
  weighs("wifi", { accuracy: 10, signal: -70 }, 10);
  weighs("wifi", { accuracy: 10, signal: -60 }, 100);
  weighs("wifi", { accuracy: 40, signal: -60 }, 50);
  weighs("wifi", { accuracy: 10 }, 1);
});

test("old observations weigh less and those older than 20 s weigh nothing", () => {
  weighs("wifi", { accuracy: 10, signal: -80, age: 5000 }, 0.63);
  weighs("wifi", { accuracy: 10, signal: -80, age: 8000 }, 0.5);
  weighs("wifi", { accuracy: 10, signal: -80, age: -8000 }, 0.5);
  assert.is(observationWeight("wifi", { accuracy: 10, signal: -80, age: 20001 }), 0);
  assert.is(observationWeight("wifi", { accuracy: 10, signal: -80, age: 1000 }), 1);
});

test("fast observations weigh less and those above 50 m/s weigh nothing", () => {
  weighs("wifi", { accuracy: 10, signal: -80, speed: 20 }, 0.5);
  assert.is(observationWeight("wifi", { accuracy: 10, signal: -80, speed: 50.1 }), 0);
  assert.is(observationWeight("wifi", { accuracy: 10, signal: -80, speed: 5 }), 1);
});

test("cell signal weights use the radio's default and offset", () => {
  weighs("cell", { radio: "gsm", signal: -51 }, 10.17);
  weighs("cell", { radio: "gsm", signal: -113 }, 0.52);
  weighs("cell", { radio: "wcdma", signal: -25 }, 256);
  weighs("cell", { radio: "wcdma", signal: -121 }, 0.47);
  weighs("cell", { radio: "lte", signal: -43 }, 47.96);
  weighs("cell", { radio: "lte", signal: -140 }, 0.3);
  for (const radio of ["gsm", "wcdma", "lte", "nr"] as const) weighs("cell", { radio }, 1);
});

test("nr cells are weighed like lte cells", () => {
  assert.is(observationWeight("cell", { radio: "nr", signal: -43 }), observationWeight("cell", { radio: "lte", signal: -43 }));
});

test("cell accuracy weights stop above 1000 m", () => {
  weighs("cell", { radio: "gsm", accuracy: 160 }, 0.25);
  weighs("cell", { radio: "gsm", accuracy: 1000 }, 0.1);
  assert.is(observationWeight("cell", { radio: "gsm", accuracy: 1000.1 }), 0);
});

// A difference from Ichnaea, which ignores a beacon's signal (0.32 at accuracy 100 whatever the
// signal): beacons weigh like Wi-Fi, by received power relative to −80 dBm.
test("bluetooth weighs by received power and stops above 100 m", () => {
  weighs("blue", { accuracy: 100, signal: -80 }, 0.32);
  weighs("blue", { accuracy: 100, signal: -60 }, 31.62);
  weighs("blue", { accuracy: 10, signal: -90 }, 0.1);
  assert.is(observationWeight("blue", { accuracy: 100.1 }), 0);
  assert.is(observationWeight("blue", {}), 1);
});

test("zero accuracy, age and speed count as unknown", () => {
  assert.is(observationWeight("wifi", { accuracy: 0, age: 0, speed: 0 }), 1);
});

const today = "2024-06-15";
const daysAgo = (n: number) => new Date(`${addDays(today, -n)}T12:34:56Z`);
const blocked = (fields: { created?: Date; blockCount?: number; blockLast?: string }) =>
  isStationBlocked({ created: fields.created ?? null, blockCount: fields.blockCount ?? null, blockLast: fields.blockLast ?? null }, today);

test("a station is allowed one block per 30 days of known age", () => {
  assert.ok(blocked({ created: daysAgo(14), blockCount: 1 }));
  assert.ok(blocked({ created: daysAgo(30), blockCount: 1 }));
  assert.not.ok(blocked({ created: daysAgo(45), blockCount: 1 }), "round(1.5) = 2");
  assert.ok(blocked({ created: daysAgo(45), blockCount: 2 }));
  assert.not.ok(blocked({ created: daysAgo(105), blockCount: 3 }), "round(3.5) = 4");
});

test("a block lasts for the block day and the next day", () => {
  assert.ok(blocked({ blockLast: today }));
  assert.ok(blocked({ blockLast: addDays(today, -1) }));
  assert.not.ok(blocked({ blockLast: addDays(today, -2) }));
  assert.not.ok(blocked({ blockLast: addDays(today, -14) }));
});

test("a station never blocked, or with a zero count, is not blocked", () => {
  assert.not.ok(blocked({ created: daysAgo(1) }));
  assert.not.ok(blocked({ created: daysAgo(1), blockCount: 0 }));
});

test.run();
