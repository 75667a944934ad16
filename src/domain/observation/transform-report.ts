/**
 * SPEC §4.6 step 1: the v2 report mapped to the internal exporter's shape, with timestamps and
 * ages shifted by the position fix's age. DESIGN §7: `_nomap` Wi-Fi is dropped here.
 */
import type { BluetoothBeacon, CellTower, Position, PositionSource, Report, WifiAccessPoint } from "../report.ts";
import type { InternalBlue, InternalCell, InternalWifi } from "./validate-network.ts";

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
export function transformKeepingEmpty(report: Report): InternalReport {
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
  const out = transformKeepingEmpty(report);
  return out.blue === undefined && out.cell === undefined && out.wifi === undefined ? {} : out;
}

/** How many Wi-Fi entries `_nomap` dropped, so the split can count them as dropped networks. */
export function countNomapWifi(report: Report): number {
  let nomap = 0;
  for (const w of report.wifiAccessPoints) if (isNomap(w.ssid)) nomap++;
  return nomap;
}
