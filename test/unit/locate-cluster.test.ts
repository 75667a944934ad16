import { agnes } from "ml-hclust";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { clusterNetworks } from "../../src/domain/locate/cluster-networks.ts";
import { distance } from "../../src/geo/distance.ts";

// The reference: the full complete-linkage tree cut at maxDistance, as scipy's
// fcluster(criterion="distance") does, with no shortcut.
function referenceClusters(items: readonly { lat: number; lon: number }[], maxDistance: number): number[][] {
  const matrix = items.map((a) => items.map((b) => (a === b ? 0 : distance(a.lat, a.lon, b.lat, b.lon))));
  return agnes(matrix, { method: "complete", isDistanceMatrix: true })
    .cut(maxDistance)
    .map((c) => c.indices().sort((x, y) => x - y))
    .filter((c) => c.length >= 2)
    .sort((x, y) => x[0]! - y[0]!);
}

let seed = 7;
const random = () => {
  seed = (seed * 16807) % 2147483647;
  return seed / 2147483647;
};

test("clusters equal the full complete-linkage cut for 2,000 random sets, near and spread", () => {
  let single = 0;
  for (let k = 0; k < 2000; k++) {
    const count = 3 + Math.floor(random() * 18);
    // Spreads from 100 m to ~1.5 km, so some sets fit one cluster and some split.
    const spread = 0.001 + random() * 0.013;
    const lat = -60 + random() * 120;
    const lon = -180 + random() * 360;
    const items = Array.from({ length: count }, (_, i) => ({ i, lat: lat + (random() - 0.5) * spread, lon: lon + (random() - 0.5) * spread }));
    const got = clusterNetworks(items, 500).map((c) => c.map((n) => n.i));
    assert.equal(got, referenceClusters(items, 500), `set ${k}`);
    if (got.length === 1 && got[0]!.length === count) single += 1;
  }
  // Both paths were exercised.
  assert.ok(single > 200 && single < 1800, `${single} sets formed one cluster`);
});

test("a set whose farthest pair is exactly maxDistance apart is one cluster", () => {
  const items = [{ lat: 51.5, lon: -0.1 }, { lat: 51.5005, lon: -0.1 }, { lat: 51.5009, lon: -0.1 }];
  const span = distance(51.5, -0.1, 51.5009, -0.1);
  assert.equal(clusterNetworks(items, span), [items]);
  assert.equal(clusterNetworks(items, span - 1e-9).length, 1, "the far pair splits; the two closer ones stay");
  assert.is(clusterNetworks(items, span - 1e-9)[0]!.length, 2);
});

test.run();
