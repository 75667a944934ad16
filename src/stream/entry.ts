/**
 * The entry codec. Every entry carries `v` (schema version of its payload), `n` (dense
 * per-stream sequence number, stamped by the append script) and `d` (the JSON payload).
 */
import { entryIdTime } from "./entry-id.ts";

export const ENTRY_SCHEMA_VERSION = 1;

export interface StreamEntry<T = unknown> {
  readonly stream: string;
  readonly id: string;
  /** Dense per-stream sequence number: consecutive entries differ by exactly one. */
  readonly seq: number;
  readonly version: number;
  /** When the entry was appended (its id's milliseconds): the same on every replay. */
  readonly time: Date;
  readonly data: T;
  /** The payload's JSON text as stored; set for consumers that read it undecoded (`payload: "text"`). */
  readonly text?: string;
}

/** An entry as read from Redis; `error` is set when it cannot be decoded (it is never retried). */
export interface RawEntry {
  readonly stream: string;
  readonly id: string;
  readonly seq: number;
  readonly version: number;
  readonly fields: Readonly<Record<string, string>>;
  readonly data: unknown;
  readonly error?: string;
}

/** What a projection gets for one entry: the one place the runtime's paths build it. */
export function projectionEntry<T = unknown>(
  stream: string, e: { readonly id: string; readonly seq: number; readonly version: number; readonly data: unknown }, text?: string,
): StreamEntry<T> {
  const entry = { stream, id: e.id, seq: e.seq, version: e.version, time: entryIdTime(e.id), data: e.data as T };
  return text === undefined ? entry : { ...entry, text };
}

export function encodePayload(data: unknown): string {
  const text = JSON.stringify(data);
  if (text === undefined) throw new TypeError("stream payloads must be JSON-serialisable");
  return text;
}

export function fieldsToRecord(fields: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) out[fields[i]!] = fields[i + 1]!;
  return out;
}

/** `parsePayload: false` leaves `data` null: for consumers that never look at it. */
export function decodeEntry(stream: string, id: string, flat: readonly string[], parsePayload = true): RawEntry {
  const fields = fieldsToRecord(flat);
  const seq = Number(fields.n);
  const version = Number(fields.v);
  const problems: string[] = [];
  if (!Number.isSafeInteger(seq) || seq < 1) problems.push(`bad sequence number ${JSON.stringify(fields.n)}`);
  if (!Number.isSafeInteger(version) || version < 1) problems.push(`bad schema version ${JSON.stringify(fields.v)}`);
  let data: unknown = null;
  if (fields.d === undefined) problems.push("no payload field d");
  else if (parsePayload) {
    try {
      data = JSON.parse(fields.d);
    } catch (err) {
      problems.push(`payload is not JSON: ${(err as Error).message}`);
    }
  }
  const base = { stream, id, seq: Number.isSafeInteger(seq) ? seq : 0, version, fields, data };
  return problems.length ? { ...base, error: problems.join("; ") } : base;
}
