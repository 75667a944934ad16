/**
 * Whether a station is blocked (SPEC §4.7, Ichnaea's `station_blocked`): observations of a blocked
 * station are counted but otherwise ignored by the updater (§4.8 step 3).
 */
import { roundHalfEven } from "../../geo/round.ts";
import type { StationFields } from "./station-row.ts";
import { daysBetween, utcDay } from "./station-days.ts";

/** The "temporary" block: the block day and the day after. */
const TEMPORARY_BLOCK_DAYS = 2;
/** One block is allowed per this many days of known station age (the "permanent" block). */
const BLOCK_PERIOD_DAYS = 30;

type BlockFields = Pick<StationFields, "blockLast" | "blockCount" | "created">;

export function isStationBlocked(station: BlockFields, today: string): boolean {
  // A block_last in the future gives a negative age and counts as blocked, as in Ichnaea.
  if (station.blockLast !== null && daysBetween(station.blockLast, today) < TEMPORARY_BLOCK_DAYS) return true;
  // Ichnaea tests `created and block_count`, so a count of 0 never blocks.
  if (station.created !== null && station.blockCount !== null && station.blockCount !== 0) {
    const age = Math.abs(daysBetween(utcDay(station.created), today));
    if (station.blockCount >= roundHalfEven(age / BLOCK_PERIOD_DAYS)) return true;
  }
  return false;
}
