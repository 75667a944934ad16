/**
 * Which of two sightings of the same network to keep, in a report (SPEC §4.6 step 4) and in a
 * locate query (SPEC §3.2). "Is better" = ANY comparator where both values are present says the
 * kept entry wins: not a lexicographic compare (SPEC §9.23).
 */
const higher = (kept: number | undefined, other: number | undefined) => kept !== undefined && other !== undefined && kept > other;
const lower = (kept: number | undefined, other: number | undefined) => kept !== undefined && other !== undefined && kept < other;

export type Ranked = { signal?: number; age?: number; snr?: number; ta?: number; asu?: number };

export const blueIsBetter = (kept: Ranked, other: Ranked): boolean => higher(kept.signal, other.signal) || lower(kept.age, other.age);
export const wifiIsBetter = (kept: Ranked, other: Ranked): boolean =>
  higher(kept.signal, other.signal) || higher(kept.snr, other.snr) || lower(kept.age, other.age);
export const cellIsBetter = (kept: Ranked, other: Ranked): boolean =>
  lower(kept.ta, other.ta) || higher(kept.signal, other.signal) || higher(kept.asu, other.asu) || lower(kept.age, other.age);
