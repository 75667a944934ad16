/**
 * A synthetic city for the pipeline benchmark, deterministic for a seed: Wi-Fi access points,
 * cells and Bluetooth beacons at fixed random positions around a centre over land (Berlin by
 * default), and devices on random walks that submit what they hear. Each report has a GNSS fix a
 * few metres off the true position (accuracy 3–30 m, speed 0–15 m/s), the 10–30 nearest APs with
 * log-distance signal strengths, the 1–3 nearest cells and, sometimes, a beacon. Reports come in
 * per-device uploads of 50, interleaved across devices, as NeoStumbler clients send them.
 */
import type { BluetoothBeacon, CellRadio, CellTower, Report, WifiAccessPoint } from "../../src/domain/report.ts";
import { prng, randomTools } from "../../src/util/prng.ts";

export interface CityOptions {
  readonly wifi: number;
  readonly cells: number;
  readonly beacons: number;
  readonly seed: number;
  readonly centre?: { readonly lat: number; readonly lon: number };
}

export interface CitySummary {
  readonly centre: { readonly lat: number; readonly lon: number };
  readonly wifi: number;
  readonly cells: number;
  readonly cellRadios: Record<string, number>;
  readonly beacons: number;
}

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


const M_PER_DEG = 111_320;
const CITY_RADIUS = 7_000;
const CORE_RADIUS = 2_000;
const UPLOAD_SIZE = 50;
const REPORTS_PER_DEVICE = 100;
/** 2026-12-01T08:00:00Z: fixed, so a seed gives byte-identical reports on every run. */
const BASE_TIME = Date.UTC(2026, 11, 1, 8, 0, 0);

interface Point {
  readonly x: number;
  readonly y: number;
}

interface Ap extends Point {
  readonly mac: string;
  readonly channel: number;
  readonly frequency: number;
  readonly ssid: string;
  /** Transmit power offset, dB. */
  readonly power: number;
}

interface Cell extends Point {
  readonly radio: Exclude<CellRadio, "cdma">;
  readonly mnc: number;
  readonly lac: number;
  readonly cid: number;
  readonly psc: number | undefined;
}

interface Beacon extends Point {
  readonly mac: string;
}

/** A uniform grid over the plane: the points in the cells around a position. */
class Grid<T extends Point> {
  private readonly cells = new Map<number, T[]>();
  constructor(private readonly size: number) {}
  private key(ix: number, iy: number) {
    return (ix + 10_000) * 20_000 + (iy + 10_000);
  }
  add(p: T): void {
    const k = this.key(Math.floor(p.x / this.size), Math.floor(p.y / this.size));
    const list = this.cells.get(k);
    if (list) list.push(p);
    else this.cells.set(k, [p]);
  }
  /** The `count` nearest points within `rings` grid cells of (x, y), nearest first, with distances. */
  nearest(x: number, y: number, count: number, rings: number): { p: T; d: number }[] {
    const ix = Math.floor(x / this.size);
    const iy = Math.floor(y / this.size);
    const found: { p: T; d: number }[] = [];
    for (let dx = -rings; dx <= rings; dx++) {
      for (let dy = -rings; dy <= rings; dy++) {
        for (const p of this.cells.get(this.key(ix + dx, iy + dy)) ?? []) found.push({ p, d: Math.hypot(p.x - x, p.y - y) });
      }
    }
    found.sort((a, b) => a.d - b.d);
    return found.slice(0, count);
  }
}

const WIFI_CHANNELS: readonly (readonly [number, number])[] = [
  [1, 2412], [6, 2437], [11, 2462], [1, 2412], [6, 2437], [11, 2462], [3, 2422], [9, 2452],
  [36, 5180], [40, 5200], [44, 5220], [48, 5240], [100, 5500], [112, 5560], [149, 5745], [37, 6135],
];
const SSIDS = ["FRITZ!Box 7590", "Vodafone-A1B2", "o2-WLAN42", "MagentaWLAN-9X", "BVG Wi-Fi", "eduroam", "Telekom_FON", "WLAN-123456"];
/** 262 = Germany; 01 Telekom, 02 Vodafone, 03 Telefónica. */
const MCC = 262;

export interface City {
  readonly summary: CitySummary;
  generate(reports: number): GeneratedReports;
}

export function createCity(options: CityOptions): City {
  const random = prng(options.seed);
  const centre = options.centre ?? { lat: 52.52, lon: 13.4 };
  const cosLat = Math.cos((centre.lat * Math.PI) / 180);
  const { int, gauss } = randomTools(random);
  const inDisc = (radius: number): Point => {
    const r = radius * Math.sqrt(random());
    const a = 2 * Math.PI * random();
    return { x: r * Math.cos(a), y: r * Math.sin(a) };
  };
  const usedMacs = new Set<string>();
  const macHex = () => {
    for (;;) {
      // Unicast, globally administered (the low two bits of the first octet clear), like real APs.
      const hex = (int(0, 63) * 4).toString(16).padStart(2, "0") + int(0, 0xffffffffff).toString(16).padStart(10, "0");
      if (!usedMacs.has(hex)) {
        usedMacs.add(hex);
        return hex;
      }
    }
  };

  const aps = new Grid<Ap>(100);
  for (let i = 0; i < options.wifi; i++) {
    const at = random() < 0.35 ? inDisc(CORE_RADIUS) : inDisc(CITY_RADIUS);
    const [channel, frequency] = WIFI_CHANNELS[int(0, WIFI_CHANNELS.length - 1)]!;
    aps.add({ ...at, mac: macHex(), channel, frequency, ssid: SSIDS[int(0, SSIDS.length - 1)]!, power: gauss() * 3 });
  }

  const cellRadios: Record<string, number> = { lte: 0, gsm: 0, wcdma: 0, nr: 0 };
  const cells = new Grid<Cell>(500);
  const usedCells = new Set<string>();
  for (let i = 0; i < options.cells; i++) {
    const at = inDisc(CITY_RADIUS + 2_000);
    const u = random();
    const radio = u < 0.7 ? "lte" : u < 0.8 ? "gsm" : u < 0.94 ? "wcdma" : "nr";
    const mnc = int(1, 3);
    // Location/tracking areas: blocks of about 3 km, so the area projection has a few dozen areas.
    const block = (Math.floor((at.x + 10_000) / 3_000) * 8 + Math.floor((at.y + 10_000) / 3_000)) % 60;
    let cid: number;
    let lac: number;
    let psc: number | undefined;
    let key: string;
    do {
      switch (radio) {
        case "lte":
          lac = 10_100 + block + mnc * 100;
          cid = int(1, 1_048_575) * 256 + int(0, 5); // eNB id, sector
          psc = int(0, 503);
          break;
        case "gsm":
          lac = 2_100 + block + mnc * 100;
          cid = int(1, 65_535);
          psc = undefined;
          break;
        case "wcdma":
          lac = 3_100 + block + mnc * 100;
          cid = int(1, 4_000) * 65_536 + int(1, 65_535); // RNC id, cell id
          psc = int(0, 511);
          break;
        default:
          lac = 400_100 + block + mnc * 100;
          cid = int(1, 16_777_215) * 4_096 + int(0, 3); // gNB id, cell: a 36-bit NCI
          psc = int(0, 1007);
      }
      key = `${radio}/${mnc}/${lac}/${cid}`;
    } while (usedCells.has(key));
    usedCells.add(key);
    cellRadios[radio]! += 1;
    cells.add({ ...at, radio, mnc, lac, cid, psc });
  }

  const beacons = new Grid<Beacon>(100);
  for (let i = 0; i < options.beacons; i++) beacons.add({ ...inDisc(CITY_RADIUS - 2_000), mac: macHex() });

  const colonMac = (hex: string) => hex.match(/../g)!.join(":");
  const toLat = (y: number) => Number((centre.lat + y / M_PER_DEG).toFixed(7));
  const toLon = (x: number) => Number((centre.lon + x / (M_PER_DEG * cosLat)).toFixed(7));
  const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

  function report(x: number, y: number, t: number, speed: number, heading: number, seen: { wifi: Set<string>; cells: Set<string>; beacons: Set<string> }): Report {
    const accuracy = Math.round((3 + random() * 27) * 10) / 10;
    const noise = accuracy / 2.5;
    const fixX = x + gauss() * noise;
    const fixY = y + gauss() * noise;
    const wifiAccessPoints: WifiAccessPoint[] = aps.nearest(x, y, int(10, 30), 1).map(({ p, d }) => {
      seen.wifi.add(p.mac);
      const rssi = Math.round(clamp(-38 + p.power - 26 * Math.log10(Math.max(d, 1)) + gauss() * 4, -98, -30));
      return { macAddress: colonMac(p.mac), signalStrength: rssi, channel: p.channel, frequency: p.frequency, ssid: p.ssid, age: int(0, 2_500) };
    });
    const cellTowers: CellTower[] = cells.nearest(x, y, int(1, 3), 1).map(({ p, d }, i) => {
      seen.cells.add(`${p.radio}/${p.mnc}/${p.lac}/${p.cid}`);
      const loss = 38 * Math.log10(Math.max(d, 50) / 50) + gauss() * 6;
      const signal = p.radio === "gsm" ? clamp(-55 - loss, -113, -51)
        : p.radio === "wcdma" ? clamp(-65 - loss, -121, -25) : clamp(-70 - loss, -140, -43);
      const tower: CellTower = {
        radioType: p.radio, mobileCountryCode: MCC, mobileNetworkCode: p.mnc, locationAreaCode: p.lac, cellId: p.cid,
        signalStrength: Math.round(signal), serving: i === 0 ? 1 : 0, age: int(0, 1_500),
      };
      if (p.psc !== undefined) tower.primaryScramblingCode = p.psc;
      if (p.radio === "lte" && i === 0) tower.timingAdvance = clamp(Math.floor(d / 78), 0, 63);
      return tower;
    });
    const bluetoothBeacons: BluetoothBeacon[] = [];
    for (const { p, d } of beacons.nearest(x, y, 2, 1)) {
      if (d > 80 || random() < 0.3) continue;
      seen.beacons.add(p.mac);
      bluetoothBeacons.push({ macAddress: colonMac(p.mac), signalStrength: Math.round(clamp(-59 - 20 * Math.log10(Math.max(d, 1)) + gauss() * 4, -105, -40)), age: int(0, 3_000) });
    }
    return {
      timestamp: Math.round(t),
      position: {
        latitude: toLat(fixY), longitude: toLon(fixX), accuracy, altitude: Math.round((34 + gauss() * 4) * 10) / 10,
        altitudeAccuracy: Math.round((4 + random() * 8) * 10) / 10, heading: Math.round(heading * 10) / 10,
        speed: Math.round(speed * 100) / 100, age: int(0, 800), source: "gnss",
      },
      bluetoothBeacons,
      cellTowers,
      wifiAccessPoints,
    };
  }

  function generate(count: number): GeneratedReports {
    const walk = prng(options.seed ^ 0x5eed);
    const devices = Math.max(1, Math.ceil(count / REPORTS_PER_DEVICE));
    const seen = { wifi: new Set<string>(), cells: new Set<string>(), beacons: new Set<string>() };
    const perDevice: Report[][][] = [];
    let made = 0;
    let wifi = 0;
    let cellCount = 0;
    let withBeacon = 0;
    let jsonBytes = 0;
    for (let dev = 0; dev < devices; dev++) {
      const n = Math.min(REPORTS_PER_DEVICE, count - made);
      made += n;
      // Mode of travel: standing, walking, cycling or driving (speed 0–15 m/s).
      const mode = walk();
      const [vLo, vHi] = mode < 0.1 ? [0, 0.3] : mode < 0.55 ? [0.8, 2] : mode < 0.8 ? [3.5, 7] : [7, 15];
      const r0 = (CITY_RADIUS - 500) * Math.sqrt(walk());
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
        if (Math.hypot(x, y) > CITY_RADIUS - 300) heading = ((Math.atan2(-x, -y) * 180) / Math.PI + 360) % 360;
        const rad = (heading * Math.PI) / 180;
        x += Math.sin(rad) * speed * dt;
        y += Math.cos(rad) * speed * dt;
        t += dt * 1000;
        const r = report(x, y, t, speed, heading, seen);
        wifi += r.wifiAccessPoints.length;
        cellCount += r.cellTowers.length;
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
      meanWifi: wifi / made, meanCells: cellCount / made, withBeacon,
      distinct: { wifi: seen.wifi.size, cells: seen.cells.size, beacons: seen.beacons.size },
      meanJsonBytes: Math.round(jsonBytes / Math.max(1, sampled)),
    };
  }

  return {
    summary: { centre, wifi: options.wifi, cells: options.cells, cellRadios, beacons: options.beacons },
    generate,
  };
}
