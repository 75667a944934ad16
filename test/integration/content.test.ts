/**
 * Content routes over real HTTP (SPEC §1.1, §1.1.1, §6.5): `/__version__`, `/contribute.json`,
 * `/robots.txt`, the two root icons and `/static/...` with its caching, ETags, content types and
 * refusal of every way out of the `static/` directory.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { createWebApp } from "../../src/api/app.ts";
import { staticDirectory } from "../../src/api/content/static-files.ts";
import { readVersionInfo } from "../../src/api/content/version-info.ts";
import { loadConfig } from "../../src/config.ts";
import type { HeartbeatChecks } from "../../src/api/heartbeat.ts";
import { type HttpServer, startHttpServer } from "../../src/api/serve.ts";
import { createLogger } from "../../src/logger.ts";
import { rawStatus } from "../support/raw-request.ts";

const ROOT = new URL("../../", import.meta.url);
const PACKAGE = JSON.parse(readFileSync(new URL("package.json", ROOT), "utf8")) as { version: string };
const checks: HeartbeatChecks = {
  database: async () => { throw new Error("not needed"); },
  redis: async () => { throw new Error("not needed"); },
  geoip: () => ({ up: false, buildTime: null }),
};

const S = suite<{ server: HttpServer }>("content routes");

S.before(async (ctx) => {
  const log = createLogger("silent");
  ctx.server = await startHttpServer(createWebApp({ log, checks }), { host: "127.0.0.1", port: 0, log });
});
S.after(async (ctx) => {
  await ctx.server?.close();
});

const get = (server: HttpServer, path: string, init?: RequestInit) => fetch(new URL(path, server.url), init);


function assertNoCors(res: Response, what: string): void {
  for (const name of res.headers.keys()) assert.not.ok(name.startsWith("access-control-"), `${what}: ${name}`);
}

S("/__version__ has exactly build, commit, source and version, from package.json and git", async ({ server }) => {
  const res = await get(server, "/__version__");
  assert.is(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
  const body = (await res.json()) as Record<string, string>;
  assert.equal(Object.keys(body).sort(), ["build", "commit", "source", "version"]);
  assert.is(body.version, PACKAGE.version);
  const head = execFileSync("git", ["rev-parse", "HEAD"], { cwd: new URL(".", ROOT), encoding: "utf8" }).trim();
  assert.is(body.commit, head, "the test's configuration sets no ICHNOS_COMMIT");
  assertNoCors(res, "/__version__");
});

S("the version's environment variables win over git; without either it is unknown", () => {
  const dir = mkdtempSync(join(tmpdir(), "ichnos-version-"));
  try {
    writeFileSync(join(dir, "package.json"), JSON.stringify({ version: "9.8.7", repository: { type: "git", url: "git+https://example.org/ichnos.git" } }));
    assert.equal(readVersionInfo(dir, {}), { source: "https://example.org/ichnos", version: "9.8.7", commit: "unknown", build: "unknown" });
    assert.equal(readVersionInfo(dir, loadConfig({ ICHNOS_COMMIT: "abc123", ICHNOS_BUILD: "build-42" }).build), {
      source: "https://example.org/ichnos", version: "9.8.7", commit: "abc123", build: "build-42",
    });
    writeFileSync(join(dir, "package.json"), JSON.stringify({ version: "1.0.0" }));
    assert.is(readVersionInfo(dir, loadConfig({ ICHNOS_SOURCE: "https://code.example/ichnos" }).build).source, "https://code.example/ichnos");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

S("/__version__ and /contribute.json take GET, HEAD and POST; anything else is 405 without CORS", async ({ server }) => {
  for (const path of ["/__version__", "/contribute.json"]) {
    for (const method of ["GET", "HEAD", "POST"]) assert.is((await get(server, path, { method })).status, 200, `${method} ${path}`);
    for (const method of ["PUT", "DELETE", "PATCH", "OPTIONS"]) {
      const res = await get(server, path, { method });
      assert.is(res.status, 405, `${method} ${path}`);
      assertNoCors(res, `${method} ${path}`);
    }
  }
});

S("/contribute.json describes Ichnos under the Apache 2.0 license", async ({ server }) => {
  const res = await get(server, "/contribute.json");
  assert.is(res.status, 200);
  const body = (await res.json()) as { name: string; description: string; repository: { license: string }; participate: object; keywords: string[] };
  assert.is(body.name, "Ichnos");
  assert.ok(body.description.length > 10);
  assert.is(body.repository.license, "Apache 2.0");
  assert.type(body.participate, "object");
  assert.ok(body.keywords.includes("geolocation"));
});

S("/robots.txt keeps crawlers off the API, monitoring and bulk files, for any method", async ({ server }) => {
  const res = await get(server, "/robots.txt");
  assert.is(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /^text\/plain/);
  assert.is(res.headers.get("cache-control"), "max-age=86400, public");
  const lines = (await res.text()).trim().split("\n");
  assert.equal(lines, ["User-agent: *", ...["/downloads", "/static/", "/v1/", "/v2/", "/__heartbeat__", "/__lbheartbeat__", "/__version__"].map((p) => `Disallow: ${p}`)]);
  assert.is((await get(server, "/robots.txt", { method: "POST" })).status, 200);
  assertNoCors(res, "/robots.txt");
});

S("/favicon.ico and /apple-touch-icon-precomposed.png are real icons, kept a day", async ({ server }) => {
  const ico = await get(server, "/favicon.ico");
  assert.is(ico.status, 200);
  assert.is(ico.headers.get("content-type"), "image/x-icon");
  assert.is(ico.headers.get("cache-control"), "max-age=86400, public");
  const icoBytes = new Uint8Array(await ico.arrayBuffer());
  assert.equal([...icoBytes.slice(0, 4)], [0, 0, 1, 0], "ICO header");
  const png = await get(server, "/apple-touch-icon-precomposed.png");
  assert.is(png.status, 200);
  assert.is(png.headers.get("content-type"), "image/png");
  assert.is(png.headers.get("cache-control"), "max-age=86400, public");
  const pngBytes = new Uint8Array(await png.arrayBuffer());
  assert.equal([...pngBytes.slice(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], "PNG signature");
  assert.is(Buffer.from(pngBytes.slice(16, 24)).readUInt32BE(0), 180, "180 px wide");
  assert.is((await get(server, "/favicon.ico", { method: "POST" })).status, 200, "any method");
});

S("/static/ files: content type, a day of caching, ETag and 304 on If-None-Match", async ({ server }) => {
  const res = await get(server, "/static/css/site.css");
  assert.is(res.status, 200);
  assert.is(res.headers.get("content-type"), "text/css; charset=utf-8");
  assert.is(res.headers.get("cache-control"), "max-age=86400");
  const etag = res.headers.get("etag") ?? "";
  assert.match(etag, /^"[\w-]+"$/);
  assert.is(await res.text(), readFileSync(new URL("static/css/site.css", ROOT), "utf8"));
  for (const given of [etag, `W/${etag}`, `"other", ${etag}`, "*"]) {
    const again = await get(server, "/static/css/site.css", { headers: { "if-none-match": given } });
    assert.is(again.status, 304, given);
    assert.is(again.headers.get("etag"), etag);
    assert.is(await again.text(), "");
  }
  assert.is((await get(server, "/static/css/site.css", { headers: { "if-none-match": '"other"' } })).status, 200);
  const head = await get(server, "/static/favicon.ico", { method: "HEAD" });
  assert.is(head.status, 200);
  assert.is(head.headers.get("content-type"), "image/x-icon");
  assertNoCors(res, "/static/css/site.css");
});

S("/static/ takes GET and HEAD only; a directory or a missing file is 404", async ({ server }) => {
  for (const method of ["POST", "PUT", "DELETE"]) assert.is((await get(server, "/static/css/site.css", { method })).status, 405, method);
  for (const path of ["/static/css", "/static/css/", "/static/", "/static/nothing-here.js"]) assert.is((await get(server, path)).status, 404, path);
});

S("no way out of static/: encoded separators and dot segments are 404", async ({ server }) => {
  const escapes = [
    "/static/..%2fpackage.json", "/static/..%2Fpackage.json", "/static/css/..%2f..%2fpackage.json", "/static/%2e%2e%2fpackage.json",
    "/static/%2e%2e/package.json", "/static/css/%2e%2e/%2e%2e/package.json", "/static/..%5cpackage.json", "/static/css%2f..%2f..%2fpackage.json",
    "/static/..%252fpackage.json", "/static/%2fetc%2fpasswd", "/static//etc/passwd", "/static/site.css%00.png", "/static/../package.json",
    "/static/css/../../package.json",
  ];
  for (const path of escapes) assert.is(await rawStatus(server.url, path), 404, path);
  // Broken escapes and overlong UTF-8 are refused by the framework before routing (400).
  for (const path of ["/static/%zz", "/static/..%c0%afpackage.json"]) assert.ok([400, 404].includes(await rawStatus(server.url, path)), path);
});

S("file names with a content hash are immutable for a year; a link out of the directory is not followed", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ichnos-static-"));
  try {
    mkdirSync(join(dir, "files"));
    writeFileSync(join(dir, "files", "app.3f9a1c2b.js"), "1");
    writeFileSync(join(dir, "files", "app-3f9a1c2b04d5.css"), "2");
    writeFileSync(join(dir, "files", "app.js"), "3");
    writeFileSync(join(dir, "secret.txt"), "no");
    symlinkSync(join(dir, "secret.txt"), join(dir, "files", "link.txt"));
    const files = staticDirectory(join(dir, "files"));
    assert.is((await files.find("app.3f9a1c2b.js"))?.cacheControl, "max-age=31536000, immutable");
    assert.is((await files.find("app-3f9a1c2b04d5.css"))?.cacheControl, "max-age=31536000, immutable");
    assert.is((await files.find("app.js"))?.cacheControl, "max-age=86400");
    assert.is((await files.find("app.js"))?.contentType, "text/javascript; charset=utf-8");
    assert.is(await files.find("link.txt"), null);
    assert.is(await files.find("..%2fsecret.txt"), null);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

S.run();
