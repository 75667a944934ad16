/**
 * One data line of the cell CSV (cell-csv.ts) checked and turned into a cell, or the reason it
 * cannot be imported. The identity checks are the submit pipeline's own (validateCell): a cell
 * is stored only where a locate query naming it would look, e.g. a `GSM` row with a 28-bit cell
 * id goes to wcdma, exactly as an observation of it would.
 */
import type { StationRadio } from "../domain/observation/types.ts";
import { validateCell } from "../domain/observation/validate-network.ts";
import { CELL_CSV_COLUMNS, type CsvCell } from "./cell-csv.ts";

/** SPEC §4.13: an imported radius is capped at 100 km. */
export const MAX_IMPORTED_RADIUS = 100_000;
const MAX_UINT32 = 4_294_967_295;
/** 9999-12-31T23:59:59Z: the last second a DATETIME column holds. */
const MAX_DATETIME_S = 253_402_300_799;

const CSV_RADIOS: Readonly<Record<string, StationRadio>> = { GSM: "gsm", UMTS: "wcdma", LTE: "lte", NR: "nr" };
const INTEGER = /^\d+$/;
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

export type ParsedLine = { readonly cell: CsvCell } | { readonly problem: string };

function whole(fields: readonly string[], index: number, name: string, max: number): number | string {
  const text = fields[index]!;
  if (!INTEGER.test(text)) return `${name} ${JSON.stringify(text)} is not a whole number`;
  const value = Number(text);
  return value > max ? `${name} ${text} is above ${max}` : value;
}

function decimal(fields: readonly string[], index: number, name: string, limit: number): number | string {
  const text = fields[index]!;
  if (!DECIMAL.test(text)) return `${name} ${JSON.stringify(text)} is not a number`;
  const value = Number(text);
  return Math.abs(value) > limit ? `${name} ${text} is outside -${limit}…${limit}` : value;
}

export function parseCellLine(line: string): ParsedLine {
  const fields = line.split(",");
  if (fields.length !== CELL_CSV_COLUMNS) return { problem: `${fields.length} columns, expected ${CELL_CSV_COLUMNS}` };
  const named = CSV_RADIOS[fields[0]!];
  if (named === undefined) return { problem: `radio ${JSON.stringify(fields[0])} is not GSM, UMTS, LTE or NR` };
  const numbers = {
    mcc: whole(fields, 1, "mcc", 999), mnc: whole(fields, 2, "net", 999), lac: whole(fields, 3, "area", MAX_UINT32),
    cid: whole(fields, 4, "cell", Number.MAX_SAFE_INTEGER), lon: decimal(fields, 6, "lon", 180), lat: decimal(fields, 7, "lat", 90),
    range: whole(fields, 8, "range", Number.MAX_SAFE_INTEGER), samples: whole(fields, 9, "samples", Number.MAX_SAFE_INTEGER),
    created: whole(fields, 11, "created", MAX_DATETIME_S), updated: whole(fields, 12, "updated", MAX_DATETIME_S),
  };
  const wrong = Object.values(numbers).find((v): v is string => typeof v === "string");
  if (wrong !== undefined) return { problem: wrong };
  const n = numbers as { [K in keyof typeof numbers]: number };
  const pscText = fields[5]!;
  if (pscText !== "" && !INTEGER.test(pscText)) return { problem: `unit ${JSON.stringify(pscText)} is neither empty nor a whole number` };
  const valid = validateCell({
    radio: named, mcc: n.mcc, mnc: n.mnc, lac: n.lac, cid: n.cid, ...(pscText === "" ? {} : { psc: Number(pscText) }),
  });
  if (valid === null) return { problem: `${fields.slice(0, 5).join(",")} is not a valid cell (unknown mcc, or net/area/cell out of range)` };
  return {
    cell: {
      radio: valid.radio, mcc: valid.mcc, mnc: valid.mnc, lac: valid.lac, cid: valid.cid, psc: valid.psc ?? null,
      lat: n.lat, lon: n.lon, radius: Math.min(n.range, MAX_IMPORTED_RADIUS), samples: Math.min(n.samples, MAX_UINT32),
      created: n.created, updated: n.updated,
    },
  };
}
