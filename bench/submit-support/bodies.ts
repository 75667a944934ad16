/**
 * NeoStumbler-style upload bodies (the shape of test/fixtures/NS-S1.json): `{"items": [...]}` of
 * reports with a full GNSS position, 4–8 Wi-Fi access points with NeoStumbler's extra fields, an
 * LTE serving cell and an NR neighbour (36-bit cell id), and a Bluetooth beacon in every third
 * report. MACs, signal strengths, positions and timestamps differ across reports and bodies, so no
 * two requests of a pool carry the same data. Deterministic for a given seed.
 */
import { gzipSync } from "node:zlib";
import { prng } from "../../src/util/prng.ts";

export interface BodyPool {
  /** Gzipped JSON bodies, sent with `Content-Encoding: gzip`. */
  readonly bodies: readonly Buffer[];
  readonly reportsPerBody: number;
  readonly meanJsonBytes: number;
  readonly meanGzipBytes: number;
  readonly meanWifiPerReport: number;
}


const WIFI_BANDS = [
  { radioType: "802.11n", channel: 6, frequency: 2437 },
  { radioType: "802.11ax", channel: 42, frequency: 5210 },
  { radioType: "802.11ac", channel: 36, frequency: 5180 },
  { radioType: "802.11ax", channel: 37, frequency: 6135 },
] as const;
const SSIDS = ["Koti_5G", "DNA-WIFI-1234", "Elisa_Kotiverkko", "TeliaGW-77", "HSL-wifi", "Koti_6G"];

export function makeNsReport(random: () => number, nowMs: number): Record<string, unknown> {
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const round = (x: number, digits: number) => Number(x.toFixed(digits));
  // Unicast, globally administered (the two low bits of the first octet clear), like real APs.
  const mac = () => [int(0, 63) * 4, ...Array.from({ length: 5 }, () => int(0, 255))]
    .map((b) => b.toString(16).padStart(2, "0")).join(":");
  const report: Record<string, unknown> = {
    timestamp: nowMs - int(5_000, 2 * 86_400_000),
    position: {
      latitude: round(60.1 + random() * 0.2, 6), longitude: round(24.8 + random() * 0.3, 6),
      accuracy: round(2 + random() * 15, 1), age: int(0, 800), altitude: round(5 + random() * 60, 1),
      altitudeAccuracy: round(1 + random() * 6, 1), heading: round(random() * 360, 1),
      pressure: round(995 + random() * 30, 2), speed: round(random() * 15, 2), source: "gps",
    },
    wifiAccessPoints: Array.from({ length: int(4, 8) }, () => {
      const band = WIFI_BANDS[int(0, WIFI_BANDS.length - 1)]!;
      return {
        macAddress: mac(), ...band, age: int(-3000, 3000), signalStrength: int(-92, -45),
        ssid: SSIDS[int(0, SSIDS.length - 1)]!,
      };
    }),
    cellTowers: [
      {
        radioType: "lte", mobileCountryCode: 244, mobileCountryCodeStr: "244", mobileNetworkCode: 5,
        mobileNetworkCodeStr: "05", locationAreaCode: int(4000, 4400), cellId: int(1, 268_435_455), age: int(-500, 500),
        asu: int(30, 70), primaryScramblingCode: int(0, 503), serving: 1, signalStrength: int(-110, -50),
        timingAdvance: int(0, 30), arfcn: 6300,
      },
      {
        radioType: "nr", mobileCountryCode: 244, mobileCountryCodeStr: "244", mobileNetworkCode: 5,
        mobileNetworkCodeStr: "05", locationAreaCode: int(4000, 4400), cellId: int(1, 68_719_476_735), age: int(-500, 500),
        asu: int(20, 60), primaryScramblingCode: int(0, 1007), serving: 0, signalStrength: int(-120, -70), arfcn: 634_080,
      },
    ],
  };
  if (random() < 1 / 3) {
    report.bluetoothBeacons = [{
      macAddress: mac(), beaconType: 533, id1: "fb0b57a2-8228-44cd-913a-94a122ba1206", id2: String(int(1, 9)),
      id3: String(int(1, 9)), age: int(0, 3000), signalStrength: int(-95, -60),
    }];
  }
  return report;
}

export function makeBodyPool(count: number, reportsPerBody: number, seed = 0x1c4e05, nowMs = Date.now()): BodyPool {
  const random = prng(seed);
  let jsonBytes = 0;
  let gzipBytes = 0;
  let wifi = 0;
  const bodies = Array.from({ length: count }, () => {
    const items = Array.from({ length: reportsPerBody }, () => makeNsReport(random, nowMs));
    for (const item of items) wifi += (item.wifiAccessPoints as unknown[]).length;
    const json = JSON.stringify({ items });
    const gz = gzipSync(json);
    jsonBytes += Buffer.byteLength(json);
    gzipBytes += gz.byteLength;
    return gz;
  });
  return {
    bodies, reportsPerBody,
    meanJsonBytes: Math.round(jsonBytes / count),
    meanGzipBytes: Math.round(gzipBytes / count),
    meanWifiPerReport: Math.round((wifi / (count * reportsPerBody)) * 10) / 10,
  };
}

/** The request headers NeoStumbler sends with an upload. */
export const SUBMIT_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  "Content-Type": "application/json",
  "Content-Encoding": "gzip",
  "User-Agent": "NeoStumbler/32",
});
