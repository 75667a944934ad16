/**
 * Stream entries of one fixed shape for the event-log benches (bench:log, bench:archive): a
 * normalised v2 geosubmit report — a GNSS position, 3 Wi-Fi access points, 1 LTE cell — with the
 * fields the submit endpoint adds, about 490 bytes of JSON like the real thing. Report i is made
 * next to an AP of the world picked by i, hears it and 2 more APs of its 100 m grid square and the
 * nearest LTE cell, and is otherwise a function of i alone: every method of a bench writes the same entries,
 * and a run of any size writes the same first ones.
 */
import { IndexGrid } from "./index-grid.ts";
import { nearestCellFinder } from "./nearest-cell.ts";
import { MCC, macHex, type World } from "./stations.ts";

export interface StreamReport {
  readonly timestamp: number;
  readonly position: Record<string, number | string>;
  readonly wifiAccessPoints: Record<string, number | string>[];
  readonly cellTowers: Record<string, number | string>[];
  readonly api_key: string;
  readonly source: string;
  readonly received: number;
}

export interface StreamReports {
  report(i: number): StreamReport;
  reports(count: number, offset?: number): StreamReport[];
}

const APS_PER_REPORT = 3;

export function streamReports(world: World): StreamReports {
  const { wifi, cells } = world;
  const apGrid = new IndexGrid(wifi.x, wifi.y, 100, wifi.discRadius + 10);
  const nearestLte = nearestCellFinder(world, "lte");
  // What a report next to AP a hears: APS_PER_REPORT APs, then the LTE cell; found once per AP.
  const heard = new Int32Array(wifi.count * (APS_PER_REPORT + 1)).fill(-1);
  const heardAt = (a: number) => {
    const at = a * (APS_PER_REPORT + 1);
    if (heard[at] === -1) {
      // The APs of its own grid square are within earshot, and found without a search.
      const aps = apGrid.inCell(wifi.x[a]!, wifi.y[a]!);
      const own = aps.indexOf(a);
      for (let k = 0; k < APS_PER_REPORT; k++) heard[at + k] = aps[(own + k) % aps.length]!;
      heard[at + APS_PER_REPORT] = nearestLte(wifi.x[a]!, wifi.y[a]!) ?? 0;
    }
    return at;
  };

  const report = (i: number): StreamReport => {
    const t = 1_795_000_000_000 + i * 37;
    const a = (i * 2_654_435_761) % wifi.count;
    const at = heardAt(a);
    const c = heard[at + APS_PER_REPORT]!;
    const x = wifi.x[a]! + ((i * 7919) % 41) - 20;
    const y = wifi.y[a]! + ((i * 104_729) % 41) - 20;
    return {
      timestamp: t,
      position: { latitude: Number(world.toLat(y).toFixed(6)), longitude: Number(world.toLon(x).toFixed(6)), accuracy: 12.5, source: "gps" },
      wifiAccessPoints: Array.from({ length: APS_PER_REPORT }, (_, k) => ({
        macAddress: macHex(wifi.mac[heard[at + k]!]!), signalStrength: -50 - ((i + k * 11) % 40),
      })),
      cellTowers: [{
        radioType: "lte", mobileCountryCode: MCC, mobileNetworkCode: cells.mnc[c]!, locationAreaCode: cells.lac[c]!,
        cellId: cells.cid[c]!, signalStrength: -90 - (i % 20),
      }],
      api_key: "bench-key",
      source: "gnss",
      received: t + 150,
    };
  };
  return { report, reports: (count, offset = 0) => Array.from({ length: count }, (_, i) => report(offset + i)) };
}

/**
 * The same report as a reports-stream entry carries it (ReportEntry): what consumers of the
 * reports streams are handed, and what the runtime checks their payloads against.
 */
export function reportEntry(r: StreamReport, userAgent: string | null = null) {
  const { api_key, source, received, ...report } = r;
  return { api_key, source, received, user_agent: userAgent, report: { ...report, bluetoothBeacons: [] } };
}
