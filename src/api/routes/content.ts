/**
 * Content routes (SPEC §1.1, §1.1.1): `/__version__` and `/contribute.json` (monitor routes),
 * `/robots.txt`, the two icons at the root, and the files under `static/` at `/static/...`.
 * None of them sends CORS headers.
 */
import { type H3, type H3Event, HTTPError } from "h3";
import { join } from "node:path";
import { contributeDocument } from "../content/contribute.ts";
import { PROJECT_ROOT } from "../content/project-root.ts";
import { type StaticFile, staticDirectory } from "../content/static-files.ts";
import { type GivenVersion, readVersionInfo } from "../content/version-info.ts";
import { defineMonitorRoute } from "./monitor.ts";

/** Everything an operator would rather crawlers left alone: the API, monitoring, bulk files. */
const ROBOTS_TXT = ["User-agent: *", ...["/downloads", "/static/", "/v1/", "/v2/", "/__heartbeat__", "/__lbheartbeat__", "/__version__"].map((p) => `Disallow: ${p}`), ""].join("\n");
const ROOT_FILE_CACHE = "max-age=86400, public";
const STATIC_METHODS = ["GET", "HEAD"] as const;

/** If-None-Match matches when it lists this ETag (weak or strong) or is `*` (RFC 9110 §13.1.2). */
function notModified(event: H3Event, etag: string): boolean {
  const given = event.req.headers.get("if-none-match");
  if (!given) return false;
  return given.trim() === "*" || given.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag);
}

function fileResponse(event: H3Event, file: StaticFile, cacheControl: string): Response {
  const headers = { etag: file.etag, "cache-control": cacheControl };
  if (notModified(event, file.etag)) return new Response(null, { status: 304, headers });
  return new Response(file.body, { headers: { ...headers, "content-type": file.contentType } });
}

function notFound(): never {
  throw new HTTPError({ status: 404, statusText: "Not Found" });
}

export function registerContentRoutes(app: H3, given: GivenVersion = {}): void {
  // Read once: a child process (git) per request would be absurd for a value that cannot change.
  const version = readVersionInfo(PROJECT_ROOT, given);
  const contribute = contributeDocument(version);
  defineMonitorRoute(app, "/__version__", () => version);
  defineMonitorRoute(app, "/contribute.json", () => contribute);

  app.all("/robots.txt", () => new Response(ROBOTS_TXT, { headers: { "content-type": "text/plain; charset=utf-8", "cache-control": ROOT_FILE_CACHE } }));

  const files = staticDirectory(join(PROJECT_ROOT, "static"));
  for (const name of ["favicon.ico", "apple-touch-icon-precomposed.png"]) {
    app.all(`/${name}`, async (event) => fileResponse(event, (await files.find(name)) ?? notFound(), ROOT_FILE_CACHE));
  }

  const serveStatic = async (event: H3Event) => {
    const file = await files.find(event.url.pathname.slice("/static/".length));
    return fileResponse(event, file ?? notFound(), file?.cacheControl ?? "");
  };
  // HEAD explicitly: h3 falls back from HEAD to GET only when no route matches, and the
  // catch-all below matches.
  for (const method of STATIC_METHODS) app.on(method, "/static/**", serveStatic);
  app.all("/static/**", () => {
    throw new HTTPError({ status: 405, statusText: "Method Not Allowed", headers: { allow: STATIC_METHODS.join(", ") } });
  });
}
