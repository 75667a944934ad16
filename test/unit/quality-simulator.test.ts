/**
 * The location-quality simulator (bench/quality-support) measures what it claims: stumblers stay
 * on the streets, the movers move between the two halves of the trips, queries hear what stands
 * near them, the peer baseline follows its stated rule, and the scores are computed as labelled.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { buildPeer, trueCentroid } from "../../bench/quality-support/baselines.ts";
import { createCity } from "../../bench/quality-support/city.ts";
import { createRadio, type Radio } from "../../bench/quality-support/radio.ts";
import { score } from "../../bench/quality-support/score.ts";
import { moveTimeOf, planQueries, planTrips, type Query } from "../../bench/quality-support/trips.ts";

const S = suite("location-quality simulator");

const city = createCity({ kind: "dense", halfSide: 600, seed: 7, moverShare: 0.05 });
const plan = { devices: 6, scansPerDevice: 40, seed: 7, startMs: Date.UTC(2026, 10, 1) };
const moveAt = moveTimeOf(plan);

S("the city is deterministic for a seed and has every kind of station, movers included", () => {
  const again = createCity({ kind: "dense", halfSide: 600, seed: 7, moverShare: 0.05 });
  assert.equal(again.wifi.map((s) => s.mac), city.wifi.map((s) => s.mac));
  assert.ok(city.wifi.length > 500, `${city.wifi.length} Wi-Fi`);
  assert.ok(city.beacons.length >= 3 && city.cells.length >= 3);
  const movers = city.wifi.filter((s) => s.moved);
  assert.ok(movers.length > 0);
  for (const s of movers) assert.ok(Math.abs(Math.hypot(s.moved!.x - s.x, s.moved!.y - s.y) - s.moved!.distance) < 1e-6);
  // No access point stands on a street's centre line (blocks keep 8 m off it).
  for (const s of city.wifi) {
    const off = (v: number) => Math.abs(((v + city.halfSide) % city.spacing + city.spacing) % city.spacing);
    assert.ok(Math.min(off(s.x), city.spacing - off(s.x)) >= 8 - 1e-6 || Math.min(off(s.y), city.spacing - off(s.y)) >= 8 - 1e-6);
  }
});

S("stumblers scan from the streets and the venues, and movers move between the two halves", () => {
  const positions: { x: number; y: number; t: number }[] = [];
  const real = createRadio(city, moveAt);
  const recording: Radio = {
    hear(x, y, t, device, gauss) {
      positions.push({ x, y, t });
      return real.hear(x, y, t, device, gauss);
    },
  };
  const trips = planTrips(city, recording, plan);
  assert.is(trips.moveAt, moveAt);
  assert.is(trips.reports.length, plan.devices);
  const onStreet = (p: { x: number; y: number }) => {
    const off = (v: number) => {
      const m = ((v + city.halfSide) % city.spacing + city.spacing) % city.spacing;
      return Math.min(m, city.spacing - m);
    };
    return Math.min(off(p.x), off(p.y)) <= 4 + 1e-6;
  };
  const inVenue = (p: { x: number; y: number }) => city.venues.some((v) => Math.hypot(v.x - p.x, v.y - p.y) <= 20 + 1e-6);
  for (const p of positions) assert.ok(onStreet(p) || inVenue(p), `scan at ${p.x.toFixed(1)}, ${p.y.toFixed(1)} is neither on a street nor in a venue`);
  // Half the devices before the move, half after; no device's trip straddles it.
  for (const own of trips.reports) {
    if (own.length === 0) continue;
    const before = own.every((r) => r.timestamp < moveAt);
    const after = own.every((r) => r.timestamp >= moveAt);
    assert.ok(before || after);
  }
  // Every report's fix is within a few accuracies of where it was made (GNSS noise, not errors).
  for (const r of trips.reports.flat()) assert.ok(r.position!.accuracy! >= 3 && r.position!.accuracy! <= 15);
});

S("a query hears the stations near it, and a mover only at the place it stands at the time", () => {
  const radio = createRadio(city, moveAt);
  const queries = planQueries(city, radio, 200, 7, moveAt + 1);
  const heardWifi = queries.flatMap((q) => q.heard.wifi.map((h) => ({ q, s: city.wifi[h.index]! })));
  assert.ok(heardWifi.length > 200);
  for (const { q, s } of heardWifi) {
    const at = s.moved ?? s;
    assert.ok(Math.hypot(at.x - q.x, at.y - q.y) <= 250, "heard within the Wi-Fi range of where it stands after the move");
  }
  assert.ok(queries.some((q) => q.inVenue) && queries.some((q) => !q.inVenue));
});

S("the peer uses box centres of stations with a radius of 1–500 m, needs two of them, and else answers from the cells", () => {
  const [a, b, c] = [city.wifi[0]!, city.wifi[1]!, city.wifi[2]!];
  const cell = city.cells[0]!;
  const fix = (x: number, y: number) => ({ latitude: city.toLat(y), longitude: city.toLon(x), accuracy: 5 });
  const report = (x: number, y: number, macs: string[], withCell = false) => ({
    timestamp: 0, position: fix(x, y), wifiAccessPoints: macs.map((m) => ({ macAddress: m, signalStrength: -60 })), bluetoothBeacons: [],
    cellTowers: withCell ? [{ radioType: "lte" as const, mobileCountryCode: cell.mcc, mobileNetworkCode: cell.mnc, locationAreaCode: cell.lac, cellId: cell.cid }] : [],
  });
  // a: seen at (0,0) and (100,0): box centre (50,0), radius 50. c: seen at (0,0) and (0,100):
  // box centre (0,50). b: seen once: radius 0, ignored. The cell: seen at (0,0) and (0,-200).
  const peer = buildPeer(city, [
    report(0, 0, [a.mac, c.mac], true), report(100, 0, [a.mac, b.mac]), report(0, 100, [c.mac]), report(0, -200, [], true),
  ]);
  const heard = (wifi: { index: number; rssi: number }[]) => ({ wifi, beacons: [], cells: [{ index: 0, rssi: -90 }] });
  const two: Query = { x: 0, y: 0, inVenue: false, heard: heard([{ index: 0, rssi: -50 }, { index: 1, rssi: -40 }, { index: 2, rssi: -60 }]) };
  const got = peer.locate(two, ["wifi"])!;
  // Weights in mW: a (−50 dBm) weighs ten times c (−60 dBm); b does not count.
  assert.ok(Math.abs(got.x - (10 * 50) / 11) < 0.5 && Math.abs(got.y - 50 / 11) < 0.5, JSON.stringify(got));
  // One usable network (b is ignored): beaconDB does not answer from one Wi-Fi network...
  const one: Query = { x: 0, y: 0, inVenue: false, heard: heard([{ index: 0, rssi: -50 }, { index: 1, rssi: -40 }]) };
  assert.is(peer.locate(one, ["wifi"]), null);
  // ...and with every kind heard it answers from the cell (box centre (0,-100)).
  const fromCell = peer.locate(one, ["wifi", "blue", "cell"])!;
  assert.ok(Math.abs(fromCell.x) < 0.5 && Math.abs(fromCell.y + 100) < 0.5, JSON.stringify(fromCell));
  const ref = trueCentroid(city, two, ["wifi"], 0, Number.POSITIVE_INFINITY)!;
  // The reference weighs every station heard at its true position: b (−40 dBm) ten times a.
  const w = [10 ** -5, 10 ** -4, 10 ** -6];
  const sum = w[0]! + w[1]! + w[2]!;
  assert.ok(Math.abs(ref.x - (w[0]! * a.x + w[1]! * b.x + w[2]! * c.x) / sum) < 1e-6);
  assert.ok(Math.abs(ref.y - (w[0]! * a.y + w[1]! * b.y + w[2]! * c.y) / sum) < 1e-6);
});

S("scores: answered share, error quantiles, the share inside the accuracy, per bucket of networks heard", () => {
  const rows = score([
    { type: "wifi", heard: 1, error: null, accuracy: null },
    { type: "wifi", heard: 2, error: 10, accuracy: 20 },
    { type: "wifi", heard: 3, error: 30, accuracy: 20 },
    { type: "wifi", heard: 8, error: 5, accuracy: 10 },
  ]);
  const all = rows.find((r) => r.bucket === "all")!;
  assert.is(all.queries, 4);
  assert.is(all.answered, 0.75);
  assert.is(all.median, 10);
  assert.is(all.p95, 30);
  assert.is(all.inside, 2 / 3);
  assert.is(all.medianAccuracy, 20);
  assert.equal(rows.map((r) => r.bucket), ["all", "1", "2–3", "7+"]);
  assert.is(rows.find((r) => r.bucket === "2–3")!.inside, 0.5);
});

S.run();
