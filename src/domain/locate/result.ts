/**
 * What a locate source answers (SPEC §3.5): a position or a region, with its score, where it came
 * from and the networks it used. Built by the pure searchers; combined by `combine-*.ts`.
 */
export type ResultSource = "internal" | "fallback" | "geoip";
/** SPEC §3.5 source numbers, used to order region results. */
export const SOURCE_RANK: Readonly<Record<ResultSource, number>> = { internal: 1, fallback: 2, geoip: 3 };

export type FallbackTag = "lacf" | "ipf" | null;

export interface UsedNetwork {
  readonly type: "blue" | "wifi" | "cell" | "area";
  /** Lowercase hex of the station id (MAC, cell id or area id bytes). */
  readonly id: string;
  readonly seenToday: boolean;
}

export interface PositionResult {
  readonly lat: number;
  readonly lon: number;
  /** Metres. */
  readonly accuracy: number;
  readonly score: number;
  readonly source: ResultSource;
  readonly fallback: FallbackTag;
  readonly usedNetworks: readonly UsedNetwork[];
}

export interface RegionResult {
  readonly regionCode: string;
  readonly regionName: string;
  /** Metres. */
  readonly accuracy: number;
  readonly score: number;
  readonly source: ResultSource;
  readonly fallback: FallbackTag;
  readonly usedNetworks: readonly UsedNetwork[];
}
