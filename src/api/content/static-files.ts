/**
 * Files under the project's `static/` directory, looked up from a request path. Only regular
 * files inside that directory are ever answered: encoded separators, dot segments and anything
 * that resolves elsewhere (a symlink out included) are "not found", never an error.
 */
import { createHash } from "node:crypto";
import { readFile, realpath, stat } from "node:fs/promises";
import { extname, join, sep } from "node:path";

export interface StaticFile {
  readonly body: Uint8Array;
  /** A strong ETag from the content, the same on every instance serving the same file. */
  readonly etag: string;
  readonly contentType: string;
  readonly cacheControl: string;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".map": "application/json",
  ".txt": "text/plain; charset=utf-8",
  ".html": "text/html; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
};

/** `site.3f9a1c2b.css`, `map-3f9a1c2b04.js`: a new content gets a new name, so it may be kept a year. */
const HASHED_NAME = /[.-][0-9a-f]{8,64}\.[a-z0-9]+$/i;
const ONE_YEAR = "max-age=31536000, immutable";
const ONE_DAY = "max-age=86400";

export function contentTypeOf(name: string): string {
  return CONTENT_TYPES[extname(name).toLowerCase()] ?? "application/octet-stream";
}

export function cacheControlOf(name: string): string {
  return HASHED_NAME.test(name) ? ONE_YEAR : ONE_DAY;
}

/** The decoded path segments of `encodedPath`, or null when any of them could leave the directory. */
function safeSegments(encodedPath: string): string[] | null {
  const segments: string[] = [];
  for (const encoded of encodedPath.split("/")) {
    let segment: string;
    try {
      segment = decodeURIComponent(encoded);
    } catch {
      return null;
    }
    // Checked after decoding: `%2f`, `%5c`, `%2e%2e` and `%00` must not become path syntax.
    if (segment === "" || segment === "." || segment === ".." || /[/\\\0]/.test(segment)) return null;
    segments.push(segment);
  }
  return segments;
}

interface Cached {
  readonly mtimeMs: number;
  readonly size: number;
  readonly file: StaticFile;
}

export interface StaticDirectory {
  /** The file at `encodedPath` (as it appears in the URL, below the directory), or null. */
  find(encodedPath: string): Promise<StaticFile | null>;
}

export function staticDirectory(directory: string): StaticDirectory {
  // Files are read once and kept while their size and mtime stay the same (a deploy replaces them).
  const cache = new Map<string, Cached>();
  let rootReal: Promise<string | null> | undefined;
  return {
    async find(encodedPath) {
      const segments = safeSegments(encodedPath);
      if (!segments) return null;
      rootReal ??= realpath(directory).catch(() => null);
      const root = await rootReal;
      if (!root) return null;
      try {
        const path = await realpath(join(root, ...segments));
        if (!path.startsWith(root + sep)) return null;
        const info = await stat(path);
        if (!info.isFile()) return null;
        const hit = cache.get(path);
        if (hit && hit.mtimeMs === info.mtimeMs && hit.size === info.size) return hit.file;
        const body = new Uint8Array(await readFile(path));
        const name = segments[segments.length - 1] ?? "";
        const file: StaticFile = {
          body,
          etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`,
          contentType: contentTypeOf(name),
          cacheControl: cacheControlOf(name),
        };
        cache.set(path, { mtimeMs: info.mtimeMs, size: info.size, file });
        return file;
      } catch {
        // Missing files, names too long for the file system, permission errors: all "not found".
        return null;
      }
    },
  };
}
