/**
 * `/v1/geolocate` and `/v1/country` request body → typed request (SPEC §3.1). Pure: the HTTP
 * layer has decoded and JSON-parsed the body (and turns an empty body into `{}`, SPEC §1.5).
 * Type errors reject the request with every bad dotted path, exactly as the submit schemas do
 * (same colander-style readers, `src/domain/submit/fields.ts`); values are not range-checked
 * here — that is the lookups' job (SPEC §3.2, `lookups.ts`), which never rejects.
 *
 * `carrier`, `homeMobileCountryCode` and `homeMobileNetworkCode` are type-checked and then
 * ignored (SPEC §3.1), so they are not part of `LocateRequest`.
 */
import type { BluetoothBeacon, CellRadio } from "../report.ts";
import { readBlue, V2_BLUE_KEYS } from "../submit/entries.ts";
import { boundSsid, readMacAddress } from "../submit/field-bounds.ts";
import {
  type Ctx,
  createCtx,
  isMapping,
  notMapping,
  type Obj,
  readEach,
  readInt,
  readMapping,
  readString,
} from "../submit/fields.ts";

export interface Fallbacks {
  /** IP (GeoIP) fallback allowed. */
  readonly ipf: boolean;
  /** Cell-area fallback allowed. */
  readonly lacf: boolean;
}

/**
 * A cell as sent. `radioType` is kept verbatim (exact, case-sensitive): the lookups drop a cell
 * whose radio is not one they locate (DESIGN §7), rather than this parser rejecting the request.
 */
export interface LocateCellTower {
  radioType?: string;
  mobileCountryCode?: number;
  mobileNetworkCode?: number;
  locationAreaCode?: number;
  cellId?: number;
  age?: number;
  primaryScramblingCode?: number;
  signalStrength?: number;
  timingAdvance?: number;
}

export interface LocateWifiAccessPoint {
  macAddress: string;
  age?: number;
  channel?: number;
  frequency?: number;
  signalStrength?: number;
  signalToNoiseRatio?: number;
  ssid?: string;
}

export interface LocateRequest {
  bluetoothBeacons: BluetoothBeacon[];
  cellTowers: LocateCellTower[];
  wifiAccessPoints: LocateWifiAccessPoint[];
  fallbacks: Fallbacks;
}

export type ParseLocateResult = { ok: true; request: LocateRequest } | { ok: false; validation: Record<string, string> };

/** Upstream's `gsm`, `cdma`, `wcdma`, `lte` plus `nr` (DESIGN §7); exact, lowercase (SPEC §3.1). */
const LOCATE_RADIOS: ReadonlySet<string> = new Set<CellRadio>(["gsm", "cdma", "wcdma", "lte", "nr"]);

export function isLocateRadio(value: string): value is CellRadio {
  return LOCATE_RADIOS.has(value);
}

/**
 * colander `Boolean`: `str(value).lower()` in (`false`, `0`) is false, anything else true, so
 * values that are no boolean at all (`"yes"`, `[]`, `{}`) count as true and never reject
 * (SPEC §1.5, §3.1). JSON `null`/absent take the default. (`0.0` reads as false here: JSON.parse
 * cannot tell it from `0`, where Python's `str(0.0)` would be `"0.0"`, i.e. true.)
 */
function readBool(o: Obj, key: string, fallback: boolean): boolean {
  const value = o[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value === "string") {
    const lower = value.toLowerCase();
    return lower !== "false" && lower !== "0";
  }
  return value !== false && value !== 0;
}

/** SPEC §3.1: `considerIp` only matters when `fallbacks` is absent; each flag defaults to true. */
function readFallbacks(body: Obj, ctx: Ctx, considerIp: boolean): Fallbacks {
  const fallbacks = readMapping(body, "fallbacks", ctx);
  if (fallbacks === undefined) return { lacf: true, ipf: considerIp };
  return { lacf: readBool(fallbacks, "lacf", true), ipf: readBool(fallbacks, "ipf", true) };
}

/**
 * One cell. `psc` is upstream's alias of `primaryScramblingCode`; the full name wins when both
 * are sent. `asu`, `serving` and the FxOS `radio` key are not in the locate schema (SPEC §3.1).
 */
function readLocateCell(o: Obj, ctx: Ctx, fill: CellRadio | undefined): LocateCellTower {
  const radioType = readString(o, "radioType", ctx) ?? fill;
  const mobileCountryCode = readInt(o, "mobileCountryCode", ctx);
  const mobileNetworkCode = readInt(o, "mobileNetworkCode", ctx);
  const locationAreaCode = readInt(o, "locationAreaCode", ctx);
  const cellId = readInt(o, "cellId", ctx);
  const age = readInt(o, "age", ctx);
  const psc = readInt(o, "psc", ctx);
  const primaryScramblingCode = readInt(o, "primaryScramblingCode", ctx) ?? psc;
  const signalStrength = readInt(o, "signalStrength", ctx);
  const timingAdvance = readInt(o, "timingAdvance", ctx);
  const c: LocateCellTower = {};
  if (radioType !== undefined) c.radioType = radioType;
  if (mobileCountryCode !== undefined) c.mobileCountryCode = mobileCountryCode;
  if (mobileNetworkCode !== undefined) c.mobileNetworkCode = mobileNetworkCode;
  if (locationAreaCode !== undefined) c.locationAreaCode = locationAreaCode;
  if (cellId !== undefined) c.cellId = cellId;
  if (age !== undefined) c.age = age;
  if (primaryScramblingCode !== undefined) c.primaryScramblingCode = primaryScramblingCode;
  if (signalStrength !== undefined) c.signalStrength = signalStrength;
  if (timingAdvance !== undefined) c.timingAdvance = timingAdvance;
  return c;
}

/**
 * One access point, or undefined without a MAC-shaped MAC. No `radioType` in the locate schema.
 * The MAC and SSID bounds are the submit side's: both may end up in a stored query report.
 */
function readLocateWifi(o: Obj, ctx: Ctx): LocateWifiAccessPoint | undefined {
  const macAddress = readMacAddress(o, "macAddress", ctx);
  const age = readInt(o, "age", ctx);
  const channel = readInt(o, "channel", ctx);
  const frequency = readInt(o, "frequency", ctx);
  const signalStrength = readInt(o, "signalStrength", ctx);
  const signalToNoiseRatio = readInt(o, "signalToNoiseRatio", ctx);
  const ssid = boundSsid(readString(o, "ssid", ctx));
  if (macAddress === undefined || ssid === null) return undefined;
  const w: LocateWifiAccessPoint = { macAddress };
  if (age !== undefined) w.age = age;
  if (channel !== undefined) w.channel = channel;
  if (frequency !== undefined) w.frequency = frequency;
  if (signalStrength !== undefined) w.signalStrength = signalStrength;
  if (signalToNoiseRatio !== undefined) w.signalToNoiseRatio = signalToNoiseRatio;
  if (ssid !== undefined) w.ssid = ssid;
  return w;
}

export function parseLocateRequest(body: unknown): ParseLocateResult {
  if (!isMapping(body)) return { ok: false, validation: { "": notMapping(body) } };
  const ctx = createCtx();
  readString(body, "carrier", ctx);
  readInt(body, "homeMobileCountryCode", ctx);
  readInt(body, "homeMobileNetworkCode", ctx);
  const considerIp = readBool(body, "considerIp", true);
  // DESIGN §7 over SPEC §3.1 and §9.11: an unknown top-level `radioType` (`umts`, `GSM`) is
  // ignored instead of rejecting the request — it then fills no cell. A non-string still
  // rejects: that is a type error, as in every other string field.
  const top = readString(body, "radioType", ctx);
  const fill = top !== undefined && isLocateRadio(top) ? top : undefined;
  const request: LocateRequest = {
    bluetoothBeacons: readEach(body, "bluetoothBeacons", ctx, readBlue, V2_BLUE_KEYS),
    cellTowers: readEach(body, "cellTowers", ctx, readLocateCell, fill),
    wifiAccessPoints: readEach(body, "wifiAccessPoints", ctx, readLocateWifi, undefined),
    fallbacks: readFallbacks(body, ctx, considerIp),
  };
  return ctx.errors === null ? { ok: true, request } : { ok: false, validation: ctx.errors };
}
