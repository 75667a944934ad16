/**
 * The external fallback provider's wire formats (SPEC §3.12): the outbound body built from
 * `query.json()` (SPEC §3.3) and the validation of the provider's answer. Pure: no I/O.
 */
import { readRecords, type JsonRecord, pickFields } from "./json-fields.ts";

export const FALLBACK_SCHEMAS = ["ichnaea/v1", "combain/v1", "googlemaps/v1", "unwiredlabs/v1"] as const;
export type FallbackSchema = (typeof FALLBACK_SCHEMAS)[number];
/** SPEC §2.1: a NULL `fallback_schema` means `ichnaea/v1`. */
export const DEFAULT_FALLBACK_SCHEMA: FallbackSchema = "ichnaea/v1";

/** The schema for a key's column value; null for a value no schema knows (the call is skipped). */
export function resolveFallbackSchema(name: string | null): FallbackSchema | null {
  if (name === null || name === "") return DEFAULT_FALLBACK_SCHEMA;
  return (FALLBACK_SCHEMAS as readonly string[]).includes(name) ? (name as FallbackSchema) : null;
}

export interface OutboundRequest {
  readonly url: string;
  readonly body: JsonRecord;
}

/** A definite provider answer; both kinds are cached (SPEC §3.12 step 4). */
export type FallbackAnswer =
  | { readonly kind: "found"; readonly lat: number; readonly lon: number; readonly accuracy: number; readonly fallback: "lacf" | null }
  | { readonly kind: "notFound" };

export const NOT_FOUND: FallbackAnswer = Object.freeze({ kind: "notFound" });

const BLUE_FIELDS = ["macAddress", "age", "name", "signalStrength"];
const CELL_FIELDS = ["radioType", "mobileCountryCode", "mobileNetworkCode", "locationAreaCode", "cellId",
  "primaryScramblingCode", "age", "signalStrength", "timingAdvance"];
// No `asu` and no `frequency` in the ichnaea/combain body (SPEC §3.12).
const WIFI_FIELDS = ["macAddress", "age", "channel", "signalStrength", "signalToNoiseRatio", "ssid"];
const GOOGLE_CELL_FIELDS = ["radioType", "mobileCountryCode", "mobileNetworkCode", "locationAreaCode", "cellId",
  "age", "signalStrength", "timingAdvance"];
const GOOGLE_WIFI_FIELDS = ["macAddress", "age", "channel", "signalStrength", "signalToNoiseRatio"];
const UNWIRED_CELL_FIELDS: Readonly<Record<string, string>> = {
  radioType: "radio", mobileCountryCode: "mcc", mobileNetworkCode: "mnc", locationAreaCode: "lac", cellId: "cid",
  signalStrength: "signal", timingAdvance: "tA", primaryScramblingCode: "psc", asu: "asu",
};
const UNWIRED_WIFI_FIELDS: Readonly<Record<string, string>> = {
  macAddress: "bssid", channel: "channel", frequency: "frequency", signalStrength: "signal",
  signalToNoiseRatio: "signalToNoiseRatio",
};

/** `fallbacks.lacf` of the query (true when absent, as SPEC §3.2 defaults it); ipf is never forwarded. */
function outboundFallbacks(json: JsonRecord): JsonRecord {
  const fallbacks = json.fallbacks;
  const lacf = typeof fallbacks === "object" && fallbacks !== null ? (fallbacks as JsonRecord).lacf : undefined;
  return { lacf: lacf !== false, ipf: false };
}

/** Adds `name: entries` only when there are entries: SPEC §3.12 omits empty lists. */
function addList(body: JsonRecord, name: string, entries: JsonRecord[]): void {
  if (entries.length > 0) body[name] = entries;
}

function list(json: JsonRecord, name: string, fields: readonly string[] | Readonly<Record<string, string>>): JsonRecord[] {
  return readRecords(json[name]).map((entry) => pickFields(entry, fields));
}

/** The POST target and JSON body for `schema`, from `query.json()`. */
export function buildOutboundRequest(schema: FallbackSchema, fallbackUrl: string, queryJson: unknown): OutboundRequest {
  const json: JsonRecord = typeof queryJson === "object" && queryJson !== null ? (queryJson as JsonRecord) : {};
  if (schema === "googlemaps/v1") {
    // Google would otherwise add its own IP-based guess; ours is GeoIP (SPEC §3.12).
    const body: JsonRecord = { considerIp: false };
    addList(body, "cellTowers", list(json, "cellTowers", GOOGLE_CELL_FIELDS));
    addList(body, "wifiAccessPoints", list(json, "wifiAccessPoints", GOOGLE_WIFI_FIELDS));
    return { url: fallbackUrl, body };
  }
  if (schema === "unwiredlabs/v1") {
    // The key's URL carries the account token after `#` (SPEC §2.1); it travels in the body.
    const hash = fallbackUrl.indexOf("#");
    const url = hash < 0 ? fallbackUrl : fallbackUrl.slice(0, hash);
    const body: JsonRecord = { token: hash < 0 ? null : fallbackUrl.slice(hash + 1), fallbacks: outboundFallbacks(json) };
    addList(body, "cells", list(json, "cellTowers", UNWIRED_CELL_FIELDS));
    addList(body, "wifi", list(json, "wifiAccessPoints", UNWIRED_WIFI_FIELDS));
    return { url, body };
  }
  const body: JsonRecord = { fallbacks: outboundFallbacks(json) };
  addList(body, "bluetoothBeacons", list(json, "bluetoothBeacons", BLUE_FIELDS));
  addList(body, "cellTowers", list(json, "cellTowers", CELL_FIELDS));
  addList(body, "wifiAccessPoints", list(json, "wifiAccessPoints", WIFI_FIELDS));
  return { url: fallbackUrl, body };
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

/** A position from loose fields, or null when one is missing or not a usable number. */
function foundAnswer(lat: unknown, lon: unknown, accuracy: unknown, fallback: unknown): FallbackAnswer | null {
  if (!isFiniteNumber(lat) || !isFiniteNumber(lon) || !isFiniteNumber(accuracy)) return null;
  // Beyond SPEC's "finite floats": a position off the globe or a negative radius is garbage too.
  if (Math.abs(lat) > 90 || Math.abs(lon) > 180 || accuracy < 0) return null;
  return { kind: "found", lat, lon, accuracy, fallback: fallback === "lacf" ? "lacf" : null };
}

/**
 * The answer in a 2xx body, or null when the body is invalid (an error: no result, not cached).
 * HTTP 404 and other statuses are the caller's business (SPEC §3.12 "Response handling").
 */
export function parseFallbackResult(schema: FallbackSchema, body: unknown): FallbackAnswer | null {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return null;
  const data = body as JsonRecord;
  if (schema === "unwiredlabs/v1") {
    // Unwired Labs answers 200 to everything and reports failures in status/message.
    if (typeof data.status !== "string") return null;
    if (data.status !== "ok") return data.message === "No matches found" ? NOT_FOUND : null;
    return foundAnswer(data.lat, data.lon, data.accuracy, data.fallback);
  }
  const location = data.location;
  if (typeof location !== "object" || location === null) return null;
  const { lat, lng } = location as JsonRecord;
  return foundAnswer(lat, lng, data.accuracy, data.fallback);
}
