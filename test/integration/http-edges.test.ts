/**
 * What a client sees on the wire from the real listener (h3 + srvx's Node adapter), read over a
 * raw socket: reason phrases in status lines, CORS headers on API 405s, and the request and
 * keep-alive time limits (REQUEST_TIMEOUT, IDLE_TIMEOUT), in-process and in `ichnos web`.
 */
import { connect, type Socket } from "node:net";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { createWebApp } from "../../src/api/app.ts";
import type { HeartbeatChecks } from "../../src/api/heartbeat.ts";
import { type HttpServer, startHttpServer } from "../../src/api/serve.ts";
import { startCli } from "../support/cli-process.ts";
import { createTestDatabase, redisUrl, uniquePrefix } from "../support/infra.ts";
import { createWebTestEnv, storedCount, type WebTestEnv } from "../support/web-setup.ts";

const TOKEN = "operator-secret-token";
const S = suite<{ env: WebTestEnv; server: HttpServer; broken: HttpServer }>("HTTP edges on the real listener");

const brokenChecks: HeartbeatChecks = {
  database: async () => { throw new Error("database down"); },
  redis: async () => { throw new Error("redis down"); },
  geoip: () => ({ up: false, buildTime: null }),
};

S.before(async (ctx) => {
  ctx.env = await createWebTestEnv("http-edges", { ADMIN_TOKEN: TOKEN, MAX_BODY_BYTES: "1KiB", REQUEST_TIMEOUT: "1s", IDLE_TIMEOUT: "1s" });
  const { config } = ctx.env.services;
  ctx.server = await startHttpServer(ctx.env.app, {
    host: "127.0.0.1", port: 0, log: ctx.env.log, requestTimeoutMs: config.requestTimeoutMs, idleTimeoutMs: config.idleTimeoutMs,
  });
  const brokenApp = createWebApp({ log: ctx.env.log, checks: brokenChecks });
  // Statuses no route answers today, from routes of this test: the status line must still be whole.
  brokenApp.get("/test/too-many", () => new Response(null, { status: 429 }));
  brokenApp.get("/test/throws", () => {
    throw new Error("a bug in a handler");
  });
  ctx.broken = await startHttpServer(brokenApp, { host: "127.0.0.1", port: 0, log: ctx.env.log });
  await ctx.env.pool.query(
    `INSERT INTO api_key (valid_key, maxreq, allow_fallback, allow_locate, allow_region, store_sample_locate, store_sample_submit)
     VALUES ('edge-limited', 1, 0, 1, 1, 100, 100), ('edge-open', 0, 0, 1, 1, 100, 100)`,
  );
});
S.after(async (ctx) => {
  await ctx.server.close();
  await ctx.broken.close();
  await ctx.env.close();
});

function open(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => resolve(socket));
    socket.once("error", reject);
  });
}

interface Closed {
  readonly data: string;
  /** Milliseconds from the call until the server closed the connection; null if it did not. */
  readonly afterMs: number | null;
}

/** Everything the server sends until it closes the connection, or until `deadlineMs` passes. */
function untilClosed(socket: Socket, deadlineMs: number): Promise<Closed> {
  const started = performance.now();
  return new Promise((resolve) => {
    let data = "";
    socket.on("data", (chunk) => { data += chunk; });
    // Writes racing the server's close fail with EPIPE/ECONNRESET; the close is what counts.
    socket.on("error", () => undefined);
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ data, afterMs: null });
    }, deadlineMs);
    socket.once("close", () => {
      clearTimeout(timer);
      resolve({ data, afterMs: performance.now() - started });
    });
  });
}

/** Resolves with the response head (status line and headers) once it has arrived. */
function readHead(socket: Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = "";
    const onData = (chunk: Buffer) => {
      data += chunk;
      const end = data.indexOf("\r\n\r\n");
      if (end < 0) return;
      socket.off("data", onData);
      resolve(data.slice(0, end));
    };
    socket.on("data", onData);
    socket.once("close", () => reject(new Error(`closed before a response head: ${JSON.stringify(data)}`)));
  });
}

async function exchange(url: string, request: string): Promise<string> {
  const socket = await open(url);
  const closed = untilClosed(socket, 5000);
  socket.write(request);
  const { data } = await closed;
  return data.split("\r\n\r\n")[0] ?? "";
}

function request(method: string, path: string, body = "", headers: Record<string, string> = {}): string {
  const lines = [`${method} ${path} HTTP/1.1`, "Host: ichnos.test", "Connection: close", `Content-Length: ${Buffer.byteLength(body)}`];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  return `${lines.join("\r\n")}\r\n\r\n${body}`;
}

const V0_REPORT = JSON.stringify({ items: [{ lat: 51.5, lon: -0.1, wifi: [{ key: "a82066000001" }] }] });

S("every status line carries its reason phrase", async ({ server, broken }) => {
  const cases: [string, string, string][] = [
    [server.url, request("GET", "/__lbheartbeat__"), "200 OK"],
    [server.url, request("OPTIONS", "/v2/geosubmit"), "200 OK"],
    [server.url, request("POST", "/v1/submit?key=edge-limited", V0_REPORT, { "content-type": "application/json" }), "204 No Content"],
    [server.url, request("POST", "/v1/submit?key=edge-limited", V0_REPORT, { "content-type": "application/json" }), "403 Forbidden"],
    [server.url, request("POST", "/v2/geosubmit", "{"), "400 Bad Request"],
    [server.url, request("GET", "/v1/events"), "401 Unauthorized"],
    [server.url, request("POST", "/v1/country?key=edge-open", "{}"), "404 Not Found"],
    [server.url, request("GET", "/no/such/page"), "404 Not Found"],
    [server.url, request("PUT", "/v2/geosubmit"), "405 Method Not Allowed"],
    [server.url, request("DELETE", "/__heartbeat__"), "405 Method Not Allowed"],
    [server.url, request("POST", "/v2/geosubmit", "x".repeat(2000)), "413 Payload Too Large"],
    [broken.url, request("GET", "/__heartbeat__"), "503 Service Unavailable"],
    [broken.url, request("GET", "/test/too-many"), "429 Too Many Requests"],
    [broken.url, request("GET", "/test/throws"), "500 Internal Server Error"],
    [server.url, request("GET", "/robots.txt"), "200 OK"],
    [server.url, request("GET", "/static/no-such-file.css"), "404 Not Found"],
  ];
  for (const [url, raw, expected] of cases) {
    const head = await exchange(url, raw);
    assert.is(head.split("\r\n")[0], `HTTP/1.1 ${expected}`, raw.split("\r\n")[0]);
  }
});

S("405 on an API route carries the CORS headers; on a monitor route it does not", async ({ server }) => {
  for (const path of ["/v2/geosubmit", "/v1/geosubmit", "/v1/submit", "/v1/geolocate", "/v1/country"]) {
    const head = (await exchange(server.url, request("PATCH", path))).toLowerCase();
    assert.match(head, /^http\/1\.1 405 /, path);
    assert.match(head, /\r\naccess-control-allow-origin: \*\r\n/, path);
    assert.match(head, /\r\naccess-control-max-age: 2592000\r\n/, path);
    assert.match(head, /\r\nallow: get, head, post, options\r\n/, path);
  }
  const monitor = (await exchange(server.url, request("PUT", "/__lbheartbeat__"))).toLowerCase();
  assert.match(monitor, /^http\/1\.1 405 /);
  assert.not.match(monitor, /access-control-/);
});

S("the CORS preflight on the wire: 200 with the four CORS headers and an empty body", async ({ server }) => {
  for (const path of ["/v2/geosubmit", "/v1/geosubmit", "/v1/submit", "/v1/geolocate", "/v1/country"]) {
    const raw = request("OPTIONS", path, "", { Origin: "https://page.example", "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type" });
    const socket = await open(server.url);
    const closed = untilClosed(socket, 5000);
    socket.write(raw);
    const [rawHead = "", body] = (await closed).data.split("\r\n\r\n");
    const head = rawHead.toLowerCase();
    assert.match(head, /^http\/1\.1 200 ok\r\n/, path);
    const cors = head.split("\r\n").filter((line) => line.startsWith("access-control-")).sort();
    assert.equal(cors, [
      "access-control-allow-headers: content-type",
      "access-control-allow-methods: get, head, post, options",
      "access-control-allow-origin: *",
      "access-control-max-age: 2592000",
    ], path);
    // An empty body, whether framed by `content-length: 0` or as one empty chunk.
    assert.ok(body === "" || body === "0", `${path}: body ${JSON.stringify(body)}`);
  }
});

S("a body dribbled slower than REQUEST_TIMEOUT is cut off after about that long, and nothing is stored", async ({ env, server }) => {
  const before = await storedCount(env);
  const socket = await open(server.url);
  const closed = untilClosed(socket, 8000);
  socket.write(["POST /v2/geosubmit HTTP/1.1", "Host: ichnos.test", "Content-Type: application/json", "Content-Length: 900", "", ""].join("\r\n"));
  socket.write(V0_REPORT.slice(0, 20));
  const dribble = setInterval(() => { if (!socket.destroyed) socket.write(" "); }, 150);
  const { data, afterMs } = await closed;
  clearInterval(dribble);
  assert.ok(afterMs !== null, "the server closed the connection");
  assert.ok(afterMs >= 800 && afterMs <= 4000, `closed after ${Math.round(afterMs)} ms`);
  assert.ok(data === "" || data.startsWith("HTTP/1.1 408 "), `answer: ${JSON.stringify(data)}`);
  assert.is(await storedCount(env), before);
});

S("headers sent slower than REQUEST_TIMEOUT are cut off too", async ({ server }) => {
  const socket = await open(server.url);
  const closed = untilClosed(socket, 8000);
  socket.write("GET /__lbheartbeat__ HTTP/1.1\r\nHost: ichnos.test\r\n");
  const dribble = setInterval(() => { if (!socket.destroyed) socket.write("X-Slow: 1\r\n"); }, 150);
  const { afterMs } = await closed;
  clearInterval(dribble);
  assert.ok(afterMs !== null && afterMs >= 800 && afterMs <= 4000, `closed after ${afterMs && Math.round(afterMs)} ms`);
});

S("an idle keep-alive connection is closed after IDLE_TIMEOUT", async ({ server }) => {
  const socket = await open(server.url);
  const head = readHead(socket);
  socket.write("GET /__lbheartbeat__ HTTP/1.1\r\nHost: ichnos.test\r\n\r\n");
  assert.match(await head, /^HTTP\/1\.1 200 /);
  const { afterMs } = await untilClosed(socket, 8000);
  assert.ok(afterMs !== null && afterMs >= 700 && afterMs <= 3000, `closed after ${afterMs && Math.round(afterMs)} ms`);
});

S("a keep-alive connection in use is not cut by IDLE_TIMEOUT", async ({ server }) => {
  const socket = await open(server.url);
  const closed = untilClosed(socket, 8000);
  for (let i = 0; i < 4; i++) {
    const head = readHead(socket);
    socket.write("GET /__lbheartbeat__ HTTP/1.1\r\nHost: ichnos.test\r\n\r\n");
    assert.match(await head, /^HTTP\/1\.1 200 /, `request ${i + 1}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  socket.destroy();
  await closed;
});

S.run();

const Web = suite("ichnos web applies REQUEST_TIMEOUT and IDLE_TIMEOUT");

Web("the web process closes idle and slow connections at the configured limits", async () => {
  const db = await createTestDatabase("http-edges-web");
  const prefix = uniquePrefix("http-edges-web");
  const proc = startCli(["web"], {
    DATABASE_URL: db.url, REDIS_URL: await redisUrl(), REDIS_PREFIX: prefix, PORT: "0", HOST: "127.0.0.1", REQUEST_TIMEOUT: "1s", IDLE_TIMEOUT: "1s",
  });
  try {
    const [, url] = (await proc.waitForLog(/"url":"(http:\/\/[^"]+)","msg":"http server listening"/))!;
    const idle = await open(url!);
    const head = readHead(idle);
    idle.write("GET /__lbheartbeat__ HTTP/1.1\r\nHost: ichnos.test\r\n\r\n");
    assert.match(await head, /^HTTP\/1\.1 200 /);
    const idleClosed = await untilClosed(idle, 8000);
    assert.ok(idleClosed.afterMs !== null && idleClosed.afterMs <= 3000, `idle closed after ${idleClosed.afterMs}`);

    const slow = await open(url!);
    const slowClosed = untilClosed(slow, 8000);
    slow.write("POST /v2/geosubmit HTTP/1.1\r\nHost: ichnos.test\r\nContent-Length: 900\r\n\r\n{");
    const dribble = setInterval(() => { if (!slow.destroyed) slow.write(" "); }, 150);
    const { afterMs } = await slowClosed;
    clearInterval(dribble);
    assert.ok(afterMs !== null && afterMs >= 800 && afterMs <= 4000, `slow upload closed after ${afterMs && Math.round(afterMs)} ms`);
  } finally {
    await proc.stop();
    await db.drop();
  }
});

Web.run();
