/**
 * The numbers `/stats` shows (SPEC §4.12): the latest running totals as millions with two
 * decimals, truncated as Ichnaea truncates them (3,289,900 → "3.28"), and the monthly series
 * of `/stats_{blue,cell,wifi}.json`. Pure: the queries are in db/stat-queries.ts.
 */
import { STAT_KEYS } from "../db/stat.ts";

export interface Metric {
  readonly name: string;
  readonly value: string;
}

export interface GlobalStats {
  /** Bluetooth and Wi-Fi: networks and observations. */
  readonly metrics1: readonly Metric[];
  /** Cells and their observations. */
  readonly metrics2: readonly Metric[];
}

/** Millions with two decimals, truncated: `(value div 10000) / 100`. */
export function millions(value: number | undefined): string {
  return (Math.floor((value ?? 0) / 10_000) / 100).toFixed(2);
}

export function globalStats(totals: ReadonlyMap<number, number>): GlobalStats {
  const m = (name: string, key: number): Metric => ({ name, value: millions(totals.get(key)) });
  return {
    metrics1: [
      m("Bluetooth Networks", STAT_KEYS.unique_blue), m("Bluetooth Observations", STAT_KEYS.blue),
      m("Wifi Networks", STAT_KEYS.unique_wifi), m("Wifi Observations", STAT_KEYS.wifi),
    ],
    metrics2: [m("MLS Cells", STAT_KEYS.unique_cell), m("MLS Cell Observations", STAT_KEYS.cell)],
  };
}

export type StatsKind = "blue" | "cell" | "wifi";

/** What each `/stats_<kind>.json` charts: the unique-station key, under Ichnaea's titles. */
export const SERIES: Readonly<Record<StatsKind, { readonly key: number; readonly title: string }>> = {
  blue: { key: STAT_KEYS.unique_blue, title: "MLS Bluetooth" },
  cell: { key: STAT_KEYS.unique_cell, title: "MLS Cells" },
  wifi: { key: STAT_KEYS.unique_wifi, title: "MLS WiFi" },
};

export interface StatsSeries {
  readonly series: readonly { readonly title: string; readonly data: readonly (readonly [number, number])[] }[];
}

/** `{"series": [{"title", "data": [[first-of-month epoch ms, max in month], …]}]}`. */
export function statsSeries(kind: StatsKind, months: readonly { month: string; value: number }[]): StatsSeries {
  return { series: [{ title: SERIES[kind].title, data: months.map((m) => [Date.parse(`${m.month}T00:00:00Z`), m.value] as const) }] };
}

/** The day a year before `today` (YYYY-MM-DD): the series' window. */
export const yearBefore = (today: string): string => new Date(Date.parse(`${today}T00:00:00Z`) - 365 * 86_400_000).toISOString().slice(0, 10);
