/**
 * Seeded fuzzing of every route: thousands of malformed requests in-process and a few hundred
 * as raw bytes through a real listener (content-length mismatches, chunked and broken bodies).
 * Each answer must be what a client may rely on: never a 5xx (Redis and MySQL are up), the SPEC
 * §1.6 envelope with CORS (§1.3) for API errors, nothing appended to the reports streams by a
 * refused request, exactly the reports of a valid submission appended. The seed is fixed so that
 * every run of the suite checks the same requests; FUZZ_SEED=<n> explores others (`random` picks
 * one), and FUZZ_SEED=<n> FUZZ_ONLY=<index> replays one request.
 */
import { randomInt } from "node:crypto";
import { connect } from "node:net";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { startHttpServer, type HttpServer } from "../../src/api/serve.ts";
import { PREFLIGHT_CORS } from "../support/cors.ts";
import { createFuzzRandom, type FuzzRandom, fuzzBody, type SchemaName } from "../support/fuzz-bodies.ts";
import { createWebTestEnv, loadFixture, storedCount, storedEntries, type WebTestEnv } from "../support/web-setup.ts";

const DEFAULT_SEED = 20261201;
const SEED = process.env.FUZZ_SEED === "random" ? randomInt(2 ** 31) : Number(process.env.FUZZ_SEED ?? DEFAULT_SEED);
const ONLY = process.env.FUZZ_ONLY === undefined ? null : Number(process.env.FUZZ_ONLY);
const IN_PROCESS = Number(process.env.FUZZ_CASES ?? 3500);
const OVER_SOCKET = Number(process.env.FUZZ_SOCKET_CASES ?? 400);
/** Socket cases get indexes of their own so both parts can grow without shifting the other. */
const SOCKET_BASE = 1_000_000;
const TOKEN = "fuzz-operator-token";

type Family = "submit" | "locate" | "events" | "monitor" | "content" | "unknown";
type Transport = "plain" | "chunked" | "split" | "cl-short" | "cl-long" | "bad-chunked";

interface FuzzRequest {
  readonly index: number;
  readonly family: Family;
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: Uint8Array | null;
  readonly mutations: readonly string[];
  /** A valid submission (append exactly `items`, or 1..items for a fixture) or locate request. */
  readonly valid: boolean;
  readonly items: number | null;
  /** For locate: the key lets this endpoint through (otherwise 400 keyInvalid whatever the body). */
  readonly keyOk: boolean;
  readonly transport: Transport;
}

const SUBMIT: readonly { path: string; schema: SchemaName; ok: number }[] = [
  { path: "/v2/geosubmit", schema: "v2", ok: 200 }, { path: "/v1/geosubmit", schema: "v1", ok: 200 }, { path: "/v1/submit", schema: "v0", ok: 204 },
];
const SUBMIT_FIXTURES = ["GC-S1", "NS-S1", "TC-S1"].map((n) => loadFixture(n).body);
const LOCATE_FIXTURES = ["FF-L1", "GC-L1", "GC-L2", "MG-L2", "NS-L1"].map((n) => loadFixture(n).body);
const ODD_METHODS = ["PUT", "DELETE", "PATCH", "OPTIONS"];
const ODD_KEYS = ["", "x", "abc", "unknown-key-0000", "test%00", "%zz", "a".repeat(41), "a".repeat(5000), "other&key=test", "test&key=other", "nolocate", "noregion"];
const AFTER = ["", "0", "0-0", "abc", "-1-0", "1-0.0", "1-0.1", "1-0.2", "1-0.-1", "1700000000000-0.5", ".", "1-0.1.2", "%00", "1e3-0", "01-0",
  "99999999999999999999-0", "18446744073709551615-18446744073709551615", "18446744073709551615-18446744073709551615.0", "18446744073709551616-0",
  "1-99999999999999999999", "9".repeat(400), "1700000000000-0.1&after=2"];
const LIMIT = ["", "0", "-1", "1", "5", "1000", "1001", "abc", "1e3", "99999999999999999999", "1.5", " 5", "%20", "0x10", "9".repeat(400), "5&limit=x"];
/** Content routes (content.ts): any method at the root files, GET and HEAD under /static/. */
const CONTENT_ANY_METHOD = ["/robots.txt", "/favicon.ico", "/apple-touch-icon-precomposed.png"];
const STATIC_FOUND = ["/static/css/site.css", "/static/favicon.ico"];
const STATIC_ESCAPES = ["/static/..%2fpackage.json", "/static/css/..%2f..%2fpackage.json", "/static/%2e%2e%2f%2e%2e%2fetc%2fpasswd", "/static/..%5cpackage.json", "/static/css"];
const UNKNOWN = ["/nobody-is-home", "/v1/search", "/v1/transfer", "/v3/geosubmit", "/v1/geolocate/x", "/zz/fuzz", "/v1", "/__heartbeat__/x", "/static/../../etc/passwd"];
/** Paths whose routing is the framework's business (a trailing slash matches the route): only "no 5xx" is asserted. */
const ODD_PATHS = ["/v2/geosubmit/", "/v1/country/", "/%zz", "/v1/%ff%fe", "/v1/geolocate%00", "/..%2f..%2f", "/%2e%2e/v1/submit", "/v1//submit", "/v1/geolocate;x=1"];

function keyQuery(r: FuzzRandom, good: number): { query: string; key: string | null } {
  if (r.chance(good)) return { query: "?key=test", key: "test" };
  if (r.chance(0.3)) return { query: "", key: null };
  const key = r.pick(ODD_KEYS);
  // A repeated key counts by its first value (src/api/query.ts).
  return { query: `?key=${key}`, key: key.split("&")[0]! };
}

function pickMethod(r: FuzzRandom, allowed: readonly string[]): string {
  return r.chance(0.08) ? r.pick(ODD_METHODS) : r.pick(allowed);
}

/** The request for one (seed, index); the same pair always gives the same request. */
function buildRequest(index: number): FuzzRequest {
  const r = createFuzzRandom(SEED, index);
  const transport: Transport = index >= SOCKET_BASE ? r.pick(["plain", "plain", "chunked", "split", "cl-short", "bad-chunked", r.chance(0.3) ? "cl-long" : "plain"]) : "plain";
  const base = { index, transport, valid: false, items: null, keyOk: true, mutations: [] as string[] };
  const roll = r.next();
  if (roll < 0.48) {
    const route = r.pick(SUBMIT);
    const schema = r.chance(0.1) ? r.pick<SchemaName>(["v2", "v1", "v0", "locate"]) : route.schema;
    const fixture = schema === "v2" && r.chance(0.3) ? r.pick(SUBMIT_FIXTURES) : undefined;
    const body = fuzzBody(r, schema, fixture);
    const { query } = keyQuery(r, 0.5);
    const method = pickMethod(r, ["POST", "POST", "POST", "POST", "POST", "POST", "GET", "HEAD"]);
    return { ...base, family: "submit", method, path: `${route.path}${query}`, headers: body.headers, body: body.bytes, mutations: body.mutations,
      valid: body.valid && schema === route.schema && method === "POST", items: body.items };
  }
  if (roll < 0.78) {
    const path = r.pick(["/v1/geolocate", "/v1/country"]);
    const body = fuzzBody(r, "locate", r.chance(0.3) ? r.pick(LOCATE_FIXTURES) : undefined);
    const { query, key } = keyQuery(r, 0.75);
    const keyOk = key === "test" || (key === "nolocate" && path === "/v1/country") || (key === "noregion" && path === "/v1/geolocate");
    const method = pickMethod(r, ["POST", "POST", "POST", "POST", "POST", "GET", "HEAD"]);
    return { ...base, family: "locate", method, path: `${path}${query}`, headers: body.headers, body: body.bytes, mutations: body.mutations,
      valid: body.valid && method === "POST", keyOk };
  }
  if (roll < 0.88) {
    const parts = [r.chance(0.7) ? `after=${r.pick(AFTER)}` : "", r.chance(0.7) ? `limit=${r.pick(LIMIT)}` : ""].filter(Boolean);
    const auth = r.chance(0.85) ? `Bearer ${TOKEN}` : r.pick(["", "Bearer", "Bearer wrong", `Basic ${TOKEN}`, `Bearer ${TOKEN}x`, `bearer   ${TOKEN}`]);
    const headers: Record<string, string> = auth ? { authorization: auth } : {};
    const method = pickMethod(r, ["GET", "GET", "GET", "HEAD", "POST"]);
    return { ...base, family: "events", method, path: `/v1/events${parts.length ? `?${parts.join("&")}` : ""}`, headers, body: r.chance(0.2) ? Buffer.from("{}") : null,
      keyOk: auth === `Bearer ${TOKEN}` || auth === `bearer   ${TOKEN}` };
  }
  if (roll < 0.94) {
    const path = r.pick(["/__heartbeat__", "/__lbheartbeat__", "/__version__", "/contribute.json", ...CONTENT_ANY_METHOD, ...STATIC_FOUND, ...STATIC_ESCAPES]);
    const method = r.pick(["GET", "GET", "HEAD", "POST", ...ODD_METHODS]);
    const family = path.startsWith("/__") || path === "/contribute.json" ? "monitor" : "content";
    return { ...base, family, method, path: `${path}${r.chance(0.2) ? "?x=%zz" : ""}`, headers: {}, body: r.chance(0.3) ? Buffer.from("garbage\u0000") : null };
  }
  const path = r.chance(0.3) ? r.pick(ODD_PATHS) : r.pick(UNKNOWN);
  const method = r.pick(["GET", "POST", "HEAD", ...ODD_METHODS]);
  return { ...base, family: "unknown", method, path, headers: { "content-type": "application/json" }, body: r.chance(0.5) ? Buffer.from('{"items": []}') : null };
}

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

const API_PATH = /^\/v[12]\/(geosubmit|submit|geolocate|country)(\?|$)/;

function isEnvelope(text: string, status: number): boolean {
  try {
    const body = JSON.parse(text) as { error?: { errors?: unknown; code?: unknown; message?: unknown } };
    const errors = body.error?.errors;
    return Array.isArray(errors) && errors.length > 0 && body.error?.code === status && typeof body.error?.message === "string"
      && errors.every((e: Record<string, unknown>) => ["domain", "reason", "message"].every((k) => typeof e?.[k] === "string"));
  } catch {
    return false;
  }
}

function reasonOf(text: string): string | undefined {
  try {
    return (JSON.parse(text) as { error: { errors: { reason: string }[] } }).error.errors[0]?.reason;
  } catch {
    return undefined;
  }
}

function hasCors(h: Headers): boolean {
  return h.get("access-control-allow-origin") === "*" && h.get("access-control-max-age") === "2592000";
}

/** Problems with one answer, as failure-class names; `delta` is how many entries it appended. */
function checkAnswer(req: FuzzRequest, a: Answer, delta: number): string[] {
  const out: string[] = [];
  const head = req.method === "HEAD";
  if (a.status >= 500) out.push(`${a.status}`);
  if (a.status >= 400 && delta !== 0) out.push(`${a.status} appended ${delta} entries`);
  const apiRoute = (req.family === "submit" || req.family === "locate") && API_PATH.test(req.path);
  if (apiRoute && req.method === "OPTIONS") {
    const preflight = JSON.stringify(Object.fromEntries([...a.headers].filter(([name]) => name.startsWith("access-control-")).sort()));
    if (a.status !== 200 || preflight !== JSON.stringify(PREFLIGHT_CORS) || a.text !== "") out.push(`OPTIONS answered ${a.status} with CORS ${preflight}`);
  } else if (apiRoute && ["PUT", "DELETE", "PATCH"].includes(req.method)) {
    if (a.status !== 405 || !a.headers.get("allow")) out.push(`${req.method} answered ${a.status}, not 405 with Allow`);
    else if (isEnvelope(a.text, 405)) out.push("405 with the API envelope");
    else if (!hasCors(a.headers)) out.push("405 without CORS headers");
  } else if (apiRoute && a.status >= 400) {
    if (!/^application\/json/.test(a.headers.get("content-type") ?? "")) out.push(`${a.status} content-type ${a.headers.get("content-type")}`);
    if (!head && !isEnvelope(a.text, a.status)) out.push(`${a.status} without the SPEC §1.6 envelope`);
    if (!hasCors(a.headers)) out.push(`${a.status} without CORS headers`);
  }
  if (req.family === "submit" && apiRoute && ["GET", "HEAD", "POST"].includes(req.method)) out.push(...checkSubmit(req, a, delta));
  if (req.family === "locate" && apiRoute && ["GET", "HEAD", "POST"].includes(req.method)) out.push(...checkLocate(req, a, delta));
  if (req.family !== "submit" && req.family !== "locate" && delta !== 0) out.push(`${req.family} route appended ${delta} entries`);
  if (req.family === "events") out.push(...checkEvents(req, a));
  if (req.family === "monitor") out.push(...checkMonitor(req, a));
  if (req.family === "content") out.push(...checkContent(req, a));
  if (req.family === "unknown" && !ODD_PATHS.includes(req.path)) {
    if (a.status !== 404) out.push(`unknown path answered ${a.status}`);
    else if (!head && !/404 Not Found/.test(a.text)) out.push("404 without the HTML page");
  }
  return out;
}

function checkSubmit(req: FuzzRequest, a: Answer, delta: number): string[] {
  const ok = SUBMIT.find((s) => req.path.startsWith(s.path))!.ok;
  if (![ok, 400, 413].includes(a.status)) return [`submit answered ${a.status}`];
  if (a.status === ok && delta > (req.items ?? 0)) return [`accepted submission appended ${delta} entries for ${req.items} items`];
  if (!req.valid || req.transport === "cl-short" || req.transport === "bad-chunked") return [];
  if (a.status !== ok) return [`valid submission refused with ${a.status} ${reasonOf(a.text) ?? ""}`.trim()];
  const exact = !req.mutations.includes("fixture");
  if (exact ? delta !== req.items : delta < 1) return [`valid submission of ${req.items} items appended ${delta}`];
  return [];
}

function checkLocate(req: FuzzRequest, a: Answer, delta: number): string[] {
  const out: string[] = [];
  if (delta > (a.status === 200 ? 1 : 0)) out.push(`locate ${a.status} appended ${delta} entries`);
  if (!req.keyOk) {
    // SPEC §1.4.6: the key is checked before the body, so every body gets keyInvalid.
    if (a.status !== 400 || (req.method !== "HEAD" && reasonOf(a.text) !== "keyInvalid")) out.push(`bad key answered ${a.status} ${reasonOf(a.text) ?? ""}`.trim());
    return out;
  }
  if (![200, 400, 404, 413].includes(a.status)) out.push(`locate answered ${a.status}`);
  if (req.valid && req.transport !== "cl-short" && req.transport !== "bad-chunked" && a.status !== 200 && a.status !== 404) {
    out.push(`valid locate request refused with ${a.status} ${reasonOf(a.text) ?? ""}`.trim());
  }
  return out;
}

function checkEvents(req: FuzzRequest, a: Answer): string[] {
  if (!["GET", "HEAD"].includes(req.method)) return a.status === 405 ? [] : [`events ${req.method} answered ${a.status}`];
  if (!req.keyOk) return a.status === 401 ? [] : [`events without the token answered ${a.status}`];
  if (a.status !== 200 && a.status !== 400) return a.status >= 500 ? [] : [`events answered ${a.status}`];
  if (a.status === 400 && req.method === "GET" && !isEnvelope(a.text, 400)) return ["events 400 without the envelope"];
  return [];
}

function checkMonitor(req: FuzzRequest, a: Answer): string[] {
  const allowed = ["GET", "HEAD", "POST"].includes(req.method);
  const out = a.status === (allowed ? 200 : 405) ? [] : [`${req.path.split("?")[0]} ${req.method} answered ${a.status}`];
  if (hasCors(a.headers)) out.push("monitor route with CORS headers");
  return out;
}

function checkContent(req: FuzzRequest, a: Answer): string[] {
  const path = req.path.split("?")[0] ?? "";
  const expected = CONTENT_ANY_METHOD.includes(path) ? 200
    : !["GET", "HEAD"].includes(req.method) ? 405
    : STATIC_FOUND.includes(path) ? 200 : 404;
  const out = a.status === expected ? [] : [`${path} ${req.method} answered ${a.status}, not ${expected}`];
  if (a.text.includes('"name": "ichnos"')) out.push(`${path} served package.json`);
  if (hasCors(a.headers)) out.push("content route with CORS headers");
  return out;
}

// ---- transports -----------------------------------------------------------------------------

async function sendInProcess(env: WebTestEnv, req: FuzzRequest): Promise<Answer> {
  // Request cannot carry a body on GET/HEAD; the socket part sends those.
  const body = req.method === "GET" || req.method === "HEAD" ? null : req.body;
  const res = await env.app.request(req.path, { method: req.method, headers: req.headers, body: body as RequestInit["body"] });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

function rawRequest(req: FuzzRequest): Uint8Array[] {
  const body = req.body ?? new Uint8Array(0);
  const lines = [`${req.method} ${req.path.replaceAll(" ", "%20")} HTTP/1.1`, "host: 127.0.0.1", "connection: close", ...Object.entries(req.headers).map(([k, v]) => `${k}: ${v}`)];
  const head = (extra: string[]) => Buffer.from(`${[...lines, ...extra].join("\r\n")}\r\n\r\n`, "latin1");
  switch (req.transport) {
    case "chunked": case "bad-chunked": {
      const chunks: Uint8Array[] = [head(["transfer-encoding: chunked"])];
      for (let at = 0, n = 1; at < body.length; at += n, n = Math.min(n * 3, 65_536)) {
        const part = body.subarray(at, at + n);
        chunks.push(Buffer.from(`${req.transport === "bad-chunked" && at > 0 ? "zz" : part.length.toString(16)}\r\n`), part, Buffer.from("\r\n"));
      }
      chunks.push(Buffer.from("0\r\n\r\n"));
      return chunks;
    }
    case "cl-short": return [head([`content-length: ${Math.floor(body.length / 2)}`]), body];
    case "cl-long": return [head([`content-length: ${body.length + 10}`]), body];
    case "split": return [head([`content-length: ${body.length}`]), ...Array.from({ length: Math.ceil(body.length / 7) }, (_, i) => body.subarray(i * 7, i * 7 + 7))];
    default: return [head([`content-length: ${body.length}`]), body];
  }
}

function decodeChunked(raw: Buffer): Buffer {
  const parts: Buffer[] = [];
  for (let at = 0; at < raw.length;) {
    const eol = raw.indexOf("\r\n", at);
    const size = Number.parseInt(raw.subarray(at, eol).toString("latin1"), 16);
    if (eol < 0 || !(size > 0)) break;
    parts.push(raw.subarray(eol + 2, eol + 2 + size));
    at = eol + 4 + size;
  }
  return Buffer.concat(parts);
}

function parseRaw(raw: Buffer): Answer | null {
  const end = raw.indexOf("\r\n\r\n");
  const status = /^HTTP\/1\.1 (\d{3})/.exec(raw.subarray(0, 20).toString("latin1"));
  if (end < 0 || !status) return null;
  const headers = new Headers();
  for (const line of raw.subarray(0, end).toString("latin1").split("\r\n").slice(1)) {
    const colon = line.indexOf(":");
    headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  let body = raw.subarray(end + 4);
  if (headers.get("transfer-encoding") === "chunked") body = decodeChunked(body);
  else if (headers.has("content-length")) body = body.subarray(0, Number(headers.get("content-length")));
  return { status: Number(status[1]), headers, text: body.toString("utf8") };
}

/** One request on its own connection; null when the server answered nothing before the wait ran out. */
function sendRaw(url: URL, req: FuzzRequest): Promise<Answer | null> {
  return new Promise((resolve) => {
    const socket = connect(Number(url.port), url.hostname);
    const received: Buffer[] = [];
    const finish = () => { clearTimeout(timer); socket.destroy(); resolve(parseRaw(Buffer.concat(received))); };
    // A body shorter than its content-length leaves the server waiting; 300 ms is plenty locally.
    const timer = setTimeout(finish, req.transport === "cl-long" ? 300 : 10_000);
    socket.on("data", (d) => received.push(d));
    socket.on("close", finish);
    socket.on("error", () => undefined);
    socket.on("connect", async () => {
      for (const chunk of rawRequest(req)) {
        if (socket.destroyed) return;
        socket.write(chunk);
        if (req.transport === "split" || req.transport === "chunked") await new Promise((r) => setImmediate(r));
      }
    });
  });
}

// ---- the run --------------------------------------------------------------------------------

interface Failure {
  readonly cls: string;
  readonly req: FuzzRequest;
  readonly answer: Answer | null;
}

function describe(f: Failure): string {
  const { req, answer } = f;
  const body = req.body ?? new Uint8Array(0);
  const text = Buffer.from(body.subarray(0, 300)).toString("utf8");
  const printable = /^[\x20-\x7e\s\u00a0-\uffff]*$/.test(text) && !text.includes("\ufffd") ? JSON.stringify(text) : `hex ${Buffer.from(body.subarray(0, 120)).toString("hex")}`;
  return [
    `  [${f.cls}] FUZZ_SEED=${SEED} FUZZ_ONLY=${req.index} (${req.transport}; ${req.mutations.join(", ") || "no mutation"})`,
    `    ${req.method} ${req.path.slice(0, 200)}  headers ${JSON.stringify(req.headers)}`,
    `    body ${body.length} bytes: ${printable}${body.length > 300 ? " …" : ""}`,
    `    answered ${answer ? `${answer.status} ${answer.headers.get("content-type") ?? ""} ${answer.text.slice(0, 200)}` : "nothing"}`,
  ].join("\n");
}

function report(failures: readonly Failure[], sent: number): string {
  const byClass = new Map<string, Failure[]>();
  for (const f of failures) byClass.set(f.cls, [...(byClass.get(f.cls) ?? []), f]);
  const lines = [`${failures.length} problems in ${sent} requests, seed ${SEED}; smallest request of each class:`];
  for (const [cls, list] of byClass) {
    const smallest = list.reduce((a, b) => ((a.req.body?.length ?? 0) <= (b.req.body?.length ?? 0) ? a : b));
    lines.push(`${list.length}× ${cls}`, describe(smallest));
  }
  return lines.join("\n");
}

/** Sends each request alone so the stream growth is attributable to it. */
/** Answers by status over the whole run, printed so a run that only ever hit one branch shows. */
const statuses = new Map<string, number>();

async function run(env: WebTestEnv, indexes: readonly number[], send: (req: FuzzRequest) => Promise<Answer | null>): Promise<Failure[]> {
  const failures: Failure[] = [];
  let before = await storedCount(env);
  for (const index of indexes) {
    const req = buildRequest(index);
    const answer = await send(req);
    const after = await storedCount(env);
    const status = String(answer?.status ?? "none");
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
    const delta = after - before;
    before = after;
    if (answer === null) {
      // Only a body that never completes, or broken framing Node refuses by hanging up, may go unanswered.
      if (!["cl-long", "bad-chunked"].includes(req.transport)) failures.push({ cls: `${req.family} ${req.transport}: no answer`, req, answer });
      else if (delta !== 0) failures.push({ cls: `unanswered request appended ${delta}`, req, answer });
      continue;
    }
    // Node's own parser answers broken framing before the app sees it (no app security headers).
    const fromParser = !answer.headers.has("strict-transport-security");
    // With cl-short the declared prefix may itself be a valid request the app accepts while Node
    // refuses the leftover bytes (and the client sees only that refusal), so appends are bounded, not zero.
    const allowed = req.transport === "cl-short" ? (req.items ?? 1) : 0;
    const problems = fromParser && req.transport !== "plain"
      ? (answer.status >= 500 || delta > allowed ? [`framing answer ${answer.status}, appended ${delta}`] : [])
      : checkAnswer(req, answer, delta);
    const route = req.family === "unknown" ? "unknown path" : req.path.split("?")[0];
    for (const p of problems) failures.push({ cls: `${route}: ${p}`, req, answer });
  }
  return failures;
}

const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

const S = suite<{ env: WebTestEnv; server: HttpServer }>("endpoint fuzz");

S.before(async (ctx) => {
  ctx.env = await createWebTestEnv("endpoint-fuzz", { ADMIN_TOKEN: TOKEN });
  await ctx.env.pool.query(
    `INSERT INTO api_key (valid_key, maxreq, allow_fallback, allow_locate, allow_region, store_sample_locate, store_sample_submit)
     VALUES ('test', 0, 0, 1, 1, 100, 100), ('nolocate', 0, 0, 0, 1, 100, 100), ('noregion', 0, 0, 1, 0, 100, 100)`,
  );
  ctx.server = await startHttpServer(ctx.env.app, { host: "127.0.0.1", port: 0, log: ctx.env.log });
});
S.after(async (ctx) => {
  await ctx.server.close();
  await ctx.env.close();
});

S(`${IN_PROCESS} generated requests in-process and ${OVER_SOCKET} raw ones over a socket meet the API contract`, async ({ env, server }) => {
  const started = Date.now();
  const url = new URL(server.url);
  const failures = ONLY === null
    ? [...await run(env, range(0, IN_PROCESS), (req) => sendInProcess(env, req)), ...await run(env, range(SOCKET_BASE, OVER_SOCKET), (req) => sendRaw(url, req))]
    : await run(env, [ONLY], (req) => (ONLY >= SOCKET_BASE ? sendRaw(url, req) : sendInProcess(env, req)));
  const histogram = [...statuses].sort().map(([k, n]) => `${k}×${n}`).join(" ");
  console.log(`endpoint fuzz: seed ${SEED}, ${failures.length} problems, ${((Date.now() - started) / 1000).toFixed(1)} s; answers ${histogram}`);
  if (failures.length > 0) assert.unreachable(report(failures, ONLY === null ? IN_PROCESS + OVER_SOCKET : 1));
});

S("afterwards the server is up, stores a valid submission, and every stored report has a network", async ({ env, server }) => {
  const lb = await fetch(new URL("/__lbheartbeat__", server.url));
  assert.is(lb.status, 200);
  assert.equal(await lb.json(), { status: "OK" });
  const before = await storedCount(env);
  const body = JSON.stringify({ items: [{ position: { latitude: 51.5, longitude: -0.1 }, wifiAccessPoints: [{ macAddress: "a82066fa0001" }] }] });
  const res = await fetch(new URL("/v2/geosubmit", server.url), { method: "POST", body, headers: { "content-type": "application/json" } });
  assert.is(res.status, 200);
  assert.is(await storedCount(env), before + 1);
  for (const entry of await storedEntries(env)) {
    const r = entry.report;
    const networks = (r.wifiAccessPoints?.length ?? 0) + (r.cellTowers?.length ?? 0) + (r.bluetoothBeacons?.length ?? 0);
    assert.ok(networks > 0, `a stored report without networks (seed ${SEED}): ${JSON.stringify(r).slice(0, 300)}`);
    assert.ok(r.timestamp > 1e12 && r.timestamp < 1e13, `timestamp ${r.timestamp} (seed ${SEED})`);
  }
});

S.run();
