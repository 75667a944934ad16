/**
 * The query pool: valid `/v1/geolocate` bodies in the mix (70% Wi-Fi with 5–15 APs, 20%
 * cell-only, 10% IP-only), each with the truth it should find and the client address it is sent
 * from (an `X-Forwarded-For` of a public IPv4 the bundled GeoLite2 database resolves; the web child
 * runs with TRUST_PROXY=true, so every query has an IP, as real traffic does).
 *   - Wi-Fi: a point near a random AP, the 5–15 nearest APs within 200 m heard there (log-distance
 *     signal strengths), in 30% of the queries one of them replaced by a MAC the database does not
 *     know (a phone hotspot);
 *   - cell: a serving cell and 0–2 neighbours of the same network within 3 km, with signals;
 *   - IP-only: `{}`; the answer comes from GeoIP.
 * Also the keys each body makes the locate path look up, for the bare mysql2 ceiling.
 */
import type { CellKeyParts } from "../../src/db/locate-stations.ts";
import type { GeoIp } from "../../src/geoip/geoip-reader.ts";
import { prng } from "../../src/util/prng.ts";
import { IndexGrid } from "../harness/world/index-grid.ts";
import { CELL_RADIOS, colonMac, MCC, macHex, type World } from "../harness/world/stations.ts";

export type QueryKind = "wifi" | "cell" | "ip";
export const QUERY_KINDS: readonly QueryKind[] = ["wifi", "cell", "ip"];

export interface PoolQuery {
  readonly kind: QueryKind;
  readonly body: Buffer;
  readonly ip: string;
  /** Where the query was made (null for IP-only: any answer counts). */
  readonly truth: { readonly lat: number; readonly lon: number } | null;
  /** Wi-Fi MACs (hex), cells and areas the locate path reads for this body. */
  readonly wifiKeys: readonly string[];
  readonly cellKeys: readonly CellKeyParts[];
  readonly areaKeys: readonly Omit<CellKeyParts, "cid">[];
}

export interface QueryPool {
  readonly queries: readonly PoolQuery[];
  readonly counts: Record<QueryKind, number>;
  readonly meanWifiAps: number;
  readonly meanUnknownAps: number;
  readonly meanCells: number;
  readonly meanJsonBytes: number;
  readonly ips: number;
  readonly ipTries: number;
}

/** Ranges that are not public unicast IPv4 (RFC 6890 and friends), as [first octet, second lo, second hi]. */
function isPublic(a: number, b: number): boolean {
  if (a === 0 || a === 10 || a === 127 || a >= 224) return false;
  if (a === 100 && b >= 64 && b <= 127) return false;
  if (a === 169 && b === 254) return false;
  if (a === 172 && b >= 16 && b <= 31) return false;
  if (a === 192 && b === 168) return false;
  if (a === 198 && (b === 18 || b === 19)) return false;
  return true;
}

/** Random public IPv4 addresses that the GeoIP reader resolves. */
export function publicIps(geoip: Pick<GeoIp, "lookup">, count: number, seed: number): { ips: string[]; tries: number } {
  const random = prng(seed ^ 0x1b);
  const ips = new Set<string>();
  let tries = 0;
  while (ips.size < count && tries < count * 200) {
    tries += 1;
    const o = [1 + Math.floor(random() * 223), Math.floor(random() * 256), Math.floor(random() * 256), 1 + Math.floor(random() * 254)];
    if (!isPublic(o[0]!, o[1]!)) continue;
    const ip = o.join(".");
    if (geoip.lookup(ip) !== null) ips.add(ip);
  }
  if (ips.size < count) throw new Error(`only ${ips.size} of ${count} random public IPv4 addresses resolved in GeoIP (is the database bundled?)`);
  return { ips: [...ips], tries };
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
const FREQUENCIES = [2412, 2437, 2462, 2422, 2452, 5180, 5200, 5220, 5240, 5500, 5745];
const CELL_SIGNAL: Record<(typeof CELL_RADIOS)[number], [number, number]> = {
  lte: [-140, -43], gsm: [-113, -51], wcdma: [-121, -25], nr: [-140, -43],
};

export function buildQueryPool(world: World, size: number, ips: readonly string[], seed: number): QueryPool {
  const random = prng(seed ^ 0x9e3779b9);
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const gauss = () => {
    const u = Math.max(random(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  };
  const { wifi, cells } = world;
  const wifiGrid = new IndexGrid(wifi.x, wifi.y, 100, wifi.discRadius + 10);
  const cellGrid = new IndexGrid(cells.x, cells.y, 1000, cells.discRadius + 10);
  const known = (mac: number) => {
    let lo = 0;
    let hi = wifi.count - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = wifi.mac[mid]!;
      if (v === mac) return true;
      if (v < mac) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  };

  const queries: PoolQuery[] = [];
  const counts: Record<QueryKind, number> = { wifi: 0, cell: 0, ip: 0 };
  let aps = 0;
  let unknown = 0;
  let cellCount = 0;
  let jsonBytes = 0;

  function wifiQuery(ip: string): PoolQuery {
    for (;;) {
      const anchor = int(0, wifi.count - 1);
      const x = wifi.x[anchor]! + gauss() * 40;
      const y = wifi.y[anchor]! + gauss() * 40;
      const near = wifiGrid.near(x, y, 200);
      const k = int(5, 15);
      if (near.length < k) continue;
      const chosen = near.slice(0, k);
      const accessPoints = chosen.map(({ i, d }) => {
        const frequency = FREQUENCIES[int(0, FREQUENCIES.length - 1)]!;
        return {
          macAddress: colonMac(macHex(wifi.mac[i]!)),
          signalStrength: Math.round(clamp(-35 - 25 * Math.log10(Math.max(d, 1)) + gauss() * 4, -99, -30)),
          age: int(0, 3000),
          frequency,
        };
      });
      if (random() < 0.3) {
        let mac: number;
        do mac = int(0, 63) * 4 * 2 ** 40 + Math.floor(random() * 2 ** 40);
        while (known(mac));
        accessPoints[accessPoints.length - 1] = { ...accessPoints.at(-1)!, macAddress: colonMac(macHex(mac)) };
        unknown += 1;
      }
      aps += accessPoints.length;
      const body = Buffer.from(JSON.stringify({ considerIp: true, wifiAccessPoints: accessPoints }));
      return {
        kind: "wifi", body, ip, truth: { lat: world.toLat(y), lon: world.toLon(x) },
        wifiKeys: accessPoints.map((a) => a.macAddress.replaceAll(":", "")), cellKeys: [], areaKeys: [],
      };
    }
  }

  function cellQuery(ip: string): PoolQuery {
    const s = int(0, cells.count - 1);
    const radio = CELL_RADIOS[cells.radio[s]!]!;
    const neighbours = cellGrid.near(cells.x[s]!, cells.y[s]!, 3000)
      .filter(({ i }) => i !== s && cells.radio[i] === cells.radio[s] && cells.mnc[i] === cells.mnc[s])
      .slice(0, int(0, 2));
    const ids = [{ i: s, d: 0 }, ...neighbours];
    const [lo, hi] = CELL_SIGNAL[radio];
    const towers = ids.map(({ i, d }) => {
      const tower: Record<string, number | string> = {
        radioType: radio, mobileCountryCode: MCC, mobileNetworkCode: cells.mnc[i]!, locationAreaCode: cells.lac[i]!,
        cellId: cells.cid[i]!, age: int(0, 2000),
        signalStrength: Math.round(clamp(hi - 20 - 35 * Math.log10(Math.max(d, 100) / 100) + gauss() * 5, lo, hi)),
      };
      if (cells.psc[i]! >= 0) tower.primaryScramblingCode = cells.psc[i]!;
      return tower;
    });
    cellCount += towers.length;
    const parts = ids.map(({ i }) => ({ radio, mcc: MCC, mnc: cells.mnc[i]!, lac: cells.lac[i]!, cid: cells.cid[i]! }));
    const areas = new Map(parts.map((p) => [`${p.mnc}/${p.lac}`, p]));
    const body = Buffer.from(JSON.stringify({ considerIp: true, cellTowers: towers }));
    return {
      kind: "cell", body, ip, truth: { lat: world.toLat(cells.y[s]!), lon: world.toLon(cells.x[s]!) }, wifiKeys: [],
      cellKeys: parts,
      areaKeys: [...areas.values()].map(({ cid: _cid, ...area }) => area),
    };
  }

  for (let q = 0; q < size; q++) {
    const u = random();
    const ip = ips[int(0, ips.length - 1)]!;
    const query: PoolQuery = u < 0.7 ? wifiQuery(ip) : u < 0.9 ? cellQuery(ip)
      : { kind: "ip", body: Buffer.from("{}"), ip, truth: null, wifiKeys: [], cellKeys: [], areaKeys: [] };
    counts[query.kind] += 1;
    jsonBytes += query.body.length;
    queries.push(query);
  }
  return {
    queries, counts,
    meanWifiAps: aps / Math.max(1, counts.wifi),
    meanUnknownAps: unknown / Math.max(1, counts.wifi),
    meanCells: cellCount / Math.max(1, counts.cell),
    meanJsonBytes: Math.round(jsonBytes / Math.max(1, size)),
    ips: ips.length,
    ipTries: 0,
  };
}
