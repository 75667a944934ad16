/**
 * Stumblers and queries. Stumblers walk (1.4 m/s, a scan every 5 s) or cycle (4.5 m/s, every
 * 3 s) along the city's streets, turning at random at each crossing, on the pavement a few
 * metres off the street's centre line; each scan becomes a geosubmit report with a GNSS fix
 * (accuracy 3–15 m, the fix off by about that) and what the device heard. The first half of the
 * trips happens before the movers move, the second half after (`moveAt`).
 *
 * Walkers also enter two venues per trip and scan six times inside each.
 *
 * Queries are made after all trips, at random street points and (a fifth of them) inside venues
 * (a fresh draw, so no query stands where a report was made), each by a device of its own, as
 * Wi-Fi-only, Bluetooth-only, cell-only and all-networks geolocate bodies from one scan.
 */
import type { Report } from "../../src/domain/report.ts";
import { prng, randomTools } from "../../src/util/prng.ts";
import type { City } from "./city.ts";
import { type Device, type Heard, heardFields, type Radio } from "./radio.ts";

export interface TripPlan {
  readonly devices: number;
  readonly scansPerDevice: number;
  readonly seed: number;
  /** When the first report is made, ms since the epoch. */
  readonly startMs: number;
}

export interface Trips {
  /** Per device, its reports in time order. */
  readonly reports: readonly (readonly Report[])[];
  /** The time between the two halves: movers stand at their new place from here on. */
  readonly moveAt: number;
  readonly endMs: number;
}

export interface Query {
  readonly x: number;
  readonly y: number;
  readonly heard: Heard;
  /** Made inside a venue (with its beacons around), not on a street. */
  readonly inVenue: boolean;
}

const DIRECTIONS: readonly [number, number][] = [[1, 0], [-1, 0], [0, 1], [0, -1]];
/** Venues a walker enters per trip, and the scans it makes inside each. */
const VENUE_VISITS = 2;
const VENUE_SCANS = 6;
/** Share of the query positions inside venues (the rest on the streets). */
const VENUE_QUERY_SHARE = 0.2;

/** Metres from (x, y) to the next crossing when heading (dx, dy) along a street. */
function distanceToCrossing(x: number, y: number, dx: number, dy: number, h: number, spacing: number): number {
  const along = dx !== 0 ? x + h : y + h;
  const dir = dx !== 0 ? dx : dy;
  const m = ((along % spacing) + spacing) % spacing;
  const d = dir > 0 ? spacing - m : m;
  return d < 1e-6 ? spacing : d;
}

function newDevice(random: () => number, gauss: () => number): Device {
  return { offset: gauss() * 3, wifiThreshold: -95 + random() * 7 };
}

/** A random point on a street: along a street line, a few metres to its side. */
function streetPoint(city: City, random: () => number, gauss: () => number): { x: number; y: number } {
  const lines = Math.floor((2 * city.halfSide) / city.spacing);
  const line = -city.halfSide + Math.floor(random() * (lines + 1)) * city.spacing;
  const along = -city.halfSide + random() * 2 * city.halfSide;
  const side = (random() < 0.5 ? -1 : 1) * (3 + Math.abs(gauss()) * 2);
  return random() < 0.5 ? { x: along, y: line + side } : { x: line + side, y: along };
}

/** The longest a device's trip can take: every scan at the walking interval, plus the pause after. */
const tripBoundMs = (plan: TripPlan) => (plan.scansPerDevice + VENUE_VISITS * VENUE_SCANS) * 5000 + 30_000;
const devicesBeforeMove = (plan: TripPlan) => Math.round(plan.devices / 2);

/** When the movers move: after the first half of the devices' trips, known before they are made. */
export function moveTimeOf(plan: TripPlan): number {
  return plan.startMs + devicesBeforeMove(plan) * tripBoundMs(plan) + 60_000;
}

/** `radio` must have been built with `moveTimeOf(plan)`. */
export function planTrips(city: City, radio: Radio, plan: TripPlan): Trips {
  const random = prng(plan.seed ^ 0x7e1f);
  const { gauss } = randomTools(random);
  const h = city.halfSide;
  const spacing = city.spacing;
  const lines = Math.floor((2 * h) / spacing);
  // Devices run one after another in wall time; half of them before the move, half after.
  const beforeMove = devicesBeforeMove(plan);
  const moveAt = moveTimeOf(plan);
  let t = plan.startMs;
  const reports: Report[][] = [];
  for (let dev = 0; dev < plan.devices; dev++) {
    if (dev >= beforeMove && t < moveAt) t = moveAt;
    const device = newDevice(random, gauss);
    const cycling = random() < 0.4;
    const speed = cycling ? 4.5 : 1.4;
    const every = cycling ? 3 : 5;
    // Start at a crossing, head along a street.
    let x = -h + Math.floor(random() * (lines + 1)) * spacing;
    let y = -h + Math.floor(random() * (lines + 1)) * spacing;
    let [dx, dy] = DIRECTIONS[Math.floor(random() * 4)]!;
    const side = random() < 0.5 ? -4 : 4;
    const own: Report[] = [];
    const scanReport = (px: number, py: number, at: number, speedMs: number): Report | null => {
      const accuracy = Math.round((3 + random() * 12) * 10) / 10;
      const heard = radio.hear(px, py, at, device, gauss);
      if (heard.wifi.length + heard.beacons.length + heard.cells.length === 0) return null;
      return {
        timestamp: at,
        position: {
          latitude: city.toLat(py + gauss() * accuracy * 0.6), longitude: city.toLon(px + gauss() * accuracy * 0.6),
          accuracy, source: "gnss", speed: speedMs, heading: 0,
        },
        ...heardFields(city, heard),
      } as Report;
    };
    for (let scan = 0; scan < plan.scansPerDevice; scan++) {
      // Move `speed × every` metres, turning at random at each crossing (never back, unless at
      // a dead end of the city's edge).
      let left = speed * every;
      while (left > 1e-9) {
        const ahead = distanceToCrossing(x, y, dx, dy, h, spacing);
        const step = Math.min(left, ahead);
        x += dx * step;
        y += dy * step;
        left -= step;
        if (step === ahead) {
          const options = DIRECTIONS.filter(([ax, ay]) => !(ax === -dx && ay === -dy) && Math.abs(x + ax * spacing) <= h + 1e-6 && Math.abs(y + ay * spacing) <= h + 1e-6);
          [dx, dy] = options.length > 0 ? options[Math.floor(random() * options.length)]! : [-dx, -dy];
        }
      }
      t += every * 1000;
      // On the pavement, beside the centre line.
      const px = x + (dy !== 0 ? side : 0);
      const py = y + (dx !== 0 ? side : 0);
      const made = scanReport(px, py, t, speed);
      if (made) own.push(made);
    }
    // Walkers go into a few venues near their path (a shop, a station hall) and scan in there.
    if (!cycling) {
      for (let visit = 0; visit < VENUE_VISITS; visit++) {
        const v = city.venues[Math.floor(random() * city.venues.length)];
        if (!v) break;
        for (let k = 0; k < VENUE_SCANS; k++) {
          t += 5000;
          const r = 20 * Math.sqrt(random());
          const a = random() * 2 * Math.PI;
          const made = scanReport(v.x + r * Math.cos(a), v.y + r * Math.sin(a), t, 1.0);
          if (made) own.push(made);
        }
      }
    }
    reports.push(own);
    t += 30_000;
  }
  return { reports, moveAt, endMs: t };
}

export function planQueries(city: City, radio: Radio, count: number, seed: number, atMs: number): Query[] {
  const random = prng(seed ^ 0x9e57);
  const { gauss } = randomTools(random);
  const out: Query[] = [];
  while (out.length < count) {
    const venue = city.venues.length > 0 && random() < VENUE_QUERY_SHARE ? city.venues[Math.floor(random() * city.venues.length)]! : null;
    const r = 20 * Math.sqrt(random());
    const a = random() * 2 * Math.PI;
    const p = venue ? { x: venue.x + r * Math.cos(a), y: venue.y + r * Math.sin(a) } : streetPoint(city, random, gauss);
    const heard = radio.hear(p.x, p.y, atMs, newDevice(random, gauss), gauss);
    out.push({ ...p, heard, inVenue: venue !== null });
  }
  return out;
}
