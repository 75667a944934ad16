/**
 * The two baselines the simulator prints beside Ichnos, computed in the same run from the same
 * submissions and queries:
 *   - a peer (beaconDB's method): each station's bounding box of the GNSS fixes it was heard at;
 *     a query's answer is the signal-weighted mean of the box centres of the stations heard whose
 *     radius (half the box's diagonal) is 1–500 m, given at least two such stations (beaconDB
 *     answers from Wi-Fi only when two networks are known and falls through to the cells
 *     otherwise; its geolocate has no Bluetooth, so the peer applies its Wi-Fi rule to beacons);
 *   - a reference: the signal-weighted centroid of the true positions of the stations heard, the
 *     best any centroid method could do.
 * Weights are received power in milliwatts (10^(dBm/10)), so the strongest stations dominate.
 * For all-networks queries the peer answers from Wi-Fi and Bluetooth when it can, else from
 * cells; the reference weighs every station heard.
 */
import type { Report } from "../../src/domain/report.ts";
import type { City } from "./city.ts";
import { positionAt } from "./radio.ts";
import type { Query } from "./trips.ts";

export type NetworkKind = "wifi" | "blue" | "cell";

interface Box {
  minX: number;
  maxX: number;
  minY: number;
  maxY: number;
}

export interface Estimate {
  readonly x: number;
  readonly y: number;
}

const M_PER_DEG = 111_320;
/** beaconDB's "at least two WiFi networks have to be known" (src/geolocate.rs). */
const MIN_SHORT_RANGE = 2;

export interface PeerModel {
  locate(query: Query, kinds: readonly NetworkKind[]): Estimate | null;
}

const cellKey = (c: { mobileCountryCode?: number; mobileNetworkCode?: number; locationAreaCode?: number; cellId?: number }) =>
  `${c.mobileCountryCode}:${c.mobileNetworkCode}:${c.locationAreaCode}:${c.cellId}`;

export function buildPeer(city: City, reports: readonly Report[]): PeerModel {
  const cosLat = Math.cos((city.centre.lat * Math.PI) / 180);
  const boxes: Record<NetworkKind, Map<string, Box>> = { wifi: new Map(), blue: new Map(), cell: new Map() };
  const add = (kind: NetworkKind, key: string, x: number, y: number) => {
    const b = boxes[kind].get(key);
    if (!b) boxes[kind].set(key, { minX: x, maxX: x, minY: y, maxY: y });
    else {
      b.minX = Math.min(b.minX, x);
      b.maxX = Math.max(b.maxX, x);
      b.minY = Math.min(b.minY, y);
      b.maxY = Math.max(b.maxY, y);
    }
  };
  for (const r of reports) {
    const { latitude, longitude } = r.position ?? {};
    if (latitude === undefined || longitude === undefined) continue;
    const x = (longitude - city.centre.lon) * M_PER_DEG * cosLat;
    const y = (latitude - city.centre.lat) * M_PER_DEG;
    for (const w of r.wifiAccessPoints) add("wifi", w.macAddress, x, y);
    for (const b of r.bluetoothBeacons) add("blue", b.macAddress, x, y);
    for (const c of r.cellTowers) add("cell", cellKey(c), x, y);
  }
  const keyed = (query: Query, kind: NetworkKind) =>
    kind === "wifi" ? query.heard.wifi.map((h) => ({ key: city.wifi[h.index]!.mac, rssi: h.rssi }))
      : kind === "blue" ? query.heard.beacons.map((h) => ({ key: city.beacons[h.index]!.mac, rssi: h.rssi }))
        : query.heard.cells.map((h) => {
          const c = city.cells[h.index]!;
          return { key: cellKey({ mobileCountryCode: c.mcc, mobileNetworkCode: c.mnc, locationAreaCode: c.lac, cellId: c.cid }), rssi: h.rssi };
        });
  const centreOf = (query: Query, kinds: readonly NetworkKind[]): Estimate | null => {
      let sx = 0;
      let sy = 0;
      let sw = 0;
      let used = 0;
      for (const kind of kinds) {
        for (const { key, rssi } of keyed(query, kind)) {
          const b = boxes[kind].get(key);
          if (!b) continue;
          const radius = Math.hypot(b.maxX - b.minX, b.maxY - b.minY) / 2;
          // Cells cover kilometres: the 1–500 m window is for Wi-Fi and Bluetooth.
          if (kind !== "cell" && (radius < 1 || radius > 500)) continue;
          const w = 10 ** (rssi / 10);
          sx += w * ((b.minX + b.maxX) / 2);
          sy += w * ((b.minY + b.maxY) / 2);
          sw += w;
          used++;
        }
      }
      // One cell answers (a cell covers an area, not a home); Wi-Fi and beacons need two.
      const enough = kinds.includes("cell") ? used >= 1 : used >= MIN_SHORT_RANGE;
      return enough && sw > 0 ? { x: sx / sw, y: sy / sw } : null;
  };
  return {
    locate(query, kinds) {
      // With every kind heard, short-range stations decide and cells only stand in for them.
      if (kinds.length > 1) return centreOf(query, kinds.filter((k) => k !== "cell")) ?? centreOf(query, ["cell"]);
      return centreOf(query, kinds);
    },
  };
}

/** The signal-weighted centroid of the true positions (at query time) of the stations heard. */
export function trueCentroid(city: City, query: Query, kinds: readonly NetworkKind[], atMs: number, moveAt: number): Estimate | null {
  let sx = 0;
  let sy = 0;
  let sw = 0;
  const addAt = (p: { x: number; y: number }, rssi: number) => {
    const w = 10 ** (rssi / 10);
    sx += w * p.x;
    sy += w * p.y;
    sw += w;
  };
  if (kinds.includes("wifi")) for (const h of query.heard.wifi) addAt(positionAt(city.wifi[h.index]!, atMs, moveAt), h.rssi);
  if (kinds.includes("blue")) for (const h of query.heard.beacons) addAt(city.beacons[h.index]!, h.rssi);
  if (kinds.includes("cell")) for (const h of query.heard.cells) addAt(city.cells[h.index]!, h.rssi);
  return sw > 0 ? { x: sx / sw, y: sy / sw } : null;
}
