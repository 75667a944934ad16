/**
 * `/v1/geosubmit` reports (SPEC §4.1): the v2 fields, except that the position fields sit at the
 * report's top level and cells name the scrambling code `psc` (upstream's v1 cell schema has no
 * `primaryScramblingCode`, so that name is ignored here).
 */
import type { Report } from "../report.ts";
import { assembleReport } from "./assemble.ts";
import {
  type CellKeys,
  readBlue,
  readCell,
  readPosition,
  readWifi,
  V2_BLUE_KEYS,
  V2_CELL_KEYS,
  V2_POSITION_KEYS,
  V2_WIFI_KEYS,
} from "./entries.ts";
import { type Ctx, type Obj, readEach, readInt, readString } from "./fields.ts";
import { timestampOrNow } from "./timestamps.ts";
import { readCellRadio } from "./vocabulary.ts";

const V1_CELL_KEYS: CellKeys = { ...V2_CELL_KEYS, primaryScramblingCode: "psc" };

export function readReportV1(o: Obj, ctx: Ctx, nowMs: number): Report | undefined {
  const radio = readCellRadio(o, "radioType", ctx);
  return assembleReport({
    timestamp: timestampOrNow(readInt(o, "timestamp", ctx), nowMs),
    carrier: readString(o, "carrier", ctx),
    homeMobileCountryCode: readInt(o, "homeMobileCountryCode", ctx),
    homeMobileNetworkCode: readInt(o, "homeMobileNetworkCode", ctx),
    position: readPosition(o, ctx, V2_POSITION_KEYS),
    bluetoothBeacons: readEach(o, "bluetoothBeacons", ctx, readBlue, V2_BLUE_KEYS),
    cellTowers: readEach(o, "cellTowers", ctx, readCell, { keys: V1_CELL_KEYS, radio }),
    wifiAccessPoints: readEach(o, "wifiAccessPoints", ctx, readWifi, V2_WIFI_KEYS),
  });
}
