/**
 * How the stations that never moved ended up, read from the station tables after the drain: the
 * guard against a move detection that mistakes a station heard from a wide area for a mover.
 * A static station must be neither blocked nor placed far from where it stands.
 */
import type { RowDataPacket } from "mysql2/promise";
import type { Pool } from "../../src/db/pool.ts";
import { allStationTables } from "../../src/db/station-tables.ts";
import { normalizeMac } from "../../src/domain/observation/mac.ts";
import type { City, Station } from "./city.ts";
import { quantile } from "./score.ts";

export interface StaticOutcome {
  /** Static stations with a row (heard at least once). */
  readonly stored: number;
  readonly blocked: number;
  /** Placed farther than `FAR_M` from where they stand. */
  readonly far: number;
  /**
   * Metres: the median distance of the positioned ones from where they stand. What bounds any
   * answer built from them: a centroid of stored positions this far off cannot match the
   * centroid of the true ones.
   */
  readonly medianOffset: number | null;
}

export interface StaticOutcomes {
  readonly wifi: StaticOutcome;
  readonly blue: StaticOutcome;
}

/** Farther than the station is heard at all (radio.ts: Wi-Fi 250 m, Bluetooth 120 m). */
const FAR_M = { wifi: 300, blue: 150 } as const;

async function outcome(pool: Pick<Pool, "query">, city: City, kind: "wifi" | "blue", stations: readonly Station[]): Promise<StaticOutcome> {
  const byMac = new Map(stations.filter((s) => !s.moved).map((s) => [normalizeMac(s.mac), s]));
  const out = { stored: 0, blocked: 0, far: 0 };
  const offsets: number[] = [];
  for (const table of allStationTables(kind)) {
    const [rows] = await pool.query<RowDataPacket[]>(`SELECT LOWER(HEX(mac)) AS mac, lat, lon FROM ${table}`);
    for (const r of rows) {
      const s = byMac.get(r.mac as string);
      if (s === undefined) continue;
      out.stored += 1;
      if (r.lat === null || r.lon === null) {
        out.blocked += 1;
        continue;
      }
      const p = city.fromLatLon(r.lat as number, r.lon as number);
      const offset = Math.hypot(p.x - s.x, p.y - s.y);
      offsets.push(offset);
      if (offset > FAR_M[kind]) out.far += 1;
    }
  }
  offsets.sort((a, b) => a - b);
  return { ...out, medianOffset: quantile(offsets, 0.5) };
}

export async function staticOutcomes(pool: Pick<Pool, "query">, city: City): Promise<StaticOutcomes> {
  return { wifi: await outcome(pool, city, "wifi", city.wifi), blue: await outcome(pool, city, "blue", city.beacons) };
}
