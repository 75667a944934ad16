/**
 * Deterministic submissions for pipeline tests: walks through a small town whose Wi-Fi access
 * points and cells are heard again and again, so stations see new, change and confirm updates.
 */
import { prng } from "../../src/util/prng.ts";

export interface SyntheticOptions {
  readonly reports: number;
  readonly seed?: number;
  readonly centre?: { lat: number; lon: number };
  readonly aps?: number;
  readonly cells?: number;
}


/**
 * Degrees (latitude-scaled, about 139 m): an access point is heard only this close. Any two
 * observations of one are then within 278 m of each other, and so of its stored centre: less
 * than the 300 m beyond which an observation is watched as a move (move-watch.ts), which would
 * make the stations depend on how the observations were batched. Signals of −65 to −90 dBm keep
 * a station's weight below the 10,000 its history is capped at in a merge (observation-summary.ts
 * MAX_OLD_WEIGHT), which would do the same. 2,000 access points over the town let a report hear
 * 8–13 of them (9.6 on average), as the 300 heard from any distance did.
 */
const HEARD_WITHIN = 0.00125;

const mac = (i: number) => `a8${(0x200000 + i).toString(16).padStart(10, "0")}`.match(/../g)!.join(":");

/** v2 geosubmit bodies of `perRequest` reports each. */
export function syntheticGeosubmits(options: SyntheticOptions, perRequest = 50): { items: unknown[] }[] {
  const rnd = prng(options.seed ?? 7);
  const centre = options.centre ?? { lat: 51.5, lon: -0.1 };
  const aps = Array.from({ length: options.aps ?? 2000 }, () => ({ lat: centre.lat + (rnd() - 0.5) * 0.02, lon: centre.lon + (rnd() - 0.5) * 0.03 }));
  const cells = Array.from({ length: options.cells ?? 12 }, (_, i) => ({ cid: 1000 + i, lac: 10 + (i % 3), radio: i % 4 === 0 ? "gsm" : "lte" }));
  let pos = { ...centre };
  const items: unknown[] = [];
  for (let i = 0; i < options.reports; i++) {
    pos = { lat: pos.lat + (rnd() - 0.5) * 0.0008, lon: pos.lon + (rnd() - 0.5) * 0.0012 };
    const near = aps.map((ap, index) => ({ index, d: Math.hypot(ap.lat - pos.lat, (ap.lon - pos.lon) * 0.62) }))
      .sort((a, b) => a.d - b.d).slice(0, 8 + Math.floor(rnd() * 6)).filter((n) => n.d <= HEARD_WITHIN);
    const cell = cells[Math.floor(rnd() * cells.length)]!;
    items.push({
      timestamp: 1_764_000_000_000 + i * 1000,
      position: { latitude: pos.lat, longitude: pos.lon, accuracy: 5 + rnd() * 20, speed: rnd() * 4, ...(i % 9 === 0 ? { source: "query" } : {}) },
      wifiAccessPoints: near.map((n) => ({ macAddress: mac(n.index), signalStrength: -65 - Math.round(n.d * 20_000), frequency: 2437 })),
      cellTowers: [{ radioType: cell.radio, mobileCountryCode: 234, mobileNetworkCode: 30, locationAreaCode: cell.lac, cellId: cell.cid, signalStrength: -80 }],
      ...(i % 5 === 0 ? { bluetoothBeacons: [{ macAddress: mac(90_000 + (i % 7)), signalStrength: -70 }] } : {}),
    });
  }
  const bodies: { items: unknown[] }[] = [];
  for (let i = 0; i < items.length; i += perRequest) bodies.push({ items: items.slice(i, i + perRequest) });
  return bodies;
}
