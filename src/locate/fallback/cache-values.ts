/**
 * Cached fallback answers (SPEC §3.12 "Value", "Cache read"), pure. Answers cached per network
 * are combined only when they agree; DESIGN §7 groups by latitude *and* longitude, fixing
 * SPEC §9.2 where two answers on one parallel but far apart counted as consistent.
 */
import { distance } from "../../geo/distance.ts";
import { roundHalfEven } from "../../geo/round.ts";
import { type FallbackAnswer, NOT_FOUND } from "./schemas.ts";

/** SPEC §3.12 stores a not-found as the JSON string "404". */
export const NOT_FOUND_VALUE = JSON.stringify("404");

export type CacheLookup =
  | { readonly status: "hit"; readonly answer: FallbackAnswer }
  | { readonly status: "miss" | "inconsistent" | "failure" };

type Found = Extract<FallbackAnswer, { kind: "found" }>;

export function encodeCacheValue(answer: FallbackAnswer): string {
  if (answer.kind === "notFound") return NOT_FOUND_VALUE;
  return JSON.stringify({ lat: answer.lat, lon: answer.lon, accuracy: answer.accuracy, fallback: answer.fallback });
}

/** One stored value; throws on anything this module did not write. */
function decodeCacheValue(raw: string): FallbackAnswer {
  const value: unknown = JSON.parse(raw);
  // Ichnaea's own encoder writes the string; a bare 404 is accepted so either spelling reads.
  if (value === "404" || value === 404) return NOT_FOUND;
  if (typeof value === "object" && value !== null) {
    const { lat, lon, accuracy, fallback } = value as Record<string, unknown>;
    if ([lat, lon, accuracy].every((n) => typeof n === "number" && Number.isFinite(n))) {
      return { kind: "found", lat: lat as number, lon: lon as number, accuracy: accuracy as number,
        fallback: fallback === "lacf" ? "lacf" : null };
    }
  }
  throw new Error("not a cached fallback answer");
}

/** Mean position; radius covering every member's circle, rounded to 3 decimals (SPEC §3.12). */
function mergeFound(members: readonly Found[]): Found {
  const lat = members.reduce((sum, m) => sum + m.lat, 0) / members.length;
  const lon = members.reduce((sum, m) => sum + m.lon, 0) / members.length;
  const radius = Math.max(...members.map((m) => distance(lat, lon, m.lat, m.lon) + m.accuracy));
  return { kind: "found", lat, lon, accuracy: roundHalfEven(radius, 3), fallback: members[0]!.fallback };
}

/** The MGET replies for a query's keys, combined (missing entries ignored). */
export function combineCachedValues(raws: ReadonlyArray<string | null>): CacheLookup {
  let answers: FallbackAnswer[];
  try {
    answers = raws.filter((raw): raw is string => raw !== null && raw !== "").map(decodeCacheValue);
  } catch {
    return { status: "failure" };
  }
  if (answers.length === 0) return { status: "miss" };
  const found = answers.filter((a): a is Found => a.kind === "found");
  if (found.length === 0) return { status: "hit", answer: NOT_FOUND };
  if (found.length < answers.length) return { status: "inconsistent" };
  // ~100 m grid cells (3 decimals), per provider tag.
  const group = (a: Found) => `${roundHalfEven(a.lat, 3)}|${roundHalfEven(a.lon, 3)}|${a.fallback}`;
  if (new Set(found.map(group)).size > 1) return { status: "inconsistent" };
  return { status: "hit", answer: mergeFound(found) };
}
