/**
 * Reports from devices on random walks through a world, as NeoStumbler clients send them: each
 * report has a GNSS fix a few metres off the true position (accuracy 3–30 m, speed 0–15 m/s),
 * the 10–30 nearest APs with log-distance signal strengths, the 1–3 nearest cells and, sometimes,
 * a beacon. Reports come in per-device uploads of 50, interleaved across devices. Deterministic
 * for a world and a seed: the walks and the radio noise have streams of their own.
 */
import type { BluetoothBeacon, CellTower, Report, WifiAccessPoint } from "../../../src/domain/report.ts";
import { prng, randomTools } from "../../../src/util/prng.ts";
import { IndexGrid } from "./index-grid.ts";
import { CELL_RADIOS, colonMac, MCC, macHex, SSIDS, WIFI_CHANNELS, type World } from "./stations.ts";

export interface GeneratedReports {
  /** Uploads in submission order; every report of an upload comes from one device. */
  readonly uploads: readonly (readonly Report[])[];
  readonly reports: number;
  readonly devices: number;
  readonly meanWifi: number;
  readonly meanCells: number;
  readonly withBeacon: number;
  /** Distinct stations heard across all reports. */
  readonly distinct: { readonly wifi: number; readonly cells: number; readonly beacons: number };
  readonly meanJsonBytes: number;
}

export interface WorldSummary {
  readonly centre: { readonly lat: number; readonly lon: number };
  readonly wifi: number;
  readonly cells: number;
  readonly cellRadios: Record<string, number>;
  readonly beacons: number;
}

const UPLOAD_SIZE = 50;
const REPORTS_PER_DEVICE = 100;
/** Devices start at least this far inside the Wi-Fi disc's edge, and turn back when they get closer than TURN_M. */
const START_M = 500;
const TURN_M = 300;
/** 2026-12-01T08:00:00Z: fixed, so a seed gives byte-identical reports on every run. */
const BASE_TIME = Date.UTC(2026, 11, 1, 8, 0, 0);

export function summarizeWorld(world: World): WorldSummary {
  const cellRadios: Record<string, number> = Object.fromEntries(CELL_RADIOS.map((r) => [r, 0]));
  for (const r of world.cells.radio) cellRadios[CELL_RADIOS[r]!]! += 1;
  return { centre: world.centre, wifi: world.wifi.count, cells: world.cells.count, cellRadios, beacons: world.beacons.count };
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

export function generateCityReports(world: World, count: number, seed: number): GeneratedReports {
  const { wifi, wifiRadio, cells, beacons } = world;
  const random = prng(seed ^ 0xc17e);
  const { int, gauss } = randomTools(random);
  const walk = prng(seed ^ 0x5eed);
  const apGrid = new IndexGrid(wifi.x, wifi.y, 100, wifi.discRadius + 10);
  const cellGrid = new IndexGrid(cells.x, cells.y, 500, cells.discRadius + 10);
  const beaconGrid = new IndexGrid(beacons.x, beacons.y, 100, beacons.discRadius + 10);
  const seen = { wifi: new Set<number>(), cells: new Set<number>(), beacons: new Set<number>() };

  function report(x: number, y: number, t: number, speed: number, heading: number): Report {
    const accuracy = Math.round((3 + random() * 27) * 10) / 10;
    const noise = accuracy / 2.5;
    const fixX = x + gauss() * noise;
    const fixY = y + gauss() * noise;
    const wifiAccessPoints: WifiAccessPoint[] = apGrid.around(x, y, 1).slice(0, int(10, 30)).map(({ i, d }) => {
      seen.wifi.add(i);
      const [channel, frequency] = WIFI_CHANNELS[wifiRadio.channel[i]!]!;
      const rssi = Math.round(clamp(-38 + wifiRadio.power[i]! - 26 * Math.log10(Math.max(d, 1)) + gauss() * 4, -98, -30));
      return { macAddress: colonMac(macHex(wifi.mac[i]!)), signalStrength: rssi, channel, frequency, ssid: SSIDS[wifiRadio.ssid[i]!]!, age: int(0, 2_500) };
    });
    const cellTowers: CellTower[] = cellGrid.around(x, y, 1).slice(0, int(1, 3)).map(({ i, d }, k) => {
      seen.cells.add(i);
      const radio = CELL_RADIOS[cells.radio[i]!]!;
      const loss = 38 * Math.log10(Math.max(d, 50) / 50) + gauss() * 6;
      const signal = radio === "gsm" ? clamp(-55 - loss, -113, -51)
        : radio === "wcdma" ? clamp(-65 - loss, -121, -25) : clamp(-70 - loss, -140, -43);
      const tower: CellTower = {
        radioType: radio, mobileCountryCode: MCC, mobileNetworkCode: cells.mnc[i]!, locationAreaCode: cells.lac[i]!, cellId: cells.cid[i]!,
        signalStrength: Math.round(signal), serving: k === 0 ? 1 : 0, age: int(0, 1_500),
      };
      if (cells.psc[i]! >= 0) tower.primaryScramblingCode = cells.psc[i]!;
      if (radio === "lte" && k === 0) tower.timingAdvance = clamp(Math.floor(d / 78), 0, 63);
      return tower;
    });
    const bluetoothBeacons: BluetoothBeacon[] = [];
    for (const { i, d } of beaconGrid.around(x, y, 1).slice(0, 2)) {
      if (d > 80 || random() < 0.3) continue;
      seen.beacons.add(i);
      const rssi = Math.round(clamp(-59 - 20 * Math.log10(Math.max(d, 1)) + gauss() * 4, -105, -40));
      bluetoothBeacons.push({ macAddress: colonMac(macHex(beacons.mac[i]!)), signalStrength: rssi, age: int(0, 3_000) });
    }
    return {
      timestamp: Math.round(t),
      position: {
        latitude: world.toLat(fixY), longitude: world.toLon(fixX), accuracy, altitude: Math.round((34 + gauss() * 4) * 10) / 10,
        altitudeAccuracy: Math.round((4 + random() * 8) * 10) / 10, heading: Math.round(heading * 10) / 10,
        speed: Math.round(speed * 100) / 100, age: int(0, 800), source: "gnss",
      },
      bluetoothBeacons,
      cellTowers,
      wifiAccessPoints,
    };
  }

  const startRadius = wifi.discRadius - START_M;
  const turnRadius = wifi.discRadius - TURN_M;
  const devices = Math.max(1, Math.ceil(count / REPORTS_PER_DEVICE));
  const perDevice: Report[][][] = [];
  let made = 0;
  let wifiHeard = 0;
  let cellsHeard = 0;
  let withBeacon = 0;
  let jsonBytes = 0;
  for (let dev = 0; dev < devices; dev++) {
    const n = Math.min(REPORTS_PER_DEVICE, count - made);
    made += n;
    // Mode of travel: standing, walking, cycling or driving (speed 0–15 m/s).
    const mode = walk();
    const [vLo, vHi] = mode < 0.1 ? [0, 0.3] : mode < 0.55 ? [0.8, 2] : mode < 0.8 ? [3.5, 7] : [7, 15];
    const r0 = startRadius * Math.sqrt(walk());
    const a0 = 2 * Math.PI * walk();
    let x = r0 * Math.cos(a0);
    let y = r0 * Math.sin(a0);
    let heading = walk() * 360;
    let t = BASE_TIME + walk() * 4 * 3_600_000;
    const reports: Report[] = [];
    for (let i = 0; i < n; i++) {
      const speed = vLo + walk() * (vHi - vLo);
      const dt = 2 + walk() * 4;
      heading = (heading + (walk() - 0.5) * 60 + 360) % 360;
      // Turn back towards the centre at the edge of the city.
      if (Math.hypot(x, y) > turnRadius) heading = ((Math.atan2(-x, -y) * 180) / Math.PI + 360) % 360;
      const rad = (heading * Math.PI) / 180;
      x += Math.sin(rad) * speed * dt;
      y += Math.cos(rad) * speed * dt;
      t += dt * 1000;
      const r = report(x, y, t, speed, heading);
      wifiHeard += r.wifiAccessPoints.length;
      cellsHeard += r.cellTowers.length;
      if (r.bluetoothBeacons.length) withBeacon += 1;
      if (dev < 20) jsonBytes += Buffer.byteLength(JSON.stringify(r));
      reports.push(r);
    }
    const uploads: Report[][] = [];
    for (let i = 0; i < reports.length; i += UPLOAD_SIZE) uploads.push(reports.slice(i, i + UPLOAD_SIZE));
    perDevice.push(uploads);
  }
  // Round-robin over devices: upload 1 of every device, then upload 2 of every device, …
  const uploads: Report[][] = [];
  for (let round = 0; perDevice.some((d) => d.length > round); round++) {
    for (const d of perDevice) if (d[round]) uploads.push(d[round]!);
  }
  const sampled = perDevice.slice(0, 20).reduce((s, d) => s + d.reduce((a, u) => a + u.length, 0), 0);
  return {
    uploads, reports: made, devices,
    meanWifi: wifiHeard / made, meanCells: cellsHeard / made, withBeacon,
    distinct: { wifi: seen.wifi.size, cells: seen.cells.size, beacons: seen.beacons.size },
    meanJsonBytes: Math.round(jsonBytes / Math.max(1, sampled)),
  };
}
