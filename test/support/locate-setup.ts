/**
 * Shared parts of the locate/region API suites: the web app with TRUST_PROXY on (so a test can
 * send the client address as a proxy would), the SPEC §6 API keys, station writers through the
 * projectors' own upserts, and the GeoIP answer the bundled database gives for the London IP.
 */
import * as assert from "uvu/assert";
import { upsertAreas } from "../../src/db/cell-areas.ts";
import { estimateGeoIp, type GeoIpEstimate } from "../../src/domain/locate/geoip-result.ts";
import { encodeAreaId } from "../../src/domain/observation/cell-id.ts";
import type { StationRow } from "../../src/domain/station/station-row.ts";
import { getRegionLookup } from "../../src/geo/regions.ts";
import { createGeoIp, type GeoIp } from "../../src/geoip/geoip-reader.ts";
import { insertStations, stationRow } from "./station-cases.ts";
import { createWebTestEnv, type WebTestEnv } from "./web-setup.ts";

/** SPEC §6: the test suite's London address. */
export const LONDON_IP = "81.2.69.192";
export const GB = { lat: 51.5, lon: -0.1 } as const;

export async function createLocateTestEnv(label: string): Promise<WebTestEnv> {
  const env = await createWebTestEnv(label, { TRUST_PROXY: "true", MAX_BODY_BYTES: "1MiB" });
  await env.pool.query(
    `INSERT INTO api_key (valid_key, maxreq, allow_fallback, allow_locate, allow_region, store_sample_locate, store_sample_submit)
     VALUES ('test', 0, 0, 1, 1, 100, 100), ('limited', 5, 0, 1, 1, 100, 100), ('nosample', 0, 0, 1, 1, 0, 100),
            ('nolocate', 0, 0, 0, 1, 100, 100), ('noregion', 0, 0, 1, 0, 100, 100)`,
  );
  return env;
}

export async function clearRedis(env: WebTestEnv): Promise<void> {
  // Usage counts still buffered from earlier requests would otherwise land after the clearing.
  await env.flushUsage();
  const keys = await env.redis.keys(`${env.prefix}:*`);
  if (keys.length) await env.redis.del(...keys);
}

/** The bundled database's answer for LONDON_IP (its numbers differ from MaxMind's test DB). */
let sharedGeoIp: Promise<GeoIp> | undefined;
/** One reader for the suite's own apps and expectations (the database is ~45 MB in memory). */
export const testGeoIp = (): Promise<GeoIp> => (sharedGeoIp ??= createGeoIp({ log: { info() {}, warn() {} } as never }));

export async function londonEstimate(): Promise<GeoIpEstimate> {
  const record = (await testGeoIp()).lookup(LONDON_IP);
  const estimate = record && estimateGeoIp(record, getRegionLookup());
  assert.ok(estimate, "the bundled GeoIP database knows the London address");
  return estimate;
}

export interface CallOptions {
  readonly method?: string;
  readonly key?: string | null;
  readonly ip?: string;
  readonly headers?: Record<string, string>;
}

export async function call(env: WebTestEnv, path: string, body: unknown, o: CallOptions = {}): Promise<Response> {
  const key = o.key === undefined ? "test" : o.key;
  const headers: Record<string, string> = { "content-type": "application/json", ...o.headers };
  if (o.ip) headers["x-forwarded-for"] = o.ip;
  const raw = body === undefined || typeof body === "string" || body instanceof Uint8Array ? body : JSON.stringify(body);
  return env.app.request(`${path}${key === null ? "" : `?key=${key}`}`, {
    method: o.method ?? (raw === undefined ? "GET" : "POST"), headers, body: raw as RequestInit["body"],
  });
}

export async function assertError(res: Response, status: number, reason: string): Promise<Record<string, unknown>> {
  assert.is(res.status, status);
  assert.match(res.headers.get("content-type") ?? "", /application\/json/);
  assert.is(res.headers.get("access-control-allow-origin"), "*");
  assert.is(res.headers.get("access-control-max-age"), "2592000");
  const body = (await res.json()) as { error: { code: number; errors: { reason: string }[] }; details?: Record<string, unknown> };
  assert.is(body.error.code, status);
  assert.is(body.error.errors[0]!.reason, reason);
  return body.details ?? {};
}

export type MacKind = "wifi" | "blue";

export async function insertMacs(env: WebTestEnv, kind: MacKind, rows: readonly { mac: string; over?: Partial<StationRow> }[]): Promise<void> {
  // SPEC §6: factory radius is half the minimum accuracy (5 m for Wi-Fi and Bluetooth).
  await insertStations(env.pool, kind, rows.map((r) => stationRow(kind, { mac: r.mac }, { radius: 5, ...r.over })));
}

export interface CellSpec {
  readonly radio: "gsm" | "wcdma" | "lte";
  readonly mcc: number;
  readonly mnc: number;
  readonly lac: number;
  readonly cid: number;
}

export async function insertCell(env: WebTestEnv, cell: CellSpec, over: Partial<StationRow> = {}): Promise<void> {
  // SPEC §6: the cell factory's radius is 500 m.
  await insertStations(env.pool, "cell", [stationRow("cell", cell as never, { radius: 500, ...over })]);
}

export async function insertArea(env: WebTestEnv, area: Omit<CellSpec, "cid">, over: { lat?: number; lon?: number; radius?: number; region?: string } = {}): Promise<void> {
  const conn = await env.pool.getConnection();
  try {
    await upsertAreas(conn, "cell_area", [{
      areaid: encodeAreaId(area), ...area, lat: over.lat ?? GB.lat, lon: over.lon ?? GB.lon, radius: over.radius ?? 25_000,
      region: over.region ?? "GB", avgCellRadius: 500, numCells: 1, lastSeen: null,
    }], new Date());
  } finally {
    conn.release();
  }
}
