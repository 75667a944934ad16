/**
 * Realistic stream payloads: a normalised v2 geosubmit report (position, 3 Wi-Fi access points,
 * 1 cell) with the fields the submit endpoint adds: 490-odd bytes of JSON like the real thing.
 */
export interface BenchReport {
  readonly timestamp: number;
  readonly position: Record<string, number | string>;
  readonly wifiAccessPoints: Record<string, number | string>[];
  readonly cellTowers: Record<string, number | string>[];
  readonly api_key: string;
  readonly source: string;
  readonly received: number;
}

const hex = (n: number, width: number) => n.toString(16).padStart(width, "0");

/** Deterministic for a given index, so every method writes the same entries. */
export function makeReport(i: number): BenchReport {
  const t = 1_795_000_000_000 + i * 37;
  const lat = 52.3 + ((i * 7919) % 100_000) / 1e6;
  const lon = 4.8 + ((i * 104_729) % 100_000) / 1e6;
  const mac = (k: number) => hex((i * 3 + k) * 2_654_435_761 % 0xffffffffffff, 12);
  return {
    timestamp: t,
    position: { latitude: Number(lat.toFixed(7)), longitude: Number(lon.toFixed(7)), accuracy: 12.5, source: "gps" },
    wifiAccessPoints: [0, 1, 2].map((k) => ({
      macAddress: mac(k), signalStrength: -50 - ((i + k * 11) % 40),
    })),
    cellTowers: [{
      radioType: "lte", mobileCountryCode: 204, mobileNetworkCode: 8, locationAreaCode: 2300 + (i % 50),
      cellId: 10_000_000 + (i % 900_000), signalStrength: -90 - (i % 20),
    }],
    api_key: "bench-key",
    source: "gnss",
    received: t + 150,
  };
}

export function makeReports(count: number, offset = 0): BenchReport[] {
  return Array.from({ length: count }, (_, i) => makeReport(offset + i));
}

export function averageJsonBytes(reports: readonly BenchReport[]): number {
  const sample = reports.slice(0, 1000);
  return Math.round(sample.reduce((sum, r) => sum + Buffer.byteLength(JSON.stringify(r)), 0) / Math.max(1, sample.length));
}

/** The report among the first thousand whose JSON is closest to the average size. */
export function typicalReport(): BenchReport {
  const sample = makeReports(1000);
  const average = averageJsonBytes(sample);
  const size = (r: BenchReport) => Math.abs(Buffer.byteLength(JSON.stringify(r)) - average);
  return sample.reduce((best, r) => (size(r) < size(best) ? r : best));
}

/**
 * The same report as a reports-stream entry carries it (ReportEntry): what consumers of the
 * reports streams are handed, and what the runtime checks their payloads against.
 */
export function asReportEntry(r: BenchReport) {
  const { api_key, source, received, ...report } = r;
  return { api_key, source, received, user_agent: null, report: { ...report, bluetoothBeacons: [] } };
}
