/** The last step every submit schema shares: keep a report only if it has a network (SPEC §4.1). */
import type { BluetoothBeacon, CellTower, Position, Report, WifiAccessPoint } from "../report.ts";

export interface ReportParts {
  readonly timestamp: number;
  readonly carrier?: string | undefined;
  readonly homeMobileCountryCode?: number | undefined;
  readonly homeMobileNetworkCode?: number | undefined;
  readonly position: Position | null;
  readonly bluetoothBeacons: BluetoothBeacon[];
  readonly cellTowers: CellTower[];
  readonly wifiAccessPoints: WifiAccessPoint[];
}

/** The report, or undefined when all three lists are empty after entry filtering. */
export function assembleReport(parts: ReportParts): Report | undefined {
  const { bluetoothBeacons, cellTowers, wifiAccessPoints } = parts;
  if (bluetoothBeacons.length === 0 && cellTowers.length === 0 && wifiAccessPoints.length === 0) return undefined;
  const report: Report = { timestamp: parts.timestamp, position: parts.position, bluetoothBeacons, cellTowers, wifiAccessPoints };
  if (parts.carrier !== undefined) report.carrier = parts.carrier;
  if (parts.homeMobileCountryCode !== undefined) report.homeMobileCountryCode = parts.homeMobileCountryCode;
  if (parts.homeMobileNetworkCode !== undefined) report.homeMobileNetworkCode = parts.homeMobileNetworkCode;
  return report;
}
