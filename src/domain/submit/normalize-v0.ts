/**
 * `/v1/submit` reports (SPEC §4.1): short field names, position fields at the top level, an
 * ISO-8601 `time`, and no carrier or home network fields.
 */
import type { Report } from "../report.ts";
import { assembleReport } from "./assemble.ts";
import {
  type BlueKeys,
  type CellKeys,
  type PositionKeys,
  readBlue,
  readCell,
  readPosition,
  readWifi,
  type WifiKeys,
} from "./entries.ts";
import { type Ctx, type Obj, readEach, readString } from "./fields.ts";
import { isoTimestampOrNow } from "./timestamps.ts";
import { readCellRadio } from "./vocabulary.ts";

const V0_POSITION_KEYS: PositionKeys = {
  latitude: "lat",
  longitude: "lon",
  accuracy: "accuracy",
  altitude: "altitude",
  altitudeAccuracy: "altitude_accuracy",
  heading: "heading",
  pressure: "pressure",
  speed: "speed",
  age: "age",
  source: "source",
};

const V0_BLUE_KEYS: BlueKeys = { macAddress: "key", age: "age", name: "name", signalStrength: "signal" };

const V0_CELL_KEYS: CellKeys = {
  radioType: "radio",
  mobileCountryCode: "mcc",
  mobileNetworkCode: "mnc",
  locationAreaCode: "lac",
  cellId: "cid",
  age: "age",
  asu: "asu",
  primaryScramblingCode: "psc",
  serving: "serving",
  signalStrength: "signal",
  timingAdvance: "ta",
};

const V0_WIFI_KEYS: WifiKeys = {
  macAddress: "key",
  age: "age",
  channel: "channel",
  frequency: "frequency",
  radioType: "radio",
  signalStrength: "signal",
  signalToNoiseRatio: "signalToNoiseRatio",
  ssid: "ssid",
};

export function readReportV0(o: Obj, ctx: Ctx, nowMs: number): Report | undefined {
  const radio = readCellRadio(o, "radio", ctx);
  return assembleReport({
    timestamp: isoTimestampOrNow(readString(o, "time", ctx), nowMs),
    position: readPosition(o, ctx, V0_POSITION_KEYS),
    bluetoothBeacons: readEach(o, "blue", ctx, readBlue, V0_BLUE_KEYS),
    cellTowers: readEach(o, "cell", ctx, readCell, { keys: V0_CELL_KEYS, radio }),
    wifiAccessPoints: readEach(o, "wifi", ctx, readWifi, V0_WIFI_KEYS),
  });
}
