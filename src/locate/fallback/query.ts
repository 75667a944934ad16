/** What the fallback source needs from the locate query (SPEC §3.3). */
export interface NetworkCounts {
  /** Valid entries after query validation (a lone WiFi already dropped, areas not counted). */
  readonly blue: number;
  readonly wifi: number;
  /** Full cells only; an area-only entry is not a cell here (SPEC §3.4). */
  readonly cell: number;
}

export interface FallbackQuery {
  /** `query.json()`: the validated lists and `fallbacks`, only non-null fields (SPEC §3.3). */
  readonly json: unknown;
  readonly counts: NetworkCounts;
}
