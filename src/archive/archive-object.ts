/**
 * The reports archive's objects (the `s3` exporter, DESIGN §2: "the S3 backup is the long-term
 * log"). One object holds consecutive entries of one reports partition, gzipped JSON lines, one
 * line per entry with everything needed to re-create it exactly:
 *
 *   {"id":"1796000000000-0","seq":17,"v":1,"data":{"api_key":…,"source":…,"received":…,"user_agent":…,"report":{…}}}
 *
 * Keys are `<prefix>/reports-<P>/<first>_<last>.jsonl.gz`, each id written as a 20-digit
 * millisecond part and a 20-digit sequence part, so that listing a partition's prefix returns
 * its objects in entry order and `StartAfter` finds a time range. The key depends only on the
 * first and last entry, so an upload repeated after a crash writes the same object again.
 */
import { promisify } from "node:util";
import { gunzipSync, gzip, gzipSync } from "node:zlib";
import { compareEntryIds, parseEntryId } from "../stream/entry-id.ts";

export interface ArchivedEntry {
  readonly id: string;
  readonly seq: number;
  readonly version: number;
  readonly data: unknown;
  /**
   * The payload's JSON text as stored, when the writer has it: the line embeds it as it is,
   * without decoding and encoding again. A reader sets it only with `error`.
   */
  readonly text?: string;
  /** Set by the reader for a line whose payload is not JSON (stepped over by replays). */
  readonly error?: string;
}

const PAD = 20;

function padId(id: string): string {
  const { ms, seq } = parseEntryId(id);
  return `${String(ms).padStart(PAD, "0")}-${seq.toString().padStart(PAD, "0")}`;
}

function unpadId(text: string): string | null {
  const match = /^(\d{20})-(\d{20})$/.exec(text);
  return match ? `${BigInt(match[1]!)}-${BigInt(match[2]!)}` : null;
}

export function partitionPrefix(prefix: string, partition: number): string {
  return `${prefix ? `${prefix.replace(/\/+$/, "")}/` : ""}reports-${partition}/`;
}

/** Where the object starting with `firstId` would be: the key's part up to and including `_`. */
export function objectKeyStart(prefix: string, partition: number, firstId: string): string {
  return `${partitionPrefix(prefix, partition)}${padId(firstId)}_`;
}

export function objectKey(prefix: string, partition: number, firstId: string, lastId: string): string {
  return `${objectKeyStart(prefix, partition, firstId)}${padId(lastId)}.jsonl.gz`;
}

/** The listing key to start after for objects holding entries at or after `ms` (a time range). */
export function keyBefore(prefix: string, partition: number, ms: number): string {
  // Objects are keyed by their first entry: one that starts before `ms` may still reach past it,
  // so readers start one object earlier (the listing's previous key) when they need exactness.
  return `${partitionPrefix(prefix, partition)}${String(ms).padStart(PAD, "0")}`;
}

/** The first and last entry ids an object key names; null for keys that are not archive objects. */
export function parseObjectKey(key: string): { partition: number; firstId: string; lastId: string } | null {
  const match = /(?:^|\/)reports-(\d+)\/(\d{20}-\d{20})_(\d{20}-\d{20})\.jsonl\.gz$/.exec(key);
  if (!match) return null;
  const firstId = unpadId(match[2]!);
  const lastId = unpadId(match[3]!);
  if (!firstId || !lastId || compareEntryIds(firstId, lastId) > 0) return null;
  return { partition: Number(match[1]), firstId, lastId };
}

// The same text JSON.stringify({ id, seq, v, data }) gives, with the payload's text spliced in.
const line = (e: ArchivedEntry): string =>
  e.text === undefined ? JSON.stringify({ id: e.id, seq: e.seq, v: e.version, data: e.data }) : `{"id":"${e.id}","seq":${e.seq},"v":${e.version},"data":${e.text}}`;

function archiveText(entries: readonly ArchivedEntry[]): string {
  return `${entries.map(line).join("\n")}\n`;
}

// A line whose payload did not decode still names its entry: the writer puts these first.
const LINE_HEAD = /^\{"id":"(\d+-\d+)","seq":(\d+),"v":(\d+),"data":([\s\S]*)\}$/;

export function encodeArchiveObject(entries: readonly ArchivedEntry[]): Buffer {
  return gzipSync(archiveText(entries));
}

const gzipAsync = promisify(gzip);

/** The same bytes, compressed on libuv's thread pool: the exporter's loops keep the event loop. */
export function encodeArchiveObjectAsync(entries: readonly ArchivedEntry[]): Promise<Buffer> {
  return gzipAsync(archiveText(entries));
}

export function decodeArchiveObject(body: Uint8Array): ArchivedEntry[] {
  const out: ArchivedEntry[] = [];
  for (const text of gunzipSync(body).toString("utf8").split("\n")) {
    if (text === "") continue;
    let raw: { id?: unknown; seq?: unknown; v?: unknown; data?: unknown };
    try {
      raw = JSON.parse(text) as typeof raw;
    } catch (err) {
      const head = LINE_HEAD.exec(text);
      if (!head) throw new Error(`archive line is not an entry: ${text.slice(0, 120)}`);
      out.push({ id: head[1]!, seq: Number(head[2]), version: Number(head[3]), data: null, text: head[4]!, error: `payload is not JSON: ${(err as Error).message}` });
      continue;
    }
    if (typeof raw.id !== "string" || typeof raw.seq !== "number" || typeof raw.v !== "number") {
      throw new Error(`archive line is not an entry: ${text.slice(0, 120)}`);
    }
    out.push({ id: raw.id, seq: raw.seq, version: raw.v, data: raw.data });
  }
  return out;
}
