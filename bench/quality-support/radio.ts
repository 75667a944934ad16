/**
 * What a device hears at a point: log-distance path loss with per-scan shadowing and a
 * per-device offset, and a hearing threshold per device.
 *   - Wi-Fi: RSSI = p0 − 10·n·log10(d) + N(0, 6 dB) + device offset; heard at ≥ threshold
 *     (−88 to −95 dBm per device); at most the 40 strongest, as phones report;
 *   - Bluetooth: the same with the beacon's p0 (about −59 dBm at 1 m) and N(0, 5 dB), heard at
 *     ≥ −95 dBm;
 *   - cells: −45 dBm at 50 m minus 35·log10(d/50), minus up to 14 dB off the sector's azimuth,
 *     N(0, 8 dB); heard at ≥ −115 dBm; the strongest is the serving cell, up to 4 neighbours.
 * Stations are looked up in a spatial grid; the trips give the time so movers stand where they
 * stood at that moment.
 */
import type { BluetoothBeacon, CellTower, WifiAccessPoint } from "../../src/domain/report.ts";
import type { Cell, City, Station } from "./city.ts";

export interface Device {
  readonly offset: number;
  readonly wifiThreshold: number;
}

export interface Heard {
  readonly wifi: readonly { readonly index: number; readonly rssi: number }[];
  readonly beacons: readonly { readonly index: number; readonly rssi: number }[];
  readonly cells: readonly { readonly index: number; readonly rssi: number }[];
}

type Gauss = () => number;

class Grid {
  private readonly buckets = new Map<string, number[]>();
  private readonly size: number;
  constructor(size: number, points: readonly { x: number; y: number }[]) {
    this.size = size;
    points.forEach((p, i) => {
      const key = `${Math.floor(p.x / size)},${Math.floor(p.y / size)}`;
      const list = this.buckets.get(key);
      if (list) list.push(i);
      else this.buckets.set(key, [i]);
    });
  }
  near(x: number, y: number, radius: number): number[] {
    const out: number[] = [];
    const r = Math.ceil(radius / this.size);
    const gx = Math.floor(x / this.size);
    const gy = Math.floor(y / this.size);
    for (let i = gx - r; i <= gx + r; i++) for (let j = gy - r; j <= gy + r; j++) out.push(...(this.buckets.get(`${i},${j}`) ?? []));
    return out;
  }
}

/** Where a station stands at time `t` (ms): a mover stands at its new place from `moveAt` on. */
export const positionAt = (s: Station, t: number, moveAt: number): { x: number; y: number } =>
  s.moved && t >= moveAt ? s.moved : s;

export interface Radio {
  hear(x: number, y: number, t: number, device: Device, gauss: Gauss): Heard;
}

const WIFI_RANGE = 250;
const BLE_RANGE = 120;
const CELL_RANGE = 5000;

export function createRadio(city: City, moveAt: number): Radio {
  // Movers are indexed at both places; the distance check uses where they stand at the time.
  const wifiPoints = city.wifi.flatMap((s, i) => (s.moved ? [{ x: s.x, y: s.y, i }, { x: s.moved.x, y: s.moved.y, i }] : [{ x: s.x, y: s.y, i }]));
  const wifiGrid = new Grid(100, wifiPoints);
  const beaconGrid = new Grid(50, city.beacons);
  const cellGrid = new Grid(1000, city.cells);

  const wifiAt = (x: number, y: number, t: number, device: Device, gauss: Gauss) => {
    const seen = new Set<number>();
    const out: { index: number; rssi: number }[] = [];
    for (const k of wifiGrid.near(x, y, WIFI_RANGE)) {
      const i = wifiPoints[k]!.i;
      if (seen.has(i)) continue;
      seen.add(i);
      const s = city.wifi[i]!;
      const p = positionAt(s, t, moveAt);
      const d = Math.max(1, Math.hypot(p.x - x, p.y - y));
      if (d > WIFI_RANGE) continue;
      const rssi = s.p0 - 10 * s.exponent * Math.log10(d) + gauss() * 6 + device.offset;
      if (rssi >= device.wifiThreshold) out.push({ index: i, rssi: Math.round(Math.min(-20, rssi)) });
    }
    return out.sort((a, b) => b.rssi - a.rssi).slice(0, 40);
  };
  const beaconsAt = (x: number, y: number, device: Device, gauss: Gauss) => {
    const out: { index: number; rssi: number }[] = [];
    for (const i of beaconGrid.near(x, y, BLE_RANGE)) {
      const s = city.beacons[i]!;
      const d = Math.max(1, Math.hypot(s.x - x, s.y - y));
      if (d > BLE_RANGE) continue;
      const rssi = s.p0 - 10 * s.exponent * Math.log10(d) + gauss() * 5 + device.offset;
      if (rssi >= -95) out.push({ index: i, rssi: Math.round(Math.min(-30, rssi)) });
    }
    return out.sort((a, b) => b.rssi - a.rssi).slice(0, 20);
  };
  const cellsAt = (x: number, y: number, gauss: Gauss) => {
    const out: { index: number; rssi: number }[] = [];
    for (const i of cellGrid.near(x, y, CELL_RANGE)) {
      const c: Cell = city.cells[i]!;
      const d = Math.max(50, Math.hypot(c.x - x, c.y - y));
      const angle = Math.atan2(y - c.y, x - c.x) - c.azimuth;
      const off = Math.abs(Math.atan2(Math.sin(angle), Math.cos(angle)));
      const rssi = -45 - 35 * Math.log10(d / 50) - 14 * (off / Math.PI) + gauss() * 8;
      if (rssi >= -115) out.push({ index: i, rssi: Math.round(Math.min(-44, rssi)) });
    }
    return out.sort((a, b) => b.rssi - a.rssi).slice(0, 5);
  };
  return {
    hear: (x, y, t, device, gauss) => ({ wifi: wifiAt(x, y, t, device, gauss), beacons: beaconsAt(x, y, device, gauss), cells: cellsAt(x, y, gauss) }),
  };
}

/** The API's shapes of what was heard (geosubmit and geolocate take the same fields). */
export function heardFields(city: City, heard: Heard): { wifiAccessPoints: WifiAccessPoint[]; bluetoothBeacons: BluetoothBeacon[]; cellTowers: CellTower[] } {
  return {
    wifiAccessPoints: heard.wifi.map((w) => ({ macAddress: city.wifi[w.index]!.mac, signalStrength: w.rssi })),
    bluetoothBeacons: heard.beacons.map((b) => ({ macAddress: city.beacons[b.index]!.mac, signalStrength: b.rssi })),
    cellTowers: heard.cells.map((h, k) => {
      const c = city.cells[h.index]!;
      return {
        radioType: "lte", mobileCountryCode: c.mcc, mobileNetworkCode: c.mnc, locationAreaCode: c.lac, cellId: c.cid,
        signalStrength: h.rssi, serving: k === 0 ? 1 : 0,
      };
    }),
  };
}
