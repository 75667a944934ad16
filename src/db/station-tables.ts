/**
 * Which table holds which stations (SPEC §5.3, DESIGN §7): Wi-Fi and Bluetooth are sharded by
 * the 5th hex digit of the MAC, cells by radio (`cell_nr` is ours).
 */
import { MAC_SHARDS, STATION_RADIOS, type StationKind, type StationRadio } from "../domain/observation/types.ts";

export { MAC_SHARDS, STATION_RADIOS };

/** `shard` is a hex digit for wifi/blue and a radio name for cells. */
export function stationTable(kind: StationKind, shard: string): string {
  if (kind === "cell") {
    if (!(STATION_RADIOS as readonly string[]).includes(shard)) throw new Error(`no cell table for radio "${shard}"`);
    return `cell_${shard}`;
  }
  if (!(MAC_SHARDS as readonly string[]).includes(shard)) throw new Error(`no ${kind} shard "${shard}"`);
  return `${kind}_shard_${shard}`;
}

export function allStationTables(kind: StationKind): string[] {
  return kind === "cell" ? STATION_RADIOS.map((r) => stationTable("cell", r)) : MAC_SHARDS.map((h) => stationTable(kind, h));
}

/** The area table of a radio: NR's 24-bit TAC needs `cell_area_nr` (DESIGN §7). */
export function areaTable(radio: StationRadio): string {
  return radio === "nr" ? "cell_area_nr" : "cell_area";
}
