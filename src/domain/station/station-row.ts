/**
 * A station row as the projectors read and write it (SPEC §5.3). DATE columns are `YYYY-MM-DD`
 * strings (UTC days); DATETIME columns are Dates (UTC).
 */
import type { StationRadio } from "../observation/types.ts";
import type { MoveCandidate } from "./move-watch.ts";

/** ReportSource codes stored in the `source` column. */
export const SOURCE_CODES = { fixed: 0, gnss: 3, fused: 6, query: 9 } as const;

export interface StationFields {
  lat: number | null;
  lon: number | null;
  maxLat: number | null;
  minLat: number | null;
  maxLon: number | null;
  minLon: number | null;
  radius: number | null;
  region: string | null;
  samples: number | null;
  /** 0 fixed, 3 gnss, 6 fused, 9 query. */
  source: number | null;
  weight: number | null;
  created: Date | null;
  modified: Date | null;
  lastSeen: string | null;
  blockFirst: string | null;
  blockLast: string | null;
  blockCount: number | null;
}

export interface MacStation extends StationFields {
  /** 12 lowercase hex digits. */
  mac: string;
  /** Where observations farther from the stored centre than it is heard point (move-watch.ts); absent = none. */
  move?: MoveCandidate;
}

export interface CellStation extends StationFields {
  radio: StationRadio;
  mcc: number;
  mnc: number;
  lac: number;
  cid: number;
  psc: number | null;
}

export type StationRow = MacStation | CellStation;

/**
 * What the locate searchers read of a station (SPEC §3.6–3.8, §3.11): its position and radius,
 * region, and the inputs of its score and block state. The locate reads select only these.
 */
export type LocateFields = Pick<
  StationFields,
  "lat" | "lon" | "radius" | "region" | "samples" | "created" | "modified" | "lastSeen" | "blockLast" | "blockCount"
>;
export type LocateMacStation = LocateFields & Pick<MacStation, "mac"> & {
  /** Its move candidate (MacStation's `move`, without the weight locate does not read); null or absent: none. */
  readonly move?: Pick<MoveCandidate, "lat" | "lon" | "samples"> | null;
};
export type LocateCellStation = LocateFields & Pick<CellStation, "radio" | "mcc" | "mnc" | "lac" | "cid">;
