/**
 * Observations: one network seen at one position, as the internal splitter writes them to the
 * observation streams (SPEC §4.6). Serialised sparsely: absent fields are omitted, never null.
 */
import type { PositionSource } from "../report.ts";

export type StationKind = "wifi" | "blue" | "cell";
/** Radios that have station tables (DESIGN §7 adds `nr`; `cdma` is never stored). */
export const STATION_RADIOS = ["gsm", "wcdma", "lte", "nr"] as const;
export type StationRadio = (typeof STATION_RADIOS)[number];

/**
 * A positioned cell of a stored radio as the public cell data carries it (SPEC §4.13): what the
 * CSV lines, the export's rows and the import's rows share.
 */
export interface PublicCellFields {
  readonly radio: StationRadio;
  readonly mcc: number;
  readonly mnc: number;
  readonly lac: number;
  readonly cid: number;
  readonly psc: number | null;
  readonly lat: number;
  readonly lon: number;
}
/** Wi-Fi and Bluetooth stations are sharded by the 5th hex digit of the MAC (SPEC §5.3). */
export const MAC_SHARDS = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "a", "b", "c", "d", "e", "f"] as const;
export type MacShard = (typeof MAC_SHARDS)[number];

/** The report part every observation of a report shares (validated, SPEC §4.6 ranges). */
export interface ReportPart {
  lat: number;
  lon: number;
  accuracy?: number;
  altitude?: number;
  altitudeAccuracy?: number;
  heading?: number;
  pressure?: number;
  speed?: number;
  source?: PositionSource;
  /** ms since the epoch, already shifted back by the position's age. */
  timestamp?: number;
}

export interface BlueObservation extends ReportPart {
  /** 12 lowercase hex digits. */
  mac: string;
  age?: number;
  signal?: number;
}

export interface WifiObservation extends ReportPart {
  mac: string;
  age?: number;
  channel?: number;
  frequency?: number;
  signal?: number;
  snr?: number;
}

export interface CellObservation extends ReportPart {
  radio: StationRadio;
  mcc: number;
  mnc: number;
  /** LAC (gsm/wcdma), TAC (lte, nr: 24-bit). */
  lac: number;
  /** Cell id; NR: the 36-bit NCI. */
  cid: number;
  psc?: number;
  age?: number;
  asu?: number;
  signal?: number;
  ta?: number;
}

export type Observation = BlueObservation | WifiObservation | CellObservation;

/** One network as seen, without the report part it shares with the report's other networks. */
export type NetworkOf<T extends Observation> = Omit<T, keyof ReportPart>;

/**
 * One entry on an observation stream: the observations for one shard from one splitter batch,
 * grouped by report, so a report's part (position, accuracy, speed, source, time) is written
 * once per shard rather than once per network: 185 instead of 238 bytes per observation in
 * bench:pipeline's city, where a report's 20 Wi-Fi networks spread over 16 shards.
 */
export interface ObservationBatch<T extends Observation = Observation> {
  /** The reports stream and entry ids the batch was split from (diagnostics and idempotency). */
  readonly src: { readonly stream: string; readonly first: string; readonly last: string };
  readonly reports: readonly { readonly part: ReportPart; readonly networks: readonly NetworkOf<T>[] }[];
}
