/**
 * `/v2/geosubmit` and `/v1/geosubmit` reports (SPEC §4.1). v2 is already the normalised shape,
 * position nested. v1 differs in two places only: the position fields sit at the report's top
 * level, and cells name the scrambling code `psc` (upstream's v1 cell schema has no
 * `primaryScramblingCode`, so that name is ignored there).
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
import { CARRIER_MAX_CHARS, readBoundedString } from "./field-bounds.ts";
import { type Ctx, type Obj, readEach, readInt, readNested } from "./fields.ts";
import { timestampOrNow } from "./timestamps.ts";
import { readCellRadio } from "./vocabulary.ts";

const V1_CELL_KEYS: CellKeys = { ...V2_CELL_KEYS, primaryScramblingCode: "psc" };

function readGeosubmitReport(o: Obj, ctx: Ctx, nowMs: number, v1: boolean): Report | undefined {
  const radio = readCellRadio(o, "radioType", ctx);
  return assembleReport({
    timestamp: timestampOrNow(readInt(o, "timestamp", ctx), nowMs),
    carrier: readBoundedString(o, "carrier", ctx, CARRIER_MAX_CHARS),
    homeMobileCountryCode: readInt(o, "homeMobileCountryCode", ctx),
    homeMobileNetworkCode: readInt(o, "homeMobileNetworkCode", ctx),
    // A v2 position object whose fields were all dropped counts as none, as in v1 and v0.
    position: v1
      ? readPosition(o, ctx, V2_POSITION_KEYS)
      : (readNested(o, "position", ctx, readPosition, V2_POSITION_KEYS) ?? null),
    bluetoothBeacons: readEach(o, "bluetoothBeacons", ctx, readBlue, V2_BLUE_KEYS),
    cellTowers: readEach(o, "cellTowers", ctx, readCell, { keys: v1 ? V1_CELL_KEYS : V2_CELL_KEYS, radio }),
    wifiAccessPoints: readEach(o, "wifiAccessPoints", ctx, readWifi, V2_WIFI_KEYS),
  });
}

export const readReportV1 = (o: Obj, ctx: Ctx, nowMs: number) => readGeosubmitReport(o, ctx, nowMs, true);
export const readReportV2 = (o: Obj, ctx: Ctx, nowMs: number) => readGeosubmitReport(o, ctx, nowMs, false);
