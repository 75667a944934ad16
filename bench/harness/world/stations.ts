/**
 * The benches' synthetic world, deterministic for a seed: Wi-Fi access points, Bluetooth beacons
 * and cells around a centre over land (Berlin by default), held in typed arrays so a million
 * stations cost tens of MB, not a GB of objects. Where they stand is the layout's (layouts.ts):
 *   - Wi-Fi: uniform over a disc, a share of them in a core disc; MACs unicast and globally
 *     administered, like real APs; each AP has a channel, an SSID and a transmit power offset;
 *   - beacons: likewise, over a disc of their own;
 *   - cells: uniform over a wider disc (all operators), 70% LTE, 10% GSM, 14% WCDMA, 6% NR,
 *     3 networks (MCC 262), location/tracking areas of square blocks.
 * Every station has a true position (what a device hears) and a stored one a few metres off (what
 * the database holds: the pipeline's estimate), plus radius, samples, created, modified and
 * last_seen such that its score (SPEC §3.8) is well above 0: created 60–1500 days ago, last seen
 * 0–45 days ago. The draws for positions and stored rows come first from the seed's stream in a
 * fixed order; the Wi-Fi radio attributes come from a stream of their own, so a world of the
 * same counts and seed holds the same stations whatever else is drawn.
 */
import { prng, randomTools } from "../../../src/util/prng.ts";
import type { WorldLayout } from "./layouts.ts";

export interface WorldOptions {
  readonly wifi: number;
  readonly cells: number;
  readonly beacons: number;
  readonly seed: number;
  readonly layout: WorldLayout;
  readonly centre?: { readonly lat: number; readonly lon: number };
}

export const M_PER_DEG = 111_320;
export const CELL_RADIOS = ["lte", "gsm", "wcdma", "nr"] as const;
export type BenchRadio = (typeof CELL_RADIOS)[number];
/** 262 = Germany; 01 Telekom, 02 Vodafone, 03 Telefónica. */
export const MCC = 262;

/** Channels and their frequencies (2.4 GHz twice as likely), indexed by `WifiRadio.channel`. */
export const WIFI_CHANNELS: readonly (readonly [number, number])[] = [
  [1, 2412], [6, 2437], [11, 2462], [1, 2412], [6, 2437], [11, 2462], [3, 2422], [9, 2452],
  [36, 5180], [40, 5200], [44, 5220], [48, 5240], [100, 5500], [112, 5560], [149, 5745], [37, 6135],
];
export const SSIDS = ["FRITZ!Box 7590", "Vodafone-A1B2", "o2-WLAN42", "MagentaWLAN-9X", "BVG Wi-Fi", "eduroam", "Telekom_FON", "WLAN-123456"];

/** What every synthetic station has; index i is one station. */
interface PlacedStations {
  readonly count: number;
  /** True position, metres east/north of the centre. */
  readonly x: Float32Array;
  readonly y: Float32Array;
  /** Stored position (the database's estimate). */
  readonly sx: Float32Array;
  readonly sy: Float32Array;
  readonly radius: Uint16Array;
  readonly samples: Uint32Array;
  readonly createdAgo: Uint16Array;
  readonly seenAgo: Uint8Array;
  /** The disc they were placed in, metres. */
  readonly discRadius: number;
}

/** Stations of one MAC kind, sorted by MAC. */
export interface MacStations extends PlacedStations {
  /** The 48-bit MAC as a number (exact: below 2^53). Sorted ascending, unique. */
  readonly mac: Float64Array;
}

/** What an AP broadcasts besides its MAC. */
export interface WifiRadio {
  /** Index into WIFI_CHANNELS. */
  readonly channel: Uint8Array;
  /** Index into SSIDS. */
  readonly ssid: Uint8Array;
  /** Transmit power offset, dB. */
  readonly power: Float32Array;
}

export interface Cells extends PlacedStations {
  readonly radio: Uint8Array;
  readonly mnc: Uint8Array;
  readonly lac: Uint32Array;
  readonly cid: Float64Array;
  readonly psc: Int16Array;
}

export interface World {
  readonly centre: { readonly lat: number; readonly lon: number };
  readonly cosLat: number;
  readonly wifi: MacStations;
  readonly wifiRadio: WifiRadio;
  readonly beacons: MacStations;
  readonly cells: Cells;
  toLat(y: number): number;
  toLon(x: number): number;
}

export const macHex = (mac: number): string => mac.toString(16).padStart(12, "0");
export const colonMac = (hex: string): string => hex.match(/../g)!.join(":");
/** The shard digit (SPEC §9.3): hex digit 4 of 12, i.e. bits 28–31. */
export const macShardOf = (mac: number): string => (Math.floor(mac / 2 ** 28) % 16).toString(16);

export function createWorld(options: WorldOptions): World {
  const { layout } = options;
  const random = prng(options.seed);
  const centre = options.centre ?? { lat: 52.52, lon: 13.4 };
  const cosLat = Math.cos((centre.lat * Math.PI) / 180);
  const { int, gauss } = randomTools(random);
  const logUniform = (lo: number, hi: number) => Math.round(Math.exp(Math.log(lo) + random() * (Math.log(hi) - Math.log(lo))));
  const inDisc = (radius: number): [number, number] => {
    const r = radius * Math.sqrt(random());
    const a = 2 * Math.PI * random();
    return [r * Math.cos(a), r * Math.sin(a)];
  };

  function macStations(count: number, disc: WorldLayout["wifi"], noise: number, radii: [number, number], samples: [number, number]): MacStations {
    const mac = new Float64Array(count);
    // Unicast, globally administered: the low two bits of the first octet clear.
    for (let i = 0; i < count; i++) mac[i] = int(0, 63) * 4 * 2 ** 40 + Math.floor(random() * 2 ** 40);
    mac.sort();
    for (let i = 1; i < count; i++) if (mac[i]! <= mac[i - 1]!) mac[i] = mac[i - 1]! + 1;
    const s: MacStations = {
      count, mac, discRadius: disc.radius,
      x: new Float32Array(count), y: new Float32Array(count), sx: new Float32Array(count), sy: new Float32Array(count),
      radius: new Uint16Array(count), samples: new Uint32Array(count), createdAgo: new Uint16Array(count), seenAgo: new Uint8Array(count),
    };
    for (let i = 0; i < count; i++) {
      const [x, y] = random() < disc.coreShare ? inDisc(disc.coreRadius) : inDisc(disc.radius);
      s.x[i] = x;
      s.y[i] = y;
      s.sx[i] = x + gauss() * noise;
      s.sy[i] = y + gauss() * noise;
      s.radius[i] = logUniform(radii[0], radii[1]);
      s.samples[i] = logUniform(samples[0], samples[1]);
      s.createdAgo[i] = int(60, 1500);
      s.seenAgo[i] = int(0, 45);
    }
    return s;
  }

  const wifi = macStations(options.wifi, layout.wifi, 12, [15, 250], [2, 800]);
  const beacons = macStations(options.beacons, layout.beacons, 4, [5, 40], [2, 200]);

  const cellRadius = layout.cells.radius;
  const n = options.cells;
  const cells: Cells = {
    count: n, discRadius: cellRadius,
    radio: new Uint8Array(n), mnc: new Uint8Array(n), lac: new Uint32Array(n), cid: new Float64Array(n), psc: new Int16Array(n),
    x: new Float32Array(n), y: new Float32Array(n), sx: new Float32Array(n), sy: new Float32Array(n),
    radius: new Uint16Array(n), samples: new Uint32Array(n), createdAgo: new Uint16Array(n), seenAgo: new Uint8Array(n),
  };
  const used = new Set<string>();
  const blocks = layout.cells.areaBlocks;
  const blockSize = (2 * cellRadius) / blocks;
  for (let i = 0; i < n; i++) {
    const [x, y] = inDisc(cellRadius);
    const u = random();
    const radio = u < 0.7 ? 0 : u < 0.8 ? 1 : u < 0.94 ? 2 : 3;
    const mnc = int(1, 3);
    const bx = Math.min(blocks - 1, Math.floor((x + cellRadius) / blockSize));
    const by = Math.min(blocks - 1, Math.floor((y + cellRadius) / blockSize));
    const block = bx * blocks + by;
    let lac: number;
    let cid: number;
    let psc: number;
    do {
      switch (CELL_RADIOS[radio]) {
        case "lte":
          lac = 10_000 + mnc * 200 + block;
          cid = int(1, 1_048_575) * 256 + int(0, 5); // eNB id, sector
          psc = int(0, 503);
          break;
        case "gsm":
          lac = 1_000 + mnc * 200 + block;
          cid = int(1, 65_535);
          psc = -1;
          break;
        case "wcdma":
          lac = 5_000 + mnc * 200 + block;
          cid = int(1, 4_000) * 65_536 + int(1, 65_535); // RNC id, cell id
          psc = int(0, 511);
          break;
        default:
          lac = 400_000 + mnc * 200 + block;
          cid = int(1, 16_777_215) * 4_096 + int(0, 3); // gNB id, cell: a 36-bit NCI
          psc = int(0, 1007);
      }
    } while (used.has(`${radio}/${mnc}/${lac}/${cid}`));
    used.add(`${radio}/${mnc}/${lac}/${cid}`);
    cells.radio[i] = radio;
    cells.mnc[i] = mnc;
    cells.lac[i] = lac;
    cells.cid[i] = cid;
    cells.psc[i] = psc;
    cells.x[i] = x;
    cells.y[i] = y;
    cells.sx[i] = x + gauss() * 100;
    cells.sy[i] = y + gauss() * 100;
    cells.radius[i] = logUniform(400, 5000);
    cells.samples[i] = logUniform(10, 5000);
    cells.createdAgo[i] = int(60, 1500);
    cells.seenAgo[i] = int(0, 45);
  }

  return {
    centre, cosLat, wifi, beacons, cells,
    wifiRadio: wifiRadio(options.wifi, options.seed),
    toLat: (y) => Number((centre.lat + y / M_PER_DEG).toFixed(7)),
    toLon: (x) => Number((centre.lon + x / (M_PER_DEG * cosLat)).toFixed(7)),
  };
}

function wifiRadio(count: number, seed: number): WifiRadio {
  const { int, gauss } = randomTools(prng(seed ^ 0x7ad10));
  const radio: WifiRadio = { channel: new Uint8Array(count), ssid: new Uint8Array(count), power: new Float32Array(count) };
  for (let i = 0; i < count; i++) {
    radio.channel[i] = int(0, WIFI_CHANNELS.length - 1);
    radio.ssid[i] = int(0, SSIDS.length - 1);
    radio.power[i] = gauss() * 3;
  }
  return radio;
}
