/**
 * How the stored rows of moved access points ended up, read from the station tables after the
 * drain: blocked (no position), relocated (within 300 m of the new place), still at the old place
 * (within 300 m of it), or averaged across the move (neither). Beside each, how many observations
 * of it the stumblers submitted after the move: a mover heard 10 times or more after it moved must
 * have been caught (blocked or relocated), never averaged.
 */
import type { RowDataPacket } from "mysql2/promise";
import type { Pool } from "../../src/db/pool.ts";
import { stationTable } from "../../src/db/station-tables.ts";
import { macShard, normalizeMac } from "../../src/domain/observation/mac.ts";
import type { Report } from "../../src/domain/report.ts";
import type { City } from "./city.ts";

export interface MoverOutcomes {
  readonly movers: number;
  /** Movers heard at least once after the move. */
  readonly heardAfter: number;
  readonly blocked: number;
  readonly relocated: number;
  readonly atOldPlace: number;
  readonly averaged: number;
  /** Movers heard ≥ 10 times after the move that were not caught (at the old place or averaged). */
  readonly missedAfterTen: number;
  /** The most post-move observations of a mover that was not caught. */
  readonly mostHeardUncaught: number;
}

export interface MoverRows {
  readonly outcomes: MoverOutcomes;
  /** MACs (as the city spells them) of the movers blocked or relocated: they cannot pull a query to their old place. */
  readonly caught: ReadonlySet<string>;
  /**
   * Where the movers not caught whose move candidate lies within 300 m of their new place have it
   * (metres, by MAC as the city spells it): locate may place such a mover at its candidate, and an
   * answer nearer that than the old place was not pulled there by the old one.
   */
  readonly candidates: ReadonlyMap<string, { readonly x: number; readonly y: number }>;
}

const NEAR_M = 300;
const CAUGHT_WITHIN = 10;

export async function moverOutcomes(pool: Pick<Pool, "query">, city: City, reports: readonly Report[], moveAt: number): Promise<MoverRows> {
  const movers = city.wifi.filter((s) => s.moved);
  const key = normalizeMac;
  const heardAfter = new Map<string, number>(movers.map((s) => [key(s.mac), 0]));
  for (const r of reports) {
    if ((r.timestamp ?? 0) < moveAt) continue;
    for (const w of r.wifiAccessPoints) {
      const k = key(w.macAddress);
      const n = heardAfter.get(k);
      if (n !== undefined) heardAfter.set(k, n + 1);
    }
  }
  const byShard = new Map<string, string[]>();
  for (const s of movers) {
    const k = key(s.mac);
    const list = byShard.get(macShard(k)) ?? [];
    list.push(k);
    byShard.set(macShard(k), list);
  }
  const rows = new Map<string, { lat: number | null; lon: number | null; moveLat: number | null; moveLon: number | null }>();
  for (const [shard, macs] of byShard) {
    const [found] = await pool.query<RowDataPacket[]>(
      `SELECT LOWER(HEX(mac)) AS mac, lat, lon, move_lat, move_lon FROM ${stationTable("wifi", shard)} WHERE mac IN (${macs.map(() => "UNHEX(?)").join(",")})`, macs,
    );
    for (const r of found) {
      rows.set(r.mac as string, { lat: r.lat as number | null, lon: r.lon as number | null, moveLat: r.move_lat as number | null, moveLon: r.move_lon as number | null });
    }
  }
  const out = { movers: movers.length, heardAfter: 0, blocked: 0, relocated: 0, atOldPlace: 0, averaged: 0, missedAfterTen: 0, mostHeardUncaught: 0 };
  const caught = new Set<string>();
  const candidates = new Map<string, { x: number; y: number }>();
  for (const s of movers) {
    const k = key(s.mac);
    const after = heardAfter.get(k) ?? 0;
    const row = rows.get(k);
    const p = row && row.lat !== null && row.lon !== null ? city.fromLatLon(row.lat, row.lon) : null;
    const nearNewPlace = (q: { x: number; y: number }) => Math.hypot(q.x - s.moved!.x, q.y - s.moved!.y) <= NEAR_M;
    const atNewPlace = p !== null && nearNewPlace(p);
    const isCaught = p === null || atNewPlace;
    if (isCaught) caught.add(s.mac);
    const c = row && row.moveLat !== null && row.moveLon !== null ? city.fromLatLon(row.moveLat, row.moveLon) : null;
    if (!isCaught && c !== null && nearNewPlace(c)) candidates.set(s.mac, c);
    if (after === 0) continue;
    out.heardAfter += 1;
    if (p === null) out.blocked += 1;
    else if (atNewPlace) out.relocated += 1;
    else if (Math.hypot(p.x - s.x, p.y - s.y) <= NEAR_M) out.atOldPlace += 1;
    else out.averaged += 1;
    if (!isCaught) {
      out.mostHeardUncaught = Math.max(out.mostHeardUncaught, after);
      if (after >= CAUGHT_WITHIN) out.missedAfterTen += 1;
    }
  }
  return { outcomes: out, caught, candidates };
}
