/**
 * An `export_config` row (SPEC §4.5) and its routing rule. Each row is a consumer group
 * `export:<name>` on the reports streams (DESIGN §3).
 */
export const EXPORT_SCHEMAS = ["internal", "dummy", "s3", "geosubmit"] as const;
export type ExportSchema = (typeof EXPORT_SCHEMAS)[number];

export interface ExportConfig {
  readonly name: string;
  /** Reports per export batch; 0 (or NULL) = the consumer default. */
  readonly batch: number;
  readonly schema: string | null;
  readonly url: string | null;
  /** NULL = export every key's data. */
  readonly skipKeys: ReadonlySet<string> | null;
  /** NULL = export every source. */
  readonly skipSources: ReadonlySet<string> | null;
}

export interface ExportConfigRow {
  readonly name: string;
  readonly batch: number | null;
  readonly schema: string | null;
  readonly url: string | null;
  readonly skip_keys: string | null;
  readonly skip_sources: string | null;
}

/** Comma-separated text as a set: `""` is the empty set, NULL stays NULL (SPEC §6.8 test_config). */
export function parseSkipSet(text: string | null): ReadonlySet<string> | null {
  if (text === null) return null;
  return new Set(text.split(",").map((s) => s.trim()).filter((s) => s !== ""));
}

export function formatSkipSet(set: ReadonlySet<string> | null): string | null {
  return set === null ? null : [...set].sort().join(",");
}

export function toExportConfig(row: ExportConfigRow): ExportConfig {
  return {
    name: row.name, batch: row.batch ?? 0, schema: row.schema, url: row.url,
    skipKeys: parseSkipSet(row.skip_keys), skipSources: parseSkipSet(row.skip_sources),
  };
}

/** SPEC §4.4 `config.allowed(api_key, source)`: a null key is never skipped by `skip_keys`. */
export function exportAllows(config: ExportConfig, apiKey: string | null, source: string | null): boolean {
  if (apiKey !== null && config.skipKeys?.has(apiKey)) return false;
  if (source !== null && config.skipSources?.has(source)) return false;
  return true;
}

export const exportGroupName = (name: string): string => `export:${name}`;
