/**
 * What the live feed shows of an arriving submission. The public feed shows what is safe to show:
 * the datamap grid cell of the position (about 110 m, never the exact fix), how many Wi-Fi
 * networks, cells and Bluetooth beacons the report heard, and the client's name from its
 * User-Agent; never an identifier of a network, the API key or the exact position. The full
 * feed (ADMIN_TOKEN) carries the stored entry as it is.
 */
import type { ReportEntry } from "../domain/report.ts";

export interface PublicFeedMessage {
  /** The entry's id: clients tell repeats apart by it. */
  readonly id: string;
  /** When Ichnos received the report, ms since the epoch. */
  readonly received: number;
  /** South-west corner of the report's grid cell, in degrees (3 decimals), or null without a position. */
  readonly cell: readonly [lat: number, lon: number] | null;
  readonly wifi: number;
  readonly cells: number;
  readonly blue: number;
  /** The client's product name (`NeoStumbler`, `GeoClue`, …), or null. */
  readonly client: string | null;
}

export interface FullFeedMessage {
  readonly id: string;
  readonly stream: string;
  readonly entry: ReportEntry;
}

/** The first product token of a User-Agent, without its version: `NeoStumbler/2.1 (…)` → `NeoStumbler`. */
export function clientName(userAgent: string | null): string | null {
  const token = userAgent?.trim().split(/\s+/)[0]?.split("/")[0] ?? "";
  const name = token.replace(/[^A-Za-z0-9._-]/g, "").slice(0, 40);
  return name === "" ? null : name;
}

/** Down to the 0.001° grid (floor, so the cell contains the fix): 3,289 → 3.289 of a degree. */
const gridDegrees = (v: number) => Math.floor(v * 1000) / 1000;

export function publicFeedMessage(id: string, entry: ReportEntry): PublicFeedMessage {
  const { position, wifiAccessPoints, cellTowers, bluetoothBeacons } = entry.report;
  const lat = position?.latitude;
  const lon = position?.longitude;
  return {
    id, received: entry.received,
    cell: typeof lat === "number" && typeof lon === "number" ? [gridDegrees(lat), gridDegrees(lon)] : null,
    wifi: wifiAccessPoints.length, cells: cellTowers.length, blue: bluetoothBeacons.length,
    client: clientName(entry.user_agent),
  };
}
