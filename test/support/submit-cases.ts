/**
 * The three submit endpoints as SPEC §6.4's upstream `BaseSubmitTest` sees them: their path, the
 * success status, the names their schema uses for the radio and the cell list, and
 * `_one_cell_query` (one cell at the default station factory's place, lat 51.5, lon −0.1,
 * mcc 234 / mnc 30), plus the HTTP helpers and answer checks the submit spec suite shares.
 */
import * as assert from "uvu/assert";
import type { ReportEntry } from "../../src/domain/report.ts";
import { storedCount, storedEntries, type WebTestEnv } from "./web-setup.ts";

export type Json = Record<string, unknown>;

export interface SubmitEndpoint {
  readonly name: "v2" | "v1" | "v0";
  readonly path: "/v2/geosubmit" | "/v1/geosubmit" | "/v1/submit";
  /** SPEC §4.1: v1/v2 answer 200 `{}`, v0 answers 204 with an empty body. */
  readonly ok: 200 | 204;
  /** The `apilimit` path segment (SPEC §2.3). */
  readonly counter: string;
  /** Upstream's `radio_id` and `cells_id`. */
  readonly radioId: "radioType" | "radio";
  readonly cellsId: "cellTowers" | "cell";
  /** Upstream's `_one_cell_query(radio)`: one report with one cell (the same object as in the query), position included. */
  oneCellQuery(radio?: boolean): { query: Json; cell: Json };
}

/** The default cell factory's values; `gsm` is the factory's radio. */
export const CELL = { radio: "gsm", mcc: 234, mnc: 30, lac: 1, cid: 2, lat: 51.5, lon: -0.1 } as const;
/** SPEC §6's London test address, sent as upstream's `_post` sends it. */
export const LONDON_IP = "81.2.69.192";

function withCell(query: Json, cellsId: string, cell: Json): { query: Json; cell: Json } {
  return { query: { ...query, [cellsId]: [cell] }, cell };
}

export const ENDPOINTS: readonly SubmitEndpoint[] = [
  {
    name: "v2", path: "/v2/geosubmit", ok: 200, counter: "v2.geosubmit", radioId: "radioType", cellsId: "cellTowers",
    oneCellQuery(radio = true) {
      const cell: Json = { mobileCountryCode: CELL.mcc, mobileNetworkCode: CELL.mnc, locationAreaCode: CELL.lac, cellId: CELL.cid };
      if (radio) cell.radioType = CELL.radio;
      return withCell({ position: { latitude: CELL.lat, longitude: CELL.lon } }, "cellTowers", cell);
    },
  },
  {
    name: "v1", path: "/v1/geosubmit", ok: 200, counter: "v1.geosubmit", radioId: "radioType", cellsId: "cellTowers",
    oneCellQuery(radio = true) {
      const cell: Json = { mobileCountryCode: CELL.mcc, mobileNetworkCode: CELL.mnc, locationAreaCode: CELL.lac, cellId: CELL.cid };
      if (radio) cell.radioType = CELL.radio;
      return withCell({ latitude: CELL.lat, longitude: CELL.lon }, "cellTowers", cell);
    },
  },
  {
    name: "v0", path: "/v1/submit", ok: 204, counter: "v1.submit", radioId: "radio", cellsId: "cell",
    oneCellQuery(radio = true) {
      const cell: Json = { mcc: CELL.mcc, mnc: CELL.mnc, lac: CELL.lac, cid: CELL.cid };
      if (radio) cell.radio = CELL.radio;
      return withCell({ lat: CELL.lat, lon: CELL.lon }, "cell", cell);
    },
  },
];

export const endpoint = (name: SubmitEndpoint["name"]): SubmitEndpoint => ENDPOINTS.find((e) => e.name === name)!;

/** Upstream's `_post`: `{"items": items}` as JSON (or raw JSON text), optionally `?key=`. */
export function postItems(env: WebTestEnv, path: string, items: unknown[] | string, apiKey?: string): Promise<Response> {
  const body = typeof items === "string" ? items : JSON.stringify({ items });
  return postRaw(env, path, body, apiKey);
}

/** Posts a body exactly as given (for top-level arrays and Python's NaN/-Infinity tokens). */
export async function postRaw(env: WebTestEnv, path: string, body: string, apiKey?: string): Promise<Response> {
  const url = apiKey ? `${path}?key=${apiKey}` : path;
  return await env.app.request(url, {
    method: "POST",
    body,
    headers: { "content-type": "application/json", "x-forwarded-for": LONDON_IP },
  });
}

function assertCors(res: Response): void {
  assert.is(res.headers.get("access-control-allow-origin"), "*", "CORS allow-origin");
  assert.is(res.headers.get("access-control-max-age"), "2592000", "CORS max-age");
}

/** The success answer: 200 `{}` as JSON (v1, v2) or 204 with no body and no content type (v0), with CORS. */
export async function assertAccepted(res: Response, ep: SubmitEndpoint): Promise<void> {
  const text = await res.text();
  assert.is(res.status, ep.ok, `status (body: ${text})`);
  assertCors(res);
  if (ep.ok === 204) {
    assert.is(text, "");
    assert.is(res.headers.get("content-type"), null);
  } else {
    assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
    assert.equal(JSON.parse(text), {});
  }
}

/** A 400 parseError envelope with CORS; resolves to `details.validation` (asserted present). */
export async function assertValidationError(res: Response): Promise<Record<string, string>> {
  assert.is(res.status, 400);
  assertCors(res);
  assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
  const body = (await res.json()) as { error: { code: number; errors: { domain: string; reason: string }[] }; details?: { validation?: Record<string, string> } };
  assert.is(body.error.code, 400);
  assert.equal(body.error.errors.map((e) => [e.domain, e.reason]), [["global", "parseError"]]);
  assert.ok(body.details?.validation, `details.validation in ${JSON.stringify(body)}`);
  return body.details!.validation!;
}

/** The one entry a request stored (asserting there is exactly one). */
export async function onlyEntry(env: WebTestEnv): Promise<ReportEntry> {
  assert.is(await storedCount(env), 1, "one report stored");
  return (await storedEntries(env))[0]!;
}

/** A timestamp that was replaced by "now": it equals the entry's received time, taken during the request. */
export function assertNow(entry: ReportEntry, before: number, after: number): void {
  assert.is(entry.report.timestamp, entry.received, "timestamp replaced by the time of receipt");
  assert.ok(entry.received >= before && entry.received <= after, `received ${entry.received} within [${before}, ${after}]`);
}

/** `count` distinct test MACs, `a820XXXXXXXX` as SPEC §6 writes them. */
export const macs = (count: number, start = 0): string[] =>
  Array.from({ length: count }, (_, i) => `a82066${(start + i).toString(16).padStart(6, "0")}`);

export const utcDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
