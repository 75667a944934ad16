/**
 * The location-quality simulator's city, deterministic for a seed: a grid of streets, Wi-Fi
 * access points in the blocks between them (dense in the centre, thinning out towards the edge),
 * Bluetooth beacons in venues (3–8 within 25 m), and cell towers of three sectors each. A share
 * of the access points moves once, half of them a few hundred metres, half a few kilometres, at
 * a time the trips choose (the first half of the stumbling happens before it).
 *
 * Positions are metres east (x) and north (y) of the centre; `toLat`/`toLon` map them to degrees
 * with the local scale, which is exact enough over a few kilometres.
 */
import { prng, randomTools } from "../../src/util/prng.ts";

export type CityKind = "dense" | "sparse";

export interface CityOptions {
  readonly kind: CityKind;
  /** Half the side of the square city, metres. */
  readonly halfSide: number;
  readonly seed: number;
  /** Share of the access points that move. */
  readonly moverShare: number;
}

export interface Station {
  readonly mac: string;
  /** Where it stands, and, for a mover, where it stands after its move. */
  readonly x: number;
  readonly y: number;
  readonly moved?: { readonly x: number; readonly y: number; readonly distance: number };
  /** Received power at 1 m, dBm, and path-loss exponent: what the radio model needs. */
  readonly p0: number;
  readonly exponent: number;
}

export interface Cell {
  readonly mcc: number;
  readonly mnc: number;
  readonly lac: number;
  readonly cid: number;
  readonly x: number;
  readonly y: number;
  /** Sector azimuth, radians from east, counter-clockwise. */
  readonly azimuth: number;
}

export interface City {
  readonly kind: CityKind;
  readonly halfSide: number;
  /** Street spacing, metres: streets run along x = k·spacing and y = k·spacing. */
  readonly spacing: number;
  readonly wifi: readonly Station[];
  readonly beacons: readonly Station[];
  /** Venues: each beacon's venue centre, by beacon index. */
  readonly venueOf: readonly number[];
  readonly venues: readonly { readonly x: number; readonly y: number; readonly beacons: number }[];
  readonly cells: readonly Cell[];
  readonly centre: { readonly lat: number; readonly lon: number };
  toLat(y: number): number;
  toLon(x: number): number;
  /** Metres east and north of the centre for a position in degrees. */
  fromLatLon(lat: number, lon: number): { x: number; y: number };
}

const M_PER_DEG = 111_320;
const CENTRE = { lat: 52.52, lon: 13.4 };
const MCC = 262;

/** Access points per km² at the centre and the distance over which the density falls by e. */
const DENSITY: Record<CityKind, { core: number; scale: number; spacing: number; towerSpacing: number; venues: number }> = {
  dense: { core: 3000, scale: 1500, spacing: 100, towerSpacing: 700, venues: 8 },
  sparse: { core: 600, scale: 1000, spacing: 160, towerSpacing: 1400, venues: 3 },
};

function macOf(n: number): string {
  // Unicast, globally administered (the low two bits of the first octet clear).
  const hex = (Math.floor(n) % 2 ** 46 * 4).toString(16).padStart(12, "0").slice(-12);
  return hex.match(/../g)!.join(":");
}

export function createCity(options: CityOptions): City {
  const random = prng(options.seed);
  const { gauss } = randomTools(random);
  const d = DENSITY[options.kind];
  const h = options.halfSide;
  const cosLat = Math.cos((CENTRE.lat * Math.PI) / 180);
  const uniform = (lo: number, hi: number) => lo + random() * (hi - lo);
  let macSerial = Math.floor(random() * 2 ** 40);
  const nextMac = () => {
    macSerial += 1 + Math.floor(random() * 1000);
    return macOf(macSerial);
  };

  // Wi-Fi: blocks between streets, each filled by its own density, never on the street itself.
  const wifi: Station[] = [];
  const blocks = Math.floor((2 * h) / d.spacing);
  for (let bx = 0; bx < blocks; bx++) {
    for (let by = 0; by < blocks; by++) {
      const x0 = -h + bx * d.spacing;
      const y0 = -h + by * d.spacing;
      const cx = x0 + d.spacing / 2;
      const cy = y0 + d.spacing / 2;
      const perKm2 = d.core * Math.exp(-Math.hypot(cx, cy) / d.scale);
      const expected = (perKm2 * d.spacing * d.spacing) / 1e6;
      const count = Math.floor(expected) + (random() < expected % 1 ? 1 : 0);
      for (let i = 0; i < count; i++) {
        wifi.push({
          mac: nextMac(), x: uniform(x0 + 8, x0 + d.spacing - 8), y: uniform(y0 + 8, y0 + d.spacing - 8),
          p0: -40 + gauss() * 4, exponent: uniform(2.7, 3.5),
        });
      }
    }
  }
  // Movers: half move 300–800 m, half 2–4 km, to a point inside the city.
  const movers = Math.round(wifi.length * options.moverShare);
  for (let k = 0; k < movers; k++) {
    const i = Math.floor(random() * wifi.length);
    const s = wifi[i]!;
    if (s.moved) continue;
    const distance = k % 2 === 0 ? uniform(300, 800) : uniform(2000, 4000);
    for (let attempt = 0; attempt < 20; attempt++) {
      const a = random() * 2 * Math.PI;
      const x = s.x + distance * Math.cos(a);
      const y = s.y + distance * Math.sin(a);
      if (Math.abs(x) < h - 10 && Math.abs(y) < h - 10) {
        wifi[i] = { ...s, moved: { x, y, distance } };
        break;
      }
    }
  }

  // Bluetooth: venues (shops, stations, museums) with 3–8 beacons within 25 m of their centre.
  const venueCount = Math.round((d.venues * (2 * h) * (2 * h)) / 1e6);
  const venues: { x: number; y: number; beacons: number }[] = [];
  const beacons: Station[] = [];
  const venueOf: number[] = [];
  for (let v = 0; v < venueCount; v++) {
    const x = uniform(-h + 30, h - 30);
    const y = uniform(-h + 30, h - 30);
    const n = 3 + Math.floor(random() * 6);
    venues.push({ x, y, beacons: n });
    for (let b = 0; b < n; b++) {
      const r = 25 * Math.sqrt(random());
      const a = random() * 2 * Math.PI;
      beacons.push({ mac: nextMac(), x: x + r * Math.cos(a), y: y + r * Math.sin(a), p0: -59 + gauss() * 3, exponent: uniform(2.0, 2.6) });
      venueOf.push(v);
    }
  }

  // Cells: towers on a jittered grid, three sectors each, LTE, one network.
  const cells: Cell[] = [];
  const towers = Math.max(1, Math.floor((2 * h) / d.towerSpacing) + 1);
  let cid = 1000;
  for (let tx = 0; tx < towers; tx++) {
    for (let ty = 0; ty < towers; ty++) {
      const x = -h + (tx + 0.5) * ((2 * h) / towers) + gauss() * 80;
      const y = -h + (ty + 0.5) * ((2 * h) / towers) + gauss() * 80;
      const lac = 100 + Math.floor((x + h) / 2000) * 10 + Math.floor((y + h) / 2000);
      const base = random() * 2 * Math.PI;
      for (let s = 0; s < 3; s++) cells.push({ mcc: MCC, mnc: 1, lac, cid: cid++, x, y, azimuth: base + (s * 2 * Math.PI) / 3 });
    }
  }

  return {
    kind: options.kind, halfSide: h, spacing: d.spacing, wifi, beacons, venueOf, venues, cells, centre: CENTRE,
    toLat: (y) => CENTRE.lat + y / M_PER_DEG,
    toLon: (x) => CENTRE.lon + x / (M_PER_DEG * cosLat),
    fromLatLon: (lat, lon) => ({ x: (lon - CENTRE.lon) * M_PER_DEG * cosLat, y: (lat - CENTRE.lat) * M_PER_DEG }),
  };
}
