/**
 * Whether a stream still holds all the history a replay from `from` needs. Trimming removes the
 * oldest entries only, and entries carry dense sequence numbers, so the answer is exact:
 * - a starting point at or after the first entry held needs nothing that was trimmed;
 * - otherwise the first entry held must be number 1, or a known entry (a checkpoint, the recorded
 *   stream head) before the starting point must be numbered at least one below it, which proves
 *   every trimmed entry lies before the starting point.
 * Anything else means entries the replay would need are gone, and a rebuild from what is left
 * would silently drop what they built.
 */
import type { Pool } from "../db/pool.ts";
import { loadKnownHead } from "../db/stream-head.ts";
import type { RedisClient } from "../redis/create-redis.ts";
import { compareEntryIds, entryIdTime } from "./entry-id.ts";
import type { Keys } from "./keys.ts";
import type { From } from "./positions.ts";
import { firstEntryFrom, sequenceValue, type EntryHead } from "./stream-commands.ts";

export interface MissingHistory {
  readonly stream: string;
  /** The oldest entry the stream still holds, or null when it holds none. */
  readonly firstHeld: EntryHead | null;
}

export async function findMissingHistory(
  deps: { redis: RedisClient; pool: Pool; keys: Keys }, stream: string, from: From,
): Promise<MissingHistory | null> {
  if (from.kind === "end") return null;
  const { redis } = deps;
  const firstHeld = await firstEntryFrom(redis, stream);
  // Trimmed entries all lie before the first one held.
  if (from.kind === "id" && firstHeld && compareEntryIds(from.id, firstHeld.id) >= 0) return null;
  // Numbers below this one were appended once and are no longer held.
  const firstHeldSeq = firstHeld?.seq ?? (await sequenceValue(redis, deps.keys.sequence(stream))) + 1;
  if (firstHeldSeq <= 1) return null;
  if (from.kind === "id" && ((await loadKnownHead(deps.pool, stream, from.id))?.seq ?? 0) >= firstHeldSeq - 1) return null;
  return { stream, firstHeld };
}

/** The operator's message: what is missing where, and what to do instead. */
export function describeMissingHistory(
  keys: Keys, group: string, from: string, missing: readonly MissingHistory[], rebuild: boolean, archive: "none" | "incomplete" = "none",
): string {
  const elsewhere = {
    none: "Ichnos keeps no other copy of them",
    incomplete: "and the reports archive does not hold them all either (ichnos archive verify)",
  }[archive];
  const lines = missing.map((m) => {
    const held = m.firstHeld
      ? `the first one still held is #${m.firstHeld.seq} (${m.firstHeld.id}, ${entryIdTime(m.firstHeld.id).toISOString()})`
      : "the stream holds none of its entries any more";
    const gone = m.firstHeld ? `#1–#${m.firstHeld.seq - 1}` : "all of them";
    return `  ${keys.logicalName(m.stream)}: the ${rebuild ? "rebuild" : "replay"} needs every entry ${from === "start" ? "from #1" : `from ${from} on`}; ` +
      `${held}. Entries ${gone} were trimmed (STREAM_RETENTION) ${elsewhere}.`;
  });
  const after = missing.map((m) => m.firstHeld?.id).filter((id): id is string => !!id).sort().at(-1);
  const verb = rebuild ? "rebuild" : "replay";
  return [
    `ichnos replay: refusing to ${verb} ${group} from ${from}: history it needs is gone, and a ${verb} from what is left would drop what those entries built${rebuild ? " (the live tables are unchanged)" : ""}.`,
    ...lines,
    after
      ? `To ${verb} from the oldest history held on every stream, use --from ${after}${rebuild ? " (the rebuilt tables then hold only what that history builds)" : ""}.`
      : `Nothing is held to ${verb} from.`,
  ].join("\n");
}
