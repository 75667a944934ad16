/**
 * The internal exporter's report → observations step (SPEC §4.6): transform to the internal
 * shape (transform-report.ts), validate the report part, validate each network, drop in-report
 * duplicates, and attach the report part to every kept network. DESIGN §7: `_nomap` Wi-Fi never
 * leaves the transform and this module.
 */
import type { PositionSource, ReportEntry } from "../report.ts";
import { cellKey } from "./cell-id.ts";
import { blueIsBetter, cellIsBetter, wifiIsBetter } from "./is-better.ts";
import { macShard } from "./mac.ts";
import { countNomapWifi, type InternalReport, transformKeepingEmpty } from "./transform-report.ts";
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

const BLUE: Kind<InternalBlue, ValidBlue> = { validate: validateBlue, key: (v) => v.mac, better: blueIsBetter };
const WIFI: Kind<InternalWifi, ValidWifi> = { validate: validateWifi, key: (v) => v.mac, better: wifiIsBetter };
const CELL: Kind<InternalCell, ValidCell> = { validate: validateCell, key: cellKey, better: cellIsBetter };

/** SPEC §4.6 steps 3–4; a Map keeps the first occurrence's position when a newcomer replaces it. */
function collect<I, V extends object>(items: readonly I[] | undefined, kind: Kind<I, V>) {
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
  return { networks: [...kept.values()], dropped };
}

/** A report's validated part and its kept networks, not yet joined into observations. */
export interface SplitNetworks {
  readonly part: ReportPart | null;
  readonly blue: ValidBlue[];
  readonly wifi: ValidWifi[];
  readonly cell: ValidCell[];
  readonly droppedNetworks: { blue: number; wifi: number; cell: number };
}

/** SPEC §4.6 steps 1–4; the splitter writes the part once per report (observation-batch.ts). */
export function splitNetworks(entry: ReportEntry, geo: AnyRegion): SplitNetworks {
  const internal = transformKeepingEmpty(entry.report);
  const part = validateReportPart(internal, entry.source, geo);
  if (part === null) return { part, blue: [], wifi: [], cell: [], droppedNetworks: { blue: 0, wifi: 0, cell: 0 } };
  const blue = collect(internal.blue, BLUE);
  const wifi = collect(internal.wifi, WIFI);
  const cell = collect(internal.cell, CELL);
  return {
    part, blue: blue.networks, wifi: wifi.networks, cell: cell.networks,
    droppedNetworks: { blue: blue.dropped, wifi: wifi.dropped + countNomapWifi(entry.report), cell: cell.dropped },
  };
}

export function splitReport(entry: ReportEntry, geo: AnyRegion): SplitResult {
  const split = splitNetworks(entry, geo);
  const { part } = split;
  if (part === null) return emptyResult();
  const blue = split.blue.map((v) => attachPart(v, part));
  const wifi = split.wifi.map((v) => attachPart(v, part));
  const cell = split.cell.map((v) => attachPart(v, part));
  const any = blue.length + wifi.length + cell.length > 0;
  return {
    blue, wifi, cell, reportDropped: !any, droppedNetworks: split.droppedNetworks,
    position: any ? { lat: part.lat, lon: part.lon } : null,
  };
}

/**
 * The position `splitReport` would give, without building the observations: the datamap needs
 * only to know that at least one network survives (SPEC §4.6 step 6).
 */
export function observedPosition(entry: ReportEntry, geo: AnyRegion): { lat: number; lon: number } | null {
  const internal = transformKeepingEmpty(entry.report);
  const part = validateReportPart(internal, entry.source, geo);
  if (part === null) return null;
  const any = internal.wifi?.some((w) => validateWifi(w) !== null)
    || internal.cell?.some((c) => validateCell(c) !== null)
    || internal.blue?.some((b) => validateBlue(b) !== null);
  return any ? { lat: part.lat, lon: part.lon } : null;
}

function emptyResult(): SplitResult {
  return { blue: [], wifi: [], cell: [], reportDropped: true, droppedNetworks: { blue: 0, wifi: 0, cell: 0 }, position: null };
}

/** The observation stream shard (DESIGN §2): the MAC's 5th hex digit, or the cell's radio. */
export function observationShard(kind: StationKind, obs: Observation | ValidBlue | ValidWifi | ValidCell): string {
  if (kind === "cell") {
    if ("radio" in obs) return obs.radio;
  } else if ("mac" in obs) return macShard(obs.mac);
  throw new TypeError(`not a ${kind} observation`);
}
