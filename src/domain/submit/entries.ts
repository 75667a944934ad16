/**
 * Readers for the parts every submit schema shares — position, Bluetooth beacons, cells, Wi-Fi —
 * parameterised by the field names each schema uses (v0 says `key`/`signal`, v1 says `psc`).
 * Objects are built with only the fields present, so no key holds `undefined`.
 */
import type { BluetoothBeacon, CellRadio, CellTower, Position, WifiAccessPoint } from "../report.ts";
import {
  BLUE_NAME_MAX_BYTES,
  boundSsid,
  readBoundedString,
  readBoundedUtf8,
  readMacAddress,
  WIFI_RADIO_MAX_CHARS,
} from "./field-bounds.ts";
import { type Ctx, type Obj, readFloat, readInt, readString } from "./fields.ts";
import { readCellRadio, readPositionSource } from "./vocabulary.ts";

export interface PositionKeys {
  readonly latitude: string;
  readonly longitude: string;
  readonly accuracy: string;
  readonly altitude: string;
  readonly altitudeAccuracy: string;
  readonly heading: string;
  readonly pressure: string;
  readonly speed: string;
  readonly age: string;
  readonly source: string;
}

export interface BlueKeys {
  readonly macAddress: string;
  readonly age: string;
  readonly name: string;
  readonly signalStrength: string;
}

export interface CellKeys {
  readonly radioType: string;
  readonly mobileCountryCode: string;
  readonly mobileNetworkCode: string;
  readonly locationAreaCode: string;
  readonly cellId: string;
  readonly age: string;
  readonly asu: string;
  readonly primaryScramblingCode: string;
  readonly serving: string;
  readonly signalStrength: string;
  readonly timingAdvance: string;
}

export interface WifiKeys {
  readonly macAddress: string;
  readonly age: string;
  readonly channel: string;
  readonly frequency: string;
  readonly radioType: string;
  readonly signalStrength: string;
  readonly signalToNoiseRatio: string;
  readonly ssid: string;
}

/** Cell readers also need the report-level radio, which fills cells that lack one. */
export interface CellArg {
  readonly keys: CellKeys;
  readonly radio: CellRadio | undefined;
}

/** The position fields of `o`; null when none survives (v1/v0 create a position only then). */
export function readPosition(o: Obj, ctx: Ctx, k: PositionKeys): Position | null {
  const latitude = readFloat(o, k.latitude, ctx);
  const longitude = readFloat(o, k.longitude, ctx);
  const accuracy = readFloat(o, k.accuracy, ctx);
  const altitude = readFloat(o, k.altitude, ctx);
  const altitudeAccuracy = readFloat(o, k.altitudeAccuracy, ctx);
  const heading = readFloat(o, k.heading, ctx);
  const pressure = readFloat(o, k.pressure, ctx);
  const speed = readFloat(o, k.speed, ctx);
  const age = readInt(o, k.age, ctx);
  const source = readPositionSource(o, k.source, ctx);
  const p: Position = {};
  if (latitude !== undefined) p.latitude = latitude;
  if (longitude !== undefined) p.longitude = longitude;
  if (accuracy !== undefined) p.accuracy = accuracy;
  if (altitude !== undefined) p.altitude = altitude;
  if (altitudeAccuracy !== undefined) p.altitudeAccuracy = altitudeAccuracy;
  if (heading !== undefined) p.heading = heading;
  if (pressure !== undefined) p.pressure = pressure;
  if (speed !== undefined) p.speed = speed;
  if (age !== undefined) p.age = age;
  if (source !== undefined) p.source = source;
  return hasKeys(p) ? p : null;
}

function hasKeys(o: object): boolean {
  for (const key in o) if (Object.hasOwn(o, key)) return true;
  return false;
}

/**
 * A beacon, or undefined when it has no MAC-shaped MAC (its other fields are still type-checked).
 * Over-long names are dropped (`field-bounds.ts`).
 */
export function readBlue(o: Obj, ctx: Ctx, k: BlueKeys): BluetoothBeacon | undefined {
  const macAddress = readMacAddress(o, k.macAddress, ctx);
  const age = readInt(o, k.age, ctx);
  const name = readBoundedUtf8(o, k.name, ctx, BLUE_NAME_MAX_BYTES);
  const signalStrength = readInt(o, k.signalStrength, ctx);
  if (macAddress === undefined) return undefined;
  const b: BluetoothBeacon = { macAddress };
  if (age !== undefined) b.age = age;
  if (name !== undefined) b.name = name;
  if (signalStrength !== undefined) b.signalStrength = signalStrength;
  return b;
}

/** A cell; never dropped here, even when empty (SPEC §9 item 4: the pipeline validates it). */
export function readCell(o: Obj, ctx: Ctx, arg: CellArg): CellTower {
  const k = arg.keys;
  const radioType = readCellRadio(o, k.radioType, ctx) ?? arg.radio;
  const mobileCountryCode = readInt(o, k.mobileCountryCode, ctx);
  const mobileNetworkCode = readInt(o, k.mobileNetworkCode, ctx);
  const locationAreaCode = readInt(o, k.locationAreaCode, ctx);
  const cellId = readInt(o, k.cellId, ctx);
  const age = readInt(o, k.age, ctx);
  const asu = readInt(o, k.asu, ctx);
  const primaryScramblingCode = readInt(o, k.primaryScramblingCode, ctx);
  const serving = readInt(o, k.serving, ctx);
  const signalStrength = readInt(o, k.signalStrength, ctx);
  const timingAdvance = readInt(o, k.timingAdvance, ctx);
  const c: CellTower = {};
  if (radioType !== undefined) c.radioType = radioType;
  if (mobileCountryCode !== undefined) c.mobileCountryCode = mobileCountryCode;
  if (mobileNetworkCode !== undefined) c.mobileNetworkCode = mobileNetworkCode;
  if (locationAreaCode !== undefined) c.locationAreaCode = locationAreaCode;
  if (cellId !== undefined) c.cellId = cellId;
  if (age !== undefined) c.age = age;
  if (asu !== undefined) c.asu = asu;
  if (primaryScramblingCode !== undefined) c.primaryScramblingCode = primaryScramblingCode;
  if (serving !== undefined) c.serving = serving;
  if (signalStrength !== undefined) c.signalStrength = signalStrength;
  if (timingAdvance !== undefined) c.timingAdvance = timingAdvance;
  return c;
}

/**
 * An access point, or undefined when it has no MAC-shaped MAC. `radioType` is free text
 * (`802.11ax`); it and the SSID are dropped when over their bounds (`field-bounds.ts`), except
 * that an over-long `_nomap` SSID drops the access point, keeping the opt-out.
 */
export function readWifi(o: Obj, ctx: Ctx, k: WifiKeys): WifiAccessPoint | undefined {
  const macAddress = readMacAddress(o, k.macAddress, ctx);
  const age = readInt(o, k.age, ctx);
  const channel = readInt(o, k.channel, ctx);
  const frequency = readInt(o, k.frequency, ctx);
  const radioType = readBoundedString(o, k.radioType, ctx, WIFI_RADIO_MAX_CHARS);
  const signalStrength = readInt(o, k.signalStrength, ctx);
  const signalToNoiseRatio = readInt(o, k.signalToNoiseRatio, ctx);
  const ssid = boundSsid(readString(o, k.ssid, ctx));
  if (macAddress === undefined || ssid === null) return undefined;
  const w: WifiAccessPoint = { macAddress };
  if (age !== undefined) w.age = age;
  if (channel !== undefined) w.channel = channel;
  if (frequency !== undefined) w.frequency = frequency;
  if (radioType !== undefined) w.radioType = radioType;
  if (signalStrength !== undefined) w.signalStrength = signalStrength;
  if (signalToNoiseRatio !== undefined) w.signalToNoiseRatio = signalToNoiseRatio;
  if (ssid !== undefined) w.ssid = ssid;
  return w;
}

/** The v2 field names, which are also the normalised report's. */
export const V2_POSITION_KEYS: PositionKeys = {
  latitude: "latitude",
  longitude: "longitude",
  accuracy: "accuracy",
  altitude: "altitude",
  altitudeAccuracy: "altitudeAccuracy",
  heading: "heading",
  pressure: "pressure",
  speed: "speed",
  age: "age",
  source: "source",
};

export const V2_BLUE_KEYS: BlueKeys = {
  macAddress: "macAddress",
  age: "age",
  name: "name",
  signalStrength: "signalStrength",
};

export const V2_CELL_KEYS: CellKeys = {
  radioType: "radioType",
  mobileCountryCode: "mobileCountryCode",
  mobileNetworkCode: "mobileNetworkCode",
  locationAreaCode: "locationAreaCode",
  cellId: "cellId",
  age: "age",
  asu: "asu",
  primaryScramblingCode: "primaryScramblingCode",
  serving: "serving",
  signalStrength: "signalStrength",
  timingAdvance: "timingAdvance",
};

export const V2_WIFI_KEYS: WifiKeys = {
  macAddress: "macAddress",
  age: "age",
  channel: "channel",
  frequency: "frequency",
  radioType: "radioType",
  signalStrength: "signalStrength",
  signalToNoiseRatio: "signalToNoiseRatio",
  ssid: "ssid",
};
