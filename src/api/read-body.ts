/**
 * Body decoding shared by every API route (SPEC §1.5): read at most `maxBytes`, gunzip with the
 * same cap applied while decompressing (a gzip bomb stops after `maxBytes` of output, not after
 * a gigabyte), decode the declared charset strictly, parse JSON. Failures are the SPEC's
 * ParseError with `details.decode`, or 413 past the limit.
 */
import type { Readable } from "node:stream";
import { promisify, TextDecoder } from "node:util";
import { gunzip } from "node:zlib";
import type { H3Event } from "h3";
import { parseError, payloadTooLarge } from "./errors.ts";
import { parseLenientJson } from "./lenient-json.ts";

const gunzipAsync = promisify(gunzip);

export interface DecodedBody {
  /** True when the request carried no body bytes at all (SPEC §1.5.4: errors then differ). */
  readonly empty: boolean;
  /** The parsed JSON, or `{}` for an empty body. */
  readonly data: unknown;
}

/** Collects a body's chunks, refusing it as soon as it grows past the limit. */
async function collect(chunks: AsyncIterable<Uint8Array>, maxBytes: number): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const value of chunks) {
    size += value.byteLength;
    if (size > maxBytes) throw payloadTooLarge(maxBytes);
    parts.push(value);
  }
  return joined(parts, size);
}

function joined(parts: readonly Uint8Array[], size: number): Uint8Array {
  if (parts.length === 0) return new Uint8Array(0);
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts, size);
}

/**
 * The same for Node's request stream, read directly: wrapping it as a web ReadableStream (what
 * `event.req.body` does) cost more CPU than the rest of the body handling. Past the limit the
 * rest of the upload is drained, not destroyed: that would close the socket before the 413.
 */
function collectNode(req: Readable & { readonly complete: boolean }, maxBytes: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size <= maxBytes) {
        parts.push(chunk);
        return;
      }
      req.off("data", onData);
      req.resume();
      reject(payloadTooLarge(maxBytes));
    };
    req.on("data", onData);
    req.once("end", () => resolve(joined(parts, size)));
    req.once("error", reject);
    // A client that hangs up mid-body ends the request without "end".
    req.once("close", () => {
      if (!req.complete) reject(Object.assign(new Error("the client closed the connection mid-body"), { code: "ECONNRESET" }));
    });
  });
}

async function readRaw(event: H3Event, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(event.req.headers.get("content-length") ?? Number.NaN);
  if (declared > maxBytes) throw payloadTooLarge(maxBytes);
  const node = event.runtime?.node?.req;
  if (node) return collectNode(node, maxBytes);
  const body = event.req.body;
  if (!body) return new Uint8Array(0);
  // Leaving the loop early (too large) cancels the stream: the async iterator does that itself.
  return collect(body, maxBytes);
}

function isGzip(bytes: Uint8Array, encoding: string): boolean {
  if (encoding === "gzip" || encoding === "x-gzip") return true;
  // A JSON body never starts with the gzip magic; some clients forget the header.
  return encoding === "" && bytes.length > 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

async function decompress(bytes: Uint8Array, encoding: string, maxBytes: number): Promise<Uint8Array> {
  if (isGzip(bytes, encoding)) {
    try {
      return await gunzipAsync(bytes, { maxOutputLength: maxBytes, chunkSize: 128 * 1024 });
    } catch (err) {
      if ((err as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") throw payloadTooLarge(maxBytes);
      throw parseError({ decode: `invalid gzip body: ${(err as Error).message}` });
    }
  }
  if (encoding === "" || encoding === "identity") return bytes;
  throw parseError({ decode: `unsupported Content-Encoding "${encoding}"; send gzip or nothing` });
}

function charsetOf(contentType: string | null): string {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? "");
  return match?.[1]?.toLowerCase() ?? "utf-8";
}

function decodeText(bytes: Uint8Array, charset: string): string {
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(charset, { fatal: true });
  } catch {
    throw parseError({ decode: `unknown charset "${charset}"` });
  }
  try {
    return decoder.decode(bytes);
  } catch {
    throw parseError({ decode: `the body is not valid ${charset}` });
  }
}

export async function readJsonBody(event: H3Event, maxBytes: number): Promise<DecodedBody> {
  const raw = await readRaw(event, maxBytes);
  if (raw.byteLength === 0) return { empty: true, data: {} };
  const encoding = (event.req.headers.get("content-encoding") ?? "").trim().toLowerCase();
  const bytes = await decompress(raw, encoding, maxBytes);
  const text = decodeText(bytes, charsetOf(event.req.headers.get("content-type")));
  if (text.trim() === "") return { empty: false, data: {} };
  try {
    return { empty: false, data: parseLenientJson(text) };
  } catch (err) {
    throw parseError({ decode: `invalid JSON: ${(err as Error).message}` });
  }
}
