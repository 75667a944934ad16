/**
 * The internal exporter's report → observations step (SPEC §4.6): transform to the internal
 * shape, validate the report part, validate each network, drop in-report duplicates, and attach
 * the report part to every kept network. DESIGN §7: `_nomap` Wi-Fi never leaves this module.
 */
import type { BluetoothBeacon, CellTower, Position, PositionSource, Report, ReportEntry, WifiAccessPoint } from "../report.ts";
import { cellKey } from "./cell-id.ts";
import { macShard } from "./mac.ts";
import type { BlueObservation, CellObservation, Observation, ReportPart, StationKind, WifiObservation } from "./types.ts";
import {
  type InternalBlue,
  type InternalCell,
  type InternalWifi,
  inRange,
  type ValidBlue,
  type ValidCell,
  type ValidWifi,
  validateBlue,
  validateCell,
  validateWifi,
} from "./validate-network.ts";

/** The internal shape of SPEC §4.6 step 1 (upstream's names, hence `altitude_accuracy`). */
export interface InternalReport {
  lat?: number;
  lon?: number;
  accuracy?: number;
  altitude?: number;
  altitude_accuracy?: number;
  heading?: number;
  pressure?: number;
  speed?: number;
  source?: PositionSource;
  timestamp?: number;
  blue?: InternalBlue[];
  cell?: InternalCell[];
  wifi?: InternalWifi[];
}

export interface SplitResult {
  blue: BlueObservation[];
  wifi: WifiObservation[];
  cell: CellObservation[];
  /** No observation came out (upstream's `data.report.drop`). */
  reportDropped: boolean;
  /** Networks of a valid report part that failed validation or were `_nomap`. */
  droppedNetworks: { blue: number; wifi: number; cell: number };
  /** The validated position when at least one observation came out (for the datamap). */
  position: { lat: number; lon: number } | null;
}

export interface AnyRegion {
  anyRegion(lat: number, lon: number): boolean;
}

/** DESIGN §7 privacy opt-out; matched without case, since `_NoMap` states the same wish. */
function isNomap(ssid: string | undefined): boolean {
  return ssid !== undefined && ssid.length >= 6 && ssid.slice(-6).toLowerCase() === "_nomap";
}

function mapPosition(p: Position, out: InternalReport): void {
  if (p.latitude !== undefined) out.lat = p.latitude;
  if (p.longitude !== undefined) out.lon = p.longitude;
  if (p.accuracy !== undefined) out.accuracy = p.accuracy;
  if (p.altitude !== undefined) out.altitude = p.altitude;
  if (p.altitudeAccuracy !== undefined) out.altitude_accuracy = p.altitudeAccuracy;
  if (p.heading !== undefined) out.heading = p.heading;
  if (p.pressure !== undefined) out.pressure = p.pressure;
  if (p.speed !== undefined) out.speed = p.speed;
  if (p.source !== undefined) out.source = p.source;
}

/** Maps one list; entries that map to nothing are dropped before ages shift (SPEC §4.6). */
function mapList<S, T extends { age?: number }>(items: readonly S[], map: (s: S) => T | null, gpsAge: number): T[] {
  const out: T[] = [];
  for (const item of items) {
    const t = map(item);
    if (t === null) continue;
    if (gpsAge !== 0) t.age = (t.age ?? 0) - gpsAge;
    out.push(t);
  }
  return out;
}

function mapBlue(b: BluetoothBeacon): InternalBlue | null {
  const t: InternalBlue = {};
  if (b.macAddress !== undefined) t.mac = b.macAddress;
  if (b.age !== undefined) t.age = b.age;
  if (b.signalStrength !== undefined) t.signal = b.signalStrength;
  return t.mac === undefined && t.age === undefined && t.signal === undefined ? null : t;
}

function mapCell(c: CellTower): InternalCell | null {
  const t: InternalCell = {};
  if (c.radioType !== undefined) t.radio = c.radioType;
  if (c.mobileCountryCode !== undefined) t.mcc = c.mobileCountryCode;
  if (c.mobileNetworkCode !== undefined) t.mnc = c.mobileNetworkCode;
  if (c.locationAreaCode !== undefined) t.lac = c.locationAreaCode;
  if (c.cellId !== undefined) t.cid = c.cellId;
  if (c.age !== undefined) t.age = c.age;
  if (c.asu !== undefined) t.asu = c.asu;
  if (c.primaryScramblingCode !== undefined) t.psc = c.primaryScramblingCode;
  if (c.serving !== undefined) t.serving = c.serving;
  if (c.signalStrength !== undefined) t.signal = c.signalStrength;
  if (c.timingAdvance !== undefined) t.ta = c.timingAdvance;
  return t.radio === undefined && Object.keys(t).length === 0 ? null : t;
}

/** `_nomap` entries map to null here and are counted separately, before ssid is dropped. */
function mapWifi(w: WifiAccessPoint): InternalWifi | null {
  if (isNomap(w.ssid)) return null;
  const t: InternalWifi = {};
  if (w.macAddress !== undefined) t.mac = w.macAddress;
  if (w.age !== undefined) t.age = w.age;
  if (w.channel !== undefined) t.channel = w.channel;
  if (w.frequency !== undefined) t.frequency = w.frequency;
  if (w.radioType !== undefined) t.radio = w.radioType;
  if (w.signalToNoiseRatio !== undefined) t.snr = w.signalToNoiseRatio;
  if (w.signalStrength !== undefined) t.signal = w.signalStrength;
  return t.mac === undefined && Object.keys(t).length === 0 ? null : t;
}

/** SPEC §4.6 step 1 without the emptying rule, so `_nomap` drops of a valid report still count. */
function transform(report: Report): InternalReport {
  const out: InternalReport = {};
  const p = report.position;
  if (p !== null) mapPosition(p, out);
  const gpsAge = p?.age || 0;
  if (report.timestamp) out.timestamp = report.timestamp - gpsAge;
  const blue = mapList(report.bluetoothBeacons, mapBlue, gpsAge);
  const cell = mapList(report.cellTowers, mapCell, gpsAge);
  const wifi = mapList(report.wifiAccessPoints, mapWifi, gpsAge);
  if (blue.length > 0) out.blue = blue;
  if (cell.length > 0) out.cell = cell;
  if (wifi.length > 0) out.wifi = wifi;
  return out;
}

/** SPEC §4.6 step 1; `{}` when no network is left. Timestamps and ages shift by the fix's age. */
export function transformReport(report: Report): InternalReport {
  const out = transform(report);
  return out.blue === undefined && out.cell === undefined && out.wifi === undefined ? {} : out;
}

const SOURCES: ReadonlySet<string> = new Set<PositionSource>(["fixed", "gnss", "fused", "query"]);

/** SPEC §4.6 report-part ranges; null when lat/lon are missing, out of range or at sea. */
export function validateReportPart(r: InternalReport, fallbackSource: PositionSource, geo: AnyRegion): ReportPart | null {
  const { lat, lon } = r;
  if (!inRange(lat, -85.051, 85.051) || !inRange(lon, -180, 180) || !geo.anyRegion(lat, lon)) return null;
  const part: ReportPart = { lat, lon };
  if (inRange(r.accuracy, 0, 1_000_000)) part.accuracy = r.accuracy;
  if (inRange(r.altitude, -10_911, 100_000)) part.altitude = r.altitude;
  if (inRange(r.altitude_accuracy, 0, 110_911)) part.altitudeAccuracy = r.altitude_accuracy;
  if (inRange(r.heading, 0, 360)) part.heading = r.heading;
  if (inRange(r.pressure, 100, 1200)) part.pressure = r.pressure;
  if (inRange(r.speed, 0, 300)) part.speed = r.speed;
  const source = r.source ?? fallbackSource;
  if (SOURCES.has(source)) part.source = source;
  if (inRange(r.timestamp, 1e12, 1e13)) part.timestamp = r.timestamp;
  return part;
}

/** Both values present and the kept one wins by `>` (or `<` for `lower`). */
const higher = (kept: number | undefined, other: number | undefined) => kept !== undefined && other !== undefined && kept > other;
const lower = (kept: number | undefined, other: number | undefined) => kept !== undefined && other !== undefined && kept < other;

// "Is better" = ANY comparator where both are present says the kept one wins (SPEC §9.23).
const blueBetter = (k: ValidBlue, n: ValidBlue) => higher(k.signal, n.signal) || lower(k.age, n.age);
const wifiBetter = (k: ValidWifi, n: ValidWifi) => higher(k.signal, n.signal) || higher(k.snr, n.snr) || lower(k.age, n.age);
const cellBetter = (k: ValidCell, n: ValidCell) =>
  lower(k.ta, n.ta) || higher(k.signal, n.signal) || higher(k.asu, n.asu) || lower(k.age, n.age);

function attachPart<V extends object>(v: V, part: ReportPart): V & ReportPart {
  // Mutates the validated network into the observation: one object per network, no spread.
  const o = v as V & ReportPart;
  o.lat = part.lat;
  o.lon = part.lon;
  if (part.accuracy !== undefined) o.accuracy = part.accuracy;
  if (part.altitude !== undefined) o.altitude = part.altitude;
  if (part.altitudeAccuracy !== undefined) o.altitudeAccuracy = part.altitudeAccuracy;
  if (part.heading !== undefined) o.heading = part.heading;
  if (part.pressure !== undefined) o.pressure = part.pressure;
  if (part.speed !== undefined) o.speed = part.speed;
  if (part.source !== undefined) o.source = part.source;
  if (part.timestamp !== undefined) o.timestamp = part.timestamp;
  return o;
}

interface Kind<I, V> {
  readonly validate: (item: I) => V | null;
  readonly key: (v: V) => string;
  readonly better: (kept: V, newcomer: V) => boolean;
}

const BLUE: Kind<InternalBlue, ValidBlue> = { validate: validateBlue, key: (v) => v.mac, better: blueBetter };
const WIFI: Kind<InternalWifi, ValidWifi> = { validate: validateWifi, key: (v) => v.mac, better: wifiBetter };
const CELL: Kind<InternalCell, ValidCell> = { validate: validateCell, key: cellKey, better: cellBetter };

/** SPEC §4.6 steps 3–4; a Map keeps the first occurrence's position when a newcomer replaces it. */
function collect<I, V extends object>(items: readonly I[] | undefined, kind: Kind<I, V>, part: ReportPart) {
  const kept = new Map<string, V>();
  let dropped = 0;
  for (const item of items ?? []) {
    const v = kind.validate(item);
    if (v === null) {
      dropped++;
      continue;
    }
    const key = kind.key(v);
    const existing = kept.get(key);
    if (existing === undefined || !kind.better(existing, v)) kept.set(key, v);
  }
  const obs: (V & ReportPart)[] = [];
  for (const v of kept.values()) obs.push(attachPart(v, part));
  return { obs, dropped };
}

export function splitReport(entry: ReportEntry, geo: AnyRegion): SplitResult {
  const report = entry.report;
  const internal = transform(report);
  const part = validateReportPart(internal, entry.source, geo);
  if (part === null) return emptyResult();
  let nomap = 0;
  for (const w of report.wifiAccessPoints) if (isNomap(w.ssid)) nomap++;
  const blue = collect(internal.blue, BLUE, part);
  const wifi = collect(internal.wifi, WIFI, part);
  const cell = collect(internal.cell, CELL, part);
  const any = blue.obs.length + wifi.obs.length + cell.obs.length > 0;
  return {
    blue: blue.obs,
    wifi: wifi.obs,
    cell: cell.obs,
    reportDropped: !any,
    droppedNetworks: { blue: blue.dropped, wifi: wifi.dropped + nomap, cell: cell.dropped },
    position: any ? { lat: part.lat, lon: part.lon } : null,
  };
}

function emptyResult(): SplitResult {
  return { blue: [], wifi: [], cell: [], reportDropped: true, droppedNetworks: { blue: 0, wifi: 0, cell: 0 }, position: null };
}

/** The observation stream shard (DESIGN §2): the MAC's 5th hex digit, or the cell's radio. */
export function observationShard(kind: StationKind, obs: Observation): string {
  if (kind === "cell") {
    if ("radio" in obs) return obs.radio;
  } else if ("mac" in obs) return macShard(obs.mac);
  throw new TypeError(`not a ${kind} observation`);
}
