/**
 * The rows of `/stats/regions` (SPEC §4.12): per region its name, a sort key, cells per radio
 * and in total (5G NR included, our addition), Bluetooth and Wi-Fi stations; most cells first.
 */
import type { RegionCounts } from "../db/region-stat.ts";
import { regionName } from "../domain/locate/region-search.ts";

export interface RegionRow extends RegionCounts {
  readonly code: string;
  readonly name: string;
  /** The name's first 10 characters without accents, lower-case (Ichnaea's `order`). */
  readonly order: string;
  readonly cell: number;
}

const sortKey = (name: string): string => name.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().slice(0, 10);

export function regionRows(stats: ReadonlyMap<string, RegionCounts>): RegionRow[] {
  const rows = [...stats].map(([code, c]) => {
    const name = regionName(code);
    return { code, name, order: sortKey(name), ...c, cell: c.gsm + c.wcdma + c.lte + c.nr };
  });
  return rows.sort((a, b) => b.cell - a.cell || a.order.localeCompare(b.order));
}
