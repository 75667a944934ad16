/**
 * The locate/region query (SPEC §3.3): validated fallbacks, client IP and lookup lists, with the
 * accuracy it can expect and its JSON form for fallback calls and query submissions (§3.9,
 * §3.12). Pure: the caller validates the IP with `parseClientIp`, does the GeoIP lookup and
 * passes whether it found a record.
 */
import { isIP } from "node:net";
import { areaKey, cellKey } from "../observation/cell-id.ts";
import type { BluetoothBeacon, CellTower, WifiAccessPoint } from "../report.ts";
import { bestAccuracy, type DataAccuracy } from "./accuracy.ts";
import { type AreaLookup, type BlueLookup, buildLookups, type CellLookup, type WifiLookup } from "./lookups.ts";
import type { Fallbacks, LocateRequest } from "./parse-locate-request.ts";

export type ApiType = "locate" | "region";

export interface CreateQueryInput {
  readonly request: LocateRequest;
  /** As the HTTP layer found it; anything that is not an IPv4/IPv6 address counts as none. */
  readonly clientIp: string | null | undefined;
  readonly apiType: ApiType;
  /** Whether the GeoIP database has a record for the (valid) client IP. */
  readonly hasGeoip: boolean;
}

/** Lowercase hex ids, as in `UsedNetwork.id` (result.ts), for the §3.9 "seen today" compare. */
export interface QueryNetworks {
  area: Set<string>;
  blue: Set<string>;
  cell: Set<string>;
  wifi: Set<string>;
}

export interface QueryJson {
  bluetoothBeacons?: BluetoothBeacon[];
  cellTowers?: CellTower[];
  wifiAccessPoints?: WifiAccessPoint[];
  fallbacks: { ipf: boolean; lacf: boolean };
}

export interface Query {
  readonly apiType: ApiType;
  readonly fallbacks: Fallbacks;
  readonly ip: string | null;
  readonly blue: readonly BlueLookup[];
  readonly wifi: readonly WifiLookup[];
  readonly cell: readonly CellLookup[];
  /** Already empty when `fallbacks.lacf` is false. */
  readonly area: readonly AreaLookup[];
  readonly expectedAccuracy: DataAccuracy;
  /** false with any network; else true when GeoIP knows the IP; else null (SPEC §3.3). */
  readonly geoipOnly: boolean | null;
  networks(): QueryNetworks;
  toJson(): QueryJson;
  /** Upstream's `query` metric tags: `geoip:false` without IP, then `blue|cell|wifi:none|one|many`. */
  metricTags(): string[];
}

/** Upstream keeps `str(ip_address(value))`; an unparsable address is no address at all. */
export function parseClientIp(raw: string | null | undefined): string | null {
  return raw !== null && raw !== undefined && isIP(raw) !== 0 ? raw : null;
}

/** SPEC §3.3: the smallest of the classes that the query's contents make reachable. */
function expectedAccuracy(apiType: ApiType, l: Pick<Query, "blue" | "wifi" | "cell" | "area" | "fallbacks" | "ip">): DataAccuracy {
  const classes: DataAccuracy[] = [];
  if (apiType === "region") {
    if (l.blue.length + l.cell.length + l.wifi.length > 0) classes.push("low");
  } else {
    if (l.cell.length > 0) classes.push("medium");
    if (l.blue.length + l.wifi.length > 0) classes.push("high");
  }
  if ((l.area.length > 0 && l.fallbacks.lacf) || (l.ip !== null && l.fallbacks.ipf)) classes.push("low");
  return bestAccuracy(classes);
}

function blueJson(b: BlueLookup): BluetoothBeacon {
  const j: BluetoothBeacon = { macAddress: b.mac };
  if (b.age !== undefined) j.age = b.age;
  if (b.signal !== undefined) j.signalStrength = b.signal;
  if (b.name !== undefined) j.name = b.name;
  return j;
}

function cellJson(c: CellLookup): CellTower {
  const j: CellTower = {
    radioType: c.radio, mobileCountryCode: c.mcc, mobileNetworkCode: c.mnc, locationAreaCode: c.lac, cellId: c.cid,
  };
  if (c.psc !== undefined) j.primaryScramblingCode = c.psc;
  if (c.age !== undefined) j.age = c.age;
  if (c.asu !== undefined) j.asu = c.asu;
  if (c.signal !== undefined) j.signalStrength = c.signal;
  if (c.ta !== undefined) j.timingAdvance = c.ta;
  return j;
}

function wifiJson(w: WifiLookup): WifiAccessPoint {
  const j: WifiAccessPoint = { macAddress: w.mac };
  if (w.age !== undefined) j.age = w.age;
  if (w.channel !== undefined) j.channel = w.channel;
  if (w.frequency !== undefined) j.frequency = w.frequency;
  if (w.signal !== undefined) j.signalStrength = w.signal;
  if (w.snr !== undefined) j.signalToNoiseRatio = w.snr;
  if (w.ssid !== undefined) j.ssid = w.ssid;
  return j;
}

/** SPEC §3.3 `json()`: empty lists left out, only non-null fields, never the area lookups. */
function queryJson(q: Query): QueryJson {
  const json: QueryJson = { fallbacks: { ipf: q.fallbacks.ipf, lacf: q.fallbacks.lacf } };
  if (q.blue.length > 0) json.bluetoothBeacons = q.blue.map(blueJson);
  if (q.cell.length > 0) json.cellTowers = q.cell.map(cellJson);
  if (q.wifi.length > 0) json.wifiAccessPoints = q.wifi.map(wifiJson);
  return json;
}

const countTag = (n: number): string => (n === 0 ? "none" : n === 1 ? "one" : "many");

export function createQuery(input: CreateQueryInput): Query {
  const { request, apiType } = input;
  // Callers outside TypeScript's reach (config, tests) get upstream's ValueError (test_query).
  if (apiType !== "locate" && apiType !== "region") throw new RangeError(`invalid api type: ${String(apiType)}`);
  const ip = parseClientIp(input.clientIp);
  const { blue, wifi, cell, area } = buildLookups(request);
  const fallbacks = request.fallbacks;
  const anyNetwork = blue.length + wifi.length + cell.length + area.length > 0;
  const query: Query = {
    apiType, fallbacks, ip, blue, wifi, cell, area,
    expectedAccuracy: expectedAccuracy(apiType, { blue, wifi, cell, area, fallbacks, ip }),
    geoipOnly: anyNetwork ? false : ip !== null && input.hasGeoip ? true : null,
    networks: () => ({
      area: new Set(area.map(areaKey)),
      blue: new Set(blue.map((b) => b.mac)),
      cell: new Set(cell.map(cellKey)),
      wifi: new Set(wifi.map((w) => w.mac)),
    }),
    toJson: () => queryJson(query),
    // Upstream counts Bluetooth and Wi-Fi as sent but cells as validated.
    metricTags: () => [
      ...(ip === null ? ["geoip:false"] : []),
      `blue:${countTag(request.bluetoothBeacons.length)}`,
      `cell:${countTag(cell.length)}`,
      `wifi:${countTag(request.wifiAccessPoints.length)}`,
    ],
  };
  return query;
}
