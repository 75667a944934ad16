import type { Report } from "./report.ts";

/**
 * Which reports partition a report goes to (DESIGN §2): a hash of the report itself, not of the
 * API key, so one heavy client cannot make a hot partition. FNV-1a over the fields that make
 * reports differ (time, position, first station) is enough to spread them evenly.
 */
export function reportPartition(report: Report, partitions: number): number {
  if (partitions <= 1) return 0;
  const p = report.position;
  const first = report.wifiAccessPoints[0]?.macAddress ?? report.bluetoothBeacons[0]?.macAddress
    ?? String(report.cellTowers[0]?.cellId ?? "");
  const text = `${report.timestamp}|${p?.latitude ?? ""}|${p?.longitude ?? ""}|${first}`;
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % partitions;
}
