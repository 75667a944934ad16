/** The payload of an `{areas}` entry: hex area ids whose cells changed, and when (ms). */
export interface AreaUpdate {
  readonly areas: readonly string[];
  /** The derivation time of the cell changes; absent in older entries (the entry's id then). */
  readonly at?: number;
}

/** Why `data` is not an area update, or null when it is (the ids themselves are checked per area). */
export function areaUpdateProblem(data: unknown): string | null {
  const d = data as Partial<AreaUpdate> | null;
  if (typeof d !== "object" || d === null || !Array.isArray(d.areas)) return "not an area update (no areas list)";
  if (d.at !== undefined && !Number.isSafeInteger(d.at)) return `not an area update (at ${JSON.stringify(d.at)} is not a time in ms)`;
  return null;
}
