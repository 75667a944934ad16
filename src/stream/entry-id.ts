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

export function compareEntryIds(a: string, b: string): number {
  const x = parseEntryId(a);
  const y = parseEntryId(b);
  if (x.ms !== y.ms) return x.ms < y.ms ? -1 : 1;
  return x.seq === y.seq ? 0 : x.seq < y.seq ? -1 : 1;
}

/** The greatest id strictly below `id`; used to position a group just before an entry. */
export function previousEntryId(id: string): string {
  const { ms, seq } = parseEntryId(id);
  if (seq > 0n) return `${ms}-${seq - 1n}`;
  if (ms === 0) return ZERO_ID;
  return `${ms - 1}-${MAX_SEQ}`;
}

export function isEntryId(text: string): boolean {
  return /^\d+-\d+$/.test(text);
}

export function entryIdTime(id: string): Date {
  return new Date(parseEntryId(id).ms);
}
