/**
 * The synthetic world of the locate benchmark, deterministic for a seed: Wi-Fi access points,
 * Bluetooth beacons and cells around a centre over land (Berlin by default), held in typed
 * arrays so a million stations cost tens of MB, not a GB of objects.
 *   - Wi-Fi: uniform over a disc sized for ~800 APs/km² (urban density), 35% of them in a core
 *     of a third of the radius; MACs unicast and globally administered, like real APs;
 *   - beacons: in the inner half of the Wi-Fi disc;
 *   - cells: ~20 per km² over a wider disc (all operators), 70% LTE, 10% GSM, 14% WCDMA, 6% NR,
 *     3 networks (MCC 262), location/tracking areas of ~5.7 km blocks.
 * Every station has a true position (what a query hears) and a stored one a few metres off (what
 * the database holds: the pipeline's estimate), plus radius, samples, created, modified and
 * last_seen such that its score (SPEC §3.8) is well above 0: created 60–1500 days ago, last seen
 * 0–45 days ago (so most answers use networks not seen today, and so become query reports when
 * sampling is on).
 */
import { prng, randomTools } from "../../src/util/prng.ts";

export interface WorldOptions {
  readonly wifi: number;
  readonly cells: number;
  readonly beacons: number;
  readonly seed: number;
  readonly centre?: { readonly lat: number; readonly lon: number };
}

export const M_PER_DEG = 111_320;
const WIFI_DENSITY_PER_KM2 = 800;
const CELL_DENSITY_PER_KM2 = 20;
export const CELL_RADIOS = ["lte", "gsm", "wcdma", "nr"] as const;
export type BenchRadio = (typeof CELL_RADIOS)[number];
export const MCC = 262;

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
  readonly beacons: MacStations;
  readonly cells: Cells;
  readonly random: () => number;
  toLat(y: number): number;
  toLon(x: number): number;
}

export const macHex = (mac: number): string => mac.toString(16).padStart(12, "0");
export const colonMac = (hex: string): string => hex.match(/../g)!.join(":");
/** The shard digit (SPEC §9.3): hex digit 4 of 12, i.e. bits 28–31. */
export const macShardOf = (mac: number): string => (Math.floor(mac / 2 ** 28) % 16).toString(16);

export function createWorld(options: WorldOptions): World {
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

  function macStations(count: number, discRadius: number, core: number, noise: number, radii: [number, number], samples: [number, number]): MacStations {
    const mac = new Float64Array(count);
    // Unicast, globally administered: the low two bits of the first octet clear.
    for (let i = 0; i < count; i++) mac[i] = int(0, 63) * 4 * 2 ** 40 + Math.floor(random() * 2 ** 40);
    mac.sort();
    for (let i = 1; i < count; i++) if (mac[i]! <= mac[i - 1]!) mac[i] = mac[i - 1]! + 1;
    const s: MacStations = {
      count, mac, discRadius,
      x: new Float32Array(count), y: new Float32Array(count), sx: new Float32Array(count), sy: new Float32Array(count),
      radius: new Uint16Array(count), samples: new Uint32Array(count), createdAgo: new Uint16Array(count), seenAgo: new Uint8Array(count),
    };
    for (let i = 0; i < count; i++) {
      const [x, y] = random() < core ? inDisc(discRadius / 3) : inDisc(discRadius);
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

  const wifiRadius = Math.max(1000, Math.sqrt(options.wifi / WIFI_DENSITY_PER_KM2 / Math.PI) * 1000);
  const wifi = macStations(options.wifi, wifiRadius, 0.35, 12, [15, 250], [2, 800]);
  const beacons = macStations(options.beacons, wifiRadius / 2, 0.2, 4, [5, 40], [2, 200]);

  const cellRadius = Math.max(5000, Math.sqrt(options.cells / CELL_DENSITY_PER_KM2 / Math.PI) * 1000);
  const n = options.cells;
  const cells: Cells = {
    count: n, discRadius: cellRadius,
    radio: new Uint8Array(n), mnc: new Uint8Array(n), lac: new Uint32Array(n), cid: new Float64Array(n), psc: new Int16Array(n),
    x: new Float32Array(n), y: new Float32Array(n), sx: new Float32Array(n), sy: new Float32Array(n),
    radius: new Uint16Array(n), samples: new Uint32Array(n), createdAgo: new Uint16Array(n), seenAgo: new Uint8Array(n),
  };
  const used = new Set<string>();
  const blocks = 14;
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
          cid = int(1, 1_048_575) * 256 + int(0, 5);
          psc = int(0, 503);
          break;
        case "gsm":
          lac = 1_000 + mnc * 200 + block;
          cid = int(1, 65_535);
          psc = -1;
          break;
        case "wcdma":
          lac = 5_000 + mnc * 200 + block;
          cid = int(1, 4_000) * 65_536 + int(1, 65_535);
          psc = int(0, 511);
          break;
        default:
          lac = 400_000 + mnc * 200 + block;
          cid = int(1, 16_777_215) * 4_096 + int(0, 3);
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
    centre, cosLat, wifi, beacons, cells, random,
    toLat: (y) => Number((centre.lat + y / M_PER_DEG).toFixed(7)),
    toLon: (x) => Number((centre.lon + x / (M_PER_DEG * cosLat)).toFixed(7)),
  };
}

/** A uniform grid over station indexes (counting sort by cell): the stations near a point. */
export class IndexGrid {
  private readonly offsets: Uint32Array;
  private readonly order: Uint32Array;
  private readonly width: number;
  constructor(
    private readonly xs: Float32Array,
    private readonly ys: Float32Array,
    private readonly size: number,
    private readonly extent: number,
  ) {
    this.width = Math.ceil((2 * extent) / size) + 1;
    const cellOf = new Uint32Array(xs.length);
    const counts = new Uint32Array(this.width * this.width + 1);
    for (let i = 0; i < xs.length; i++) {
      const c = this.cell(xs[i]!, ys[i]!);
      cellOf[i] = c;
      counts[c + 1]! += 1;
    }
    for (let c = 1; c < counts.length; c++) counts[c]! += counts[c - 1]!;
    this.offsets = counts.slice();
    const fill = counts.slice();
    this.order = new Uint32Array(xs.length);
    for (let i = 0; i < xs.length; i++) this.order[fill[cellOf[i]!]!++] = i;
  }
  private clampIndex(v: number): number {
    return Math.min(this.width - 1, Math.max(0, Math.floor((v + this.extent) / this.size)));
  }
  private cell(x: number, y: number): number {
    return this.clampIndex(x) * this.width + this.clampIndex(y);
  }
  /** Indexes within `radius` metres of (x, y), nearest first, with distances. */
  near(x: number, y: number, radius: number): { i: number; d: number }[] {
    const found: { i: number; d: number }[] = [];
    const x0 = this.clampIndex(x - radius);
    const x1 = this.clampIndex(x + radius);
    const y0 = this.clampIndex(y - radius);
    const y1 = this.clampIndex(y + radius);
    for (let cx = x0; cx <= x1; cx++) {
      for (let cy = y0; cy <= y1; cy++) {
        const c = cx * this.width + cy;
        for (let k = this.offsets[c]!; k < this.offsets[c + 1]!; k++) {
          const i = this.order[k]!;
          const d = Math.hypot(this.xs[i]! - x, this.ys[i]! - y);
          if (d <= radius) found.push({ i, d });
        }
      }
    }
    return found.sort((a, b) => a.d - b.d);
  }
}
