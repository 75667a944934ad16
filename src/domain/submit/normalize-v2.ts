/** `/v2/geosubmit` reports (SPEC §4.1): already the normalised shape, position nested. */
import type { Report } from "../report.ts";
import { assembleReport } from "./assemble.ts";
import {
  readBlue,
  readCell,
  readPosition,
  readWifi,
  V2_BLUE_KEYS,
  V2_CELL_KEYS,
  V2_POSITION_KEYS,
  V2_WIFI_KEYS,
} from "./entries.ts";
import { type Ctx, type Obj, readEach, readInt, readNested, readString } from "./fields.ts";
import { timestampOrNow } from "./timestamps.ts";
import { readCellRadio } from "./vocabulary.ts";

export function readReportV2(o: Obj, ctx: Ctx, nowMs: number): Report | undefined {
  const radio = readCellRadio(o, "radioType", ctx);
  return assembleReport({
    timestamp: timestampOrNow(readInt(o, "timestamp", ctx), nowMs),
    carrier: readString(o, "carrier", ctx),
    homeMobileCountryCode: readInt(o, "homeMobileCountryCode", ctx),
    homeMobileNetworkCode: readInt(o, "homeMobileNetworkCode", ctx),
    // A position object whose fields were all dropped counts as none, as in v1 and v0.
    position: readNested(o, "position", ctx, readPosition, V2_POSITION_KEYS) ?? null,
    bluetoothBeacons: readEach(o, "bluetoothBeacons", ctx, readBlue, V2_BLUE_KEYS),
    cellTowers: readEach(o, "cellTowers", ctx, readCell, { keys: V2_CELL_KEYS, radio }),
    wifiAccessPoints: readEach(o, "wifiAccessPoints", ctx, readWifi, V2_WIFI_KEYS),
  });
}
