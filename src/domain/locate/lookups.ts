/**
 * A locate request's networks → the query's lookup lists (SPEC §3.2). Ranges, the ASU/signal
 * fix-ups, channel/frequency completion and the radio rules are the submit side's
 * (`observation/validate-network.ts`, SPEC §4.6 uses the §3.2 rules), so both sides accept the same
 * networks, `nr` cells and 6 GHz Wi-Fi included (DESIGN §7). Nothing here rejects a request:
 * invalid values are dropped, invalid entries ignored. A cell with a missing or unknown radio
 * (`umts`, `GSM`, `cdma`) is one such entry; DESIGN §7 drops only that cell. Names and SSIDs
 * over the submit bounds are dropped too (`field-bounds.ts`), whoever built the request: they go
 * into fallback calls and stored query reports.
 */
import { areaKey, cellKey } from "../observation/cell-id.ts";
import {
  type InternalCell,
  type ValidBlue,
  type ValidCell,
  type ValidWifi,
  validateBlue,
  validateCell,
  validateWifi,
} from "../observation/validate-network.ts";
import type { BluetoothBeacon } from "../report.ts";
import { BLUE_NAME_MAX_BYTES, boundSsid, fitsUtf8Bytes } from "../submit/field-bounds.ts";
import type { LocateCellTower, LocateRequest, LocateWifiAccessPoint } from "./parse-locate-request.ts";
import { blueIsBetter, cellIsBetter, wifiIsBetter } from "../observation/is-better.ts";

// The same keep-or-replace rule as the splitter (SPEC §3.2, §9.23).
export { blueIsBetter, cellIsBetter, wifiIsBetter };

export interface BlueLookup extends ValidBlue {
  name?: string;
}

export interface WifiLookup extends ValidWifi {
  ssid?: string;
}

/** radio, mcc, mnc, lac (TAC), cid (NCI for nr), psc, age, asu, signal, ta. */
export type CellLookup = ValidCell;

/** A cell lookup's area part: no cid, no psc. */
export type AreaLookup = Omit<ValidCell, "cid" | "psc">;

/** `asu` is not in the locate schema (SPEC §3.1); internal callers and test_schema may set it. */
export interface CellInput extends LocateCellTower {
  asu?: number;
}

export interface Lookups {
  blue: BlueLookup[];
  wifi: WifiLookup[];
  cell: CellLookup[];
  /** Empty when `fallbacks.lacf` is false (SPEC §3.2). */
  area: AreaLookup[];
}

/** Privacy rule (SPEC §3.2): a single network must not be enough to locate someone. */
export const MIN_BLUES_IN_QUERY = 2;
export const MIN_WIFIS_IN_QUERY = 2;

/** A Map keeps the first occurrence's position when a later duplicate replaces it (OrderedDict). */
function keep<V>(kept: Map<string, V>, v: V | null, key: (v: V) => string, better: (k: V, n: V) => boolean): void {
  if (v === null) return;
  const id = key(v);
  const existing = kept.get(id);
  if (existing === undefined || !better(existing, v)) kept.set(id, v);
}

function atLeast<V>(kept: Map<string, V>, min: number): V[] {
  return kept.size < min ? [] : [...kept.values()];
}

function blueLookup(b: BluetoothBeacon): BlueLookup | null {
  const v: BlueLookup | null = validateBlue({ mac: b.macAddress, age: b.age, signal: b.signalStrength });
  if (v !== null && b.name !== undefined && fitsUtf8Bytes(b.name, BLUE_NAME_MAX_BYTES)) v.name = b.name;
  return v;
}

function wifiLookup(w: LocateWifiAccessPoint): WifiLookup | null {
  const ssid = boundSsid(w.ssid);
  if (ssid === null) return null;
  const v: WifiLookup | null = validateWifi({
    mac: w.macAddress, age: w.age, channel: w.channel, frequency: w.frequency, signal: w.signalStrength, snr: w.signalToNoiseRatio,
  });
  if (v !== null && ssid !== undefined) v.ssid = ssid;
  return v;
}

export function blueLookups(beacons: readonly BluetoothBeacon[]): BlueLookup[] {
  const kept = new Map<string, BlueLookup>();
  for (const b of beacons) keep(kept, blueLookup(b), (v) => v.mac, blueIsBetter);
  return atLeast(kept, MIN_BLUES_IN_QUERY);
}

export function wifiLookups(accessPoints: readonly LocateWifiAccessPoint[]): WifiLookup[] {
  const kept = new Map<string, WifiLookup>();
  for (const w of accessPoints) keep(kept, wifiLookup(w), (v) => v.mac, wifiIsBetter);
  return atLeast(kept, MIN_WIFIS_IN_QUERY);
}

function toInternalCell(c: CellInput): InternalCell {
  return {
    radio: c.radioType, mcc: c.mobileCountryCode, mnc: c.mobileNetworkCode, lac: c.locationAreaCode, cid: c.cellId,
    age: c.age, asu: c.asu, psc: c.primaryScramblingCode, signal: c.signalStrength, ta: c.timingAdvance,
  };
}

/**
 * An area lookup needs everything a cell lookup does except the cid (SPEC §3.2). validate-network.ts
 * exports no area-only validator, so the cell is validated with a stand-in cid that is in range
 * for every radio; 65536 keeps its "gsm with a cid above 16 bits is wcdma" rule working, so the
 * area gets the same radio as the cell.
 */
function areaLookup(c: InternalCell): AreaLookup | null {
  const standInCid = c.cid !== undefined && c.cid > 65535 ? 65536 : 1;
  const v = validateCell({ ...c, cid: standInCid });
  if (v === null) return null;
  const area: AreaLookup = { radio: v.radio, mcc: v.mcc, mnc: v.mnc, lac: v.lac };
  if (v.age !== undefined) area.age = v.age;
  if (v.asu !== undefined) area.asu = v.asu;
  if (v.signal !== undefined) area.signal = v.signal;
  if (v.ta !== undefined) area.ta = v.ta;
  return area;
}

/** Every cell is evaluated twice, as a cell and as an area, into two lists (SPEC §3.2). */
export function cellLookups(cells: readonly CellInput[]): { cell: CellLookup[]; area: AreaLookup[] } {
  const cellsById = new Map<string, CellLookup>();
  const areasById = new Map<string, AreaLookup>();
  for (const c of cells) {
    const internal = toInternalCell(c);
    keep(areasById, areaLookup(internal), areaKey, cellIsBetter);
    keep(cellsById, validateCell(internal), cellKey, cellIsBetter);
  }
  return { cell: [...cellsById.values()], area: [...areasById.values()] };
}

export function buildLookups(request: LocateRequest): Lookups {
  const { cell, area } = cellLookups(request.cellTowers);
  return {
    blue: blueLookups(request.bluetoothBeacons),
    wifi: wifiLookups(request.wifiAccessPoints),
    cell,
    area: request.fallbacks.lacf ? area : [],
  };
}
