/**
 * Stream entry ids are `<ms>-<seq>` with two unsigned 64-bit parts. Milliseconds fit a JS
 * number; the sequence part may not (ids like `…-18446744073709551615` appear as range
 * bounds), so it is compared as a bigint.
 */
export interface EntryId {
  readonly ms: number;
  readonly seq: bigint;
}

const MAX_SEQ = 18446744073709551615n;
export const ZERO_ID = "0-0";

export function parseEntryId(id: string): EntryId {
  const match = /^(\d+)(?:-(\d+))?$/.exec(id);
  if (!match) throw new Error(`"${id}" is not a stream entry id (expected <ms>-<seq>)`);
  return { ms: Number(match[1]), seq: BigInt(match[2] ?? "0") };
}

export function formatEntryId(id: EntryId): string {
  return `${id.ms}-${id.seq}`;
}

/**
 * Hot in the consumer loop, so no regex or bigint: both parts are decimal strings without
 * leading zeros, and such strings order by length first, then character by character.
 */
export function compareEntryIds(a: string, b: string): number {
  const da = a.indexOf("-");
  const db = b.indexOf("-");
  const msA = da < 0 ? a : a.slice(0, da);
  const msB = db < 0 ? b : b.slice(0, db);
  const byMs = compareDecimal(msA, msB);
  if (byMs !== 0) return byMs;
  return compareDecimal(da < 0 ? "0" : a.slice(da + 1), db < 0 ? "0" : b.slice(db + 1));
}

function compareDecimal(x: string, y: string): number {
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return x === y ? 0 : x < y ? -1 : 1;
}

/** The greatest id strictly below `id`; used to position a group just before an entry. */
export function previousEntryId(id: string): string {
  const { ms, seq } = parseEntryId(id);
  if (seq > 0n) return `${ms}-${seq - 1n}`;
  if (ms === 0) return ZERO_ID;
  return `${ms - 1}-${MAX_SEQ}`;
}

const U64_MAX = MAX_SEQ.toString();
const fitsU64 = (digits: string) => compareDecimal(digits, U64_MAX) <= 0;

/**
 * Exactly the ids Redis hands out: two unsigned 64-bit decimals without leading zeros. Redis
 * rejects larger parts (an error, not an empty range), and accepts leading zeros that
 * compareEntryIds would order wrongly.
 */
export function isEntryId(text: string): boolean {
  const match = /^(0|[1-9]\d{0,19})-(0|[1-9]\d{0,19})$/.exec(text);
  return match !== null && fitsU64(match[1]!) && fitsU64(match[2]!);
}

/**
 * When the entry with this id was appended: the id's millisecond part. Runs once per entry
 * handed to a projection, so it slices instead of parsing (ids from Redis are well-formed).
 */
export function entryIdTime(id: string): Date {
  const dash = id.indexOf("-");
  return new Date(Number(dash < 0 ? id : id.slice(0, dash)));
}
