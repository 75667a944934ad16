/**
 * The normalised report: Ichnaea's v2 geosubmit shape (SPEC §4.1), which every submit schema
 * is converted to and which the reports streams carry. Optional fields are absent, never null,
 * except `position`, which is null when the report has none.
 */
export const POSITION_SOURCES = ["fixed", "gnss", "fused", "query"] as const;
export type PositionSource = (typeof POSITION_SOURCES)[number];

/** Cell radio vocabulary after normalisation (`umts` becomes `wcdma`; `nr` is DESIGN §7). */
export const CELL_RADIOS = ["gsm", "cdma", "wcdma", "lte", "nr"] as const;
export type CellRadio = (typeof CELL_RADIOS)[number];

export interface Position {
  latitude?: number;
  longitude?: number;
  accuracy?: number;
  altitude?: number;
  altitudeAccuracy?: number;
  heading?: number;
  pressure?: number;
  speed?: number;
  age?: number;
  source?: PositionSource;
}

export interface BluetoothBeacon {
  macAddress: string;
  age?: number;
  name?: string;
  signalStrength?: number;
}

export interface CellTower {
  radioType?: CellRadio;
  mobileCountryCode?: number;
  mobileNetworkCode?: number;
  locationAreaCode?: number;
  cellId?: number;
  age?: number;
  asu?: number;
  primaryScramblingCode?: number;
  serving?: number;
  signalStrength?: number;
  timingAdvance?: number;
}

export interface WifiAccessPoint {
  macAddress: string;
  age?: number;
  channel?: number;
  frequency?: number;
  /** Free text such as `802.11n`. */
  radioType?: string;
  signalStrength?: number;
  signalToNoiseRatio?: number;
  ssid?: string;
}

export interface Report {
  /** Milliseconds since the epoch; always present (SPEC §4.1 timestamp rules). */
  timestamp: number;
  carrier?: string;
  homeMobileCountryCode?: number;
  homeMobileNetworkCode?: number;
  position: Position | null;
  bluetoothBeacons: BluetoothBeacon[];
  cellTowers: CellTower[];
  wifiAccessPoints: WifiAccessPoint[];
}

/** What one entry on a reports stream carries (DESIGN §2). */
export interface ReportEntry {
  /** The API key the report came with, when it was a known key; null otherwise. */
  api_key: string | null;
  /** The position source, `gnss` when the report names none; `query` for locate submissions. */
  source: PositionSource;
  /** When Ichnos received it, ms since the epoch. */
  received: number;
  /** The client's User-Agent header, when it sent one. */
  user_agent: string | null;
  report: Report;
}

/** Whether a decoded payload has a report entry's shape (what the exports and the splitter read). */
export function isReportEntry(data: unknown): data is ReportEntry {
  const d = data as ReportEntry | null;
  return typeof d === "object" && d !== null && typeof d.report === "object" && d.report !== null
    && Array.isArray(d.report.wifiAccessPoints) && Array.isArray(d.report.cellTowers) && Array.isArray(d.report.bluetoothBeacons);
}
