/**
 * The MLS cell CSV format (SPEC §4.13): one line per positioned cell, CRLF-terminated, under a
 * fixed header. OpenCelliD publishes its dumps in the same format. `NR` (5G) is our extra radio
 * value next to MLS's `GSM`, `UMTS` and `LTE` (DESIGN §7, `cell_nr`).
 */
import type { PublicCellFields, StationRadio } from "../domain/observation/types.ts";
import { roundHalfEven } from "../geo/round.ts";

export const CELL_CSV_HEADER = "radio,mcc,net,area,cell,unit,lon,lat,range,samples,changeable,created,updated,averageSignal";
export const CELL_CSV_COLUMNS = CELL_CSV_HEADER.split(",").length;

/** The format's radio names; cdma is neither stored nor exported. */
export const CSV_RADIO_NAMES: Readonly<Record<StationRadio, string>> = { gsm: "GSM", wcdma: "UMTS", lte: "LTE", nr: "NR" };

/** A cell as the format carries it: ids, position, radius, samples, and when (Unix seconds). */
export interface CsvCell extends PublicCellFields {
  readonly radius: number;
  readonly samples: number;
  readonly created: number;
  readonly updated: number;
}

/** Python's `round(x, 7)` printed without trailing zeros or an exponent, e.g. `51.5`, `-0.1234567`. */
export function formatCoordinate(value: number): string {
  const fixed = roundHalfEven(value, 7).toFixed(7);
  const trimmed = fixed.replace(/\.?0+$/, "");
  return trimmed === "-0" ? "0" : trimmed;
}

/** One data line, without its line ending. */
export function formatCellLine(cell: CsvCell): string {
  return [
    CSV_RADIO_NAMES[cell.radio], cell.mcc, cell.mnc, cell.lac, cell.cid, cell.psc ?? "",
    formatCoordinate(cell.lon), formatCoordinate(cell.lat), cell.radius, cell.samples, 1, cell.created, cell.updated, "",
  ].join(",");
}
