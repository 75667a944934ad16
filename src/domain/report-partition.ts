import type { Report } from "./report.ts";

/**
 * Which reports partition a report goes to (DESIGN §2): a hash of the report itself, not of the
 * API key, so one heavy client cannot make a hot partition. FNV-1a over the fields that make
 * reports differ (time, position, first station) is enough to spread them evenly.
 */
export function reportPartition(report: Report, partitions: number): number {
  if (partitions <= 1) return 0;
  const p = report.position;
  let h = 0x811c9dc5;
  const t = report.timestamp;
  h = Math.imul(h ^ (t % 4_294_967_296), 0x01000193);
  h = Math.imul(h ^ Math.floor(t / 4_294_967_296), 0x01000193);
  h = Math.imul(h ^ (((p?.latitude ?? 0) * 1e7) | 0), 0x01000193);
  h = Math.imul(h ^ (((p?.longitude ?? 0) * 1e7) | 0), 0x01000193);
  const first = report.wifiAccessPoints[0]?.macAddress ?? report.bluetoothBeacons[0]?.macAddress;
  if (first !== undefined) {
    for (let i = 0; i < first.length; i++) h = Math.imul(h ^ first.charCodeAt(i), 0x01000193);
  } else {
    const cell = report.cellTowers[0]?.cellId ?? 0;
    h = Math.imul(h ^ (cell % 4_294_967_296), 0x01000193);
    h = Math.imul(h ^ Math.floor(cell / 4_294_967_296), 0x01000193);
  }
  // murmur3's finaliser: whole 32-bit words need more mixing than FNV's per-byte step gives.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) % partitions;
}
