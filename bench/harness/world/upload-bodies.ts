/**
 * NeoStumbler-style upload bodies (the shape of test/fixtures/NS-S1.json): `{"items": [...]}` of
 * reports with a full GNSS position, 4–8 Wi-Fi access points with NeoStumbler's extra fields, an
 * LTE serving cell and an NR neighbour (36-bit cell id), and a Bluetooth beacon in every third
 * report. Each report is made at a random spot of the world, next to a random AP, and hears the
 * stations nearest it; spots are independent, so no two requests of a pool carry the same data.
 * Deterministic for a world and a seed.
 */
import { gzipSync } from "node:zlib";
import { prng, randomTools } from "../../../src/util/prng.ts";
import { IndexGrid } from "./index-grid.ts";
import { nearestCellFinder } from "./nearest-cell.ts";
import { CELL_RADIOS, colonMac, MCC, macHex, SSIDS, WIFI_CHANNELS, type World } from "./stations.ts";

export interface BodyPool {
  /** Gzipped JSON bodies, sent with `Content-Encoding: gzip`. */
  readonly bodies: readonly Buffer[];
  readonly reportsPerBody: number;
  readonly meanJsonBytes: number;
  readonly meanGzipBytes: number;
  readonly meanWifiPerReport: number;
}

/** The request headers NeoStumbler sends with an upload. */
export const SUBMIT_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  "Content-Type": "application/json",
  "Content-Encoding": "gzip",
  "User-Agent": "NeoStumbler/32",
});

const wifiStandard = (frequency: number) => (frequency < 3000 ? "802.11n" : frequency < 5900 ? "802.11ac" : "802.11ax");

function reportMaker(world: World, random: () => number, nowMs: number) {
  const { int, gauss } = randomTools(random);
  const { wifi, wifiRadio, cells, beacons } = world;
  const round = (x: number, digits: number) => Number(x.toFixed(digits));
  const apGrid = new IndexGrid(wifi.x, wifi.y, 100, wifi.discRadius + 10);
  const beaconGrid = new IndexGrid(beacons.x, beacons.y, 200, beacons.discRadius + 10);
  const nearestLte = nearestCellFinder(world, "lte");
  const nearestNr = nearestCellFinder(world, "nr");
  const cellFields = (i: number) => {
    const mnc = cells.mnc[i]!;
    return {
      radioType: CELL_RADIOS[cells.radio[i]!]!, mobileCountryCode: MCC, mobileCountryCodeStr: String(MCC), mobileNetworkCode: mnc,
      mobileNetworkCodeStr: String(mnc).padStart(2, "0"), locationAreaCode: cells.lac[i]!, cellId: cells.cid[i]!, age: int(-500, 500),
    };
  };

  return (): Record<string, unknown> => {
    const anchor = int(0, wifi.count - 1);
    const x = wifi.x[anchor]! + gauss() * 40;
    const y = wifi.y[anchor]! + gauss() * 40;
    const report: Record<string, unknown> = {
      timestamp: nowMs - int(5_000, 2 * 86_400_000),
      position: {
        latitude: round(world.toLat(y), 6), longitude: round(world.toLon(x), 6),
        accuracy: round(2 + random() * 15, 1), age: int(0, 800), altitude: round(5 + random() * 60, 1),
        altitudeAccuracy: round(1 + random() * 6, 1), heading: round(random() * 360, 1),
        pressure: round(995 + random() * 30, 2), speed: round(random() * 15, 2), source: "gps",
      },
      wifiAccessPoints: apGrid.around(x, y, 1).slice(0, int(4, 8)).map(({ i }) => {
        const [channel, frequency] = WIFI_CHANNELS[wifiRadio.channel[i]!]!;
        return {
          macAddress: colonMac(macHex(wifi.mac[i]!)), radioType: wifiStandard(frequency), channel, frequency,
          age: int(-3000, 3000), signalStrength: int(-92, -45), ssid: SSIDS[wifiRadio.ssid[i]!]!,
        };
      }),
      cellTowers: [
        {
          ...cellFields(nearestLte(x, y)!), asu: int(30, 70), primaryScramblingCode: int(0, 503), serving: 1,
          signalStrength: int(-110, -50), timingAdvance: int(0, 30), arfcn: 6300,
        },
        {
          ...cellFields(nearestNr(x, y)!), asu: int(20, 60), primaryScramblingCode: int(0, 1007), serving: 0,
          signalStrength: int(-120, -70), arfcn: 634_080,
        },
      ],
    };
    if (random() < 1 / 3) {
      const b = beaconGrid.nearest(x, y);
      report.bluetoothBeacons = [{
        macAddress: colonMac(macHex(beacons.mac[b]!)), beaconType: 533, id1: "fb0b57a2-8228-44cd-913a-94a122ba1206", id2: String(int(1, 9)),
        id3: String(int(1, 9)), age: int(0, 3000), signalStrength: int(-95, -60),
      }];
    }
    return report;
  };
}

export function makeBodyPool(world: World, count: number, reportsPerBody: number, seed: number, nowMs = Date.now()): BodyPool {
  const nextReport = reportMaker(world, prng(seed), nowMs);
  let jsonBytes = 0;
  let gzipBytes = 0;
  let wifi = 0;
  const bodies = Array.from({ length: count }, () => {
    const items = Array.from({ length: reportsPerBody }, nextReport);
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
