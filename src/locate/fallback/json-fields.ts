/** Loose readers for the `query.json()` object (SPEC §3.3), which reaches this module untyped. */
export type JsonRecord = Record<string, unknown>;

/** The object entries of a list; anything else (absent, not an array, non-objects) is skipped. */
export function readRecords(value: unknown): JsonRecord[] {
  if (!Array.isArray(value)) return [];
  return value.filter((entry): entry is JsonRecord => typeof entry === "object" && entry !== null && !Array.isArray(entry));
}

/**
 * Copies the listed fields that have a value, renamed when `fields` is a map from source to target
 * name: the outbound schemas list only non-null fields (SPEC §3.12).
 */
export function pickFields(entry: JsonRecord, fields: readonly string[] | Readonly<Record<string, string>>): JsonRecord {
  const names: ReadonlyArray<readonly [string, string]> = Array.isArray(fields)
    ? fields.map((name) => [name, name] as const)
    : Object.entries(fields);
  const out: JsonRecord = {};
  for (const [from, to] of names) {
    const value = entry[from];
    if (value !== undefined && value !== null) out[to] = value;
  }
  return out;
}
