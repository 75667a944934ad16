import { createGzip } from "node:zlib";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { startHttpServer, type HttpServer } from "../../src/api/serve.ts";
import { createWebTestEnv, storedCount, type WebTestEnv } from "../support/web-setup.ts";

const S = suite<{ env: WebTestEnv; server: HttpServer }>("submit limits and malformed input");
const GOOD = JSON.stringify({ items: [{ position: { latitude: 1, longitude: 2 }, wifiAccessPoints: [{ macAddress: "a82066000001" }] }] });

S.before(async (ctx) => {
  ctx.env = await createWebTestEnv("limits");
  ctx.server = await startHttpServer(ctx.env.app, { host: "127.0.0.1", port: 0, log: ctx.env.log });
});
S.after(async (ctx) => {
  await ctx.server.close();
  await ctx.env.close();
});

const url = (ctx: { server: HttpServer }, path = "/v2/geosubmit") => new URL(path, ctx.server.url);

async function expectError(res: Response, status: number, reason: string): Promise<Record<string, unknown>> {
  assert.is(res.status, status);
  const body = (await res.json()) as { error: { errors: { reason: string }[] }; details?: Record<string, unknown> };
  assert.is(body.error.errors[0]!.reason, reason);
  return body.details ?? {};
}

async function stillServing(ctx: { server: HttpServer; env: WebTestEnv }) {
  const before = await storedCount(ctx.env);
  const res = await fetch(url(ctx), { method: "POST", body: GOOD, headers: { "content-type": "application/json" } });
  assert.is(res.status, 200, "the server answers the next request");
  assert.is(await storedCount(ctx.env), before + 1);
  await ctx.env.redis.del(...ctx.env.keys.reportStreams());
}

function gzipBomb(bytes: number): Promise<Buffer> {
  return new Promise((resolve) => {
    const gz = createGzip({ level: 9 });
    const chunks: Buffer[] = [];
    gz.on("data", (c: Buffer) => chunks.push(c));
    gz.on("end", () => resolve(Buffer.concat(chunks)));
    const zeros = Buffer.alloc(1 << 20);
    let written = 0;
    const write = () => {
      while (written < bytes) {
        written += zeros.length;
        if (!gz.write(zeros)) return void gz.once("drain", write);
      }
      gz.end();
    };
    write();
  });
}

S("a gzip bomb (1 GiB of zeros) is cut off while decompressing: 413, nothing stored", async (ctx) => {
  const bomb = await gzipBomb(1024 ** 3);
  const started = Date.now();
  const res = await fetch(url(ctx), { method: "POST", body: bomb, headers: { "content-encoding": "gzip", "content-type": "application/json" } });
  await expectError(res, 413, "payloadTooLarge");
  assert.ok(Date.now() - started < 2000, `answered in ${Date.now() - started} ms, before inflating a gigabyte`);
  assert.is(await storedCount(ctx.env), 0);
  await stillServing(ctx);
});

S("a 50 MiB body is refused with 413, by its Content-Length and when streamed without one", async (ctx) => {
  const big = Buffer.alloc(50 * 1024 ** 2, 0x20);
  await expectError(await fetch(url(ctx), { method: "POST", body: big }), 413, "payloadTooLarge");
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= big.length) return controller.close();
      controller.enqueue(big.subarray(sent, sent + (1 << 20)));
      sent += 1 << 20;
    },
  });
  const res = await fetch(url(ctx), { method: "POST", body: stream, duplex: "half" } as RequestInit);
  await expectError(res, 413, "payloadTooLarge");
  assert.is(await storedCount(ctx.env), 0);
  await stillServing(ctx);
});

S("a body streamed in many small chunks over the network is read whole, for submit and locate", async (ctx) => {
  const chunked = (text: string) => {
    const bytes = Buffer.from(text);
    let at = 0;
    return new ReadableStream<Uint8Array>({
      pull(controller) {
        if (at >= bytes.length) return controller.close();
        controller.enqueue(bytes.subarray(at, at + 7));
        at += 7;
      },
    });
  };
  const submitted = await fetch(url(ctx), { method: "POST", body: chunked(GOOD), duplex: "half" } as RequestInit);
  assert.is(submitted.status, 200);
  assert.is(await storedCount(ctx.env), 1);
  await ctx.env.redis.del(...ctx.env.keys.reportStreams());
  // Locate: a JSON error names the field, so the whole body was parsed.
  await ctx.env.pool.query("INSERT IGNORE INTO api_key (valid_key, allow_locate) VALUES ('chunks', 1)");
  const located = await fetch(url(ctx, "/v1/geolocate?key=chunks"), {
    method: "POST", body: chunked(JSON.stringify({ considerIp: false, wifiAccessPoints: [{ macAddress: 12 }] })), duplex: "half",
  } as RequestInit);
  const details = await expectError(located, 400, "parseError");
  assert.ok("wifiAccessPoints.0.macAddress" in (details.validation as Record<string, string>), JSON.stringify(details));
});

S("a client that hangs up mid-body changes nothing and the server goes on serving", async (ctx) => {
  const { request } = await import("node:http");
  await new Promise<void>((resolve) => {
    const req = request(url(ctx), { method: "POST", headers: { "content-type": "application/json", "content-length": "1000" } });
    req.on("error", () => resolve());
    req.write(GOOD.slice(0, 40));
    setTimeout(() => {
      req.destroy();
      resolve();
    }, 100);
  });
  await new Promise((r) => setTimeout(r, 100));
  assert.is(await storedCount(ctx.env), 0);
  await stillServing(ctx);
});

S("invalid UTF-8 and unknown charsets are decode errors", async (ctx) => {
  const bad = Buffer.concat([Buffer.from('{"items":[{"wifiAccessPoints":[{"macAddress":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}]}]}')]);
  const d1 = await expectError(await fetch(url(ctx), { method: "POST", body: bad, headers: { "content-type": "application/json" } }), 400, "parseError");
  assert.ok("decode" in d1);
  const d2 = await expectError(await fetch(url(ctx), { method: "POST", body: GOOD, headers: { "content-type": "application/json; charset=klingon" } }), 400, "parseError");
  assert.match(String(d2.decode), /unknown charset/);
  // A declared latin-1 body is decoded as such.
  const latin = Buffer.from(JSON.stringify({ items: [{ wifiAccessPoints: [{ macAddress: "a82066000001", ssid: "café" }] }] }), "latin1");
  assert.is((await fetch(url(ctx), { method: "POST", body: latin, headers: { "content-type": "application/json; charset=iso-8859-1" } })).status, 200);
  await ctx.env.redis.del(...ctx.env.keys.reportStreams());
  await stillServing(ctx);
});

S("JSON nested 10,000 deep is a validation error where it matters and harmless where it is ignored", async (ctx) => {
  const deep = `${"[".repeat(10_000)}${"]".repeat(10_000)}`;
  const details = await expectError(await fetch(url(ctx), { method: "POST", body: `{"items":[${deep}]}` }), 400, "parseError");
  assert.ok("items.0" in (details.validation as Record<string, string>));
  const ignored = `{"items":[{"wifiAccessPoints":[{"macAddress":"a82066000001"}],"extra":${deep}}]}`;
  assert.is((await fetch(url(ctx), { method: "POST", body: ignored })).status, 200);
  await ctx.env.redis.del(...ctx.env.keys.reportStreams());
  await stillServing(ctx);
});

const WRONG_TYPES: [string, unknown, string][] = [
  ["top level is a string", "hello", ""],
  ["items is a string", { items: "many" }, "items"],
  ["an item is a number", { items: [7] }, "items.0"],
  ["position is a string", { items: [{ position: "here", wifiAccessPoints: [{ macAddress: "a82066000001" }] }] }, "items.0.position"],
  ["latitude is a word", { items: [{ position: { latitude: "north" }, wifiAccessPoints: [{ macAddress: "a82066000001" }] }] }, "items.0.position.latitude"],
  ["wifiAccessPoints is an object", { items: [{ wifiAccessPoints: { macAddress: "a82066000001" } }] }, "items.0.wifiAccessPoints"],
  ["a wifi entry is a string", { items: [{ wifiAccessPoints: ["a82066000001"] }] }, "items.0.wifiAccessPoints.0"],
  ["macAddress is a number", { items: [{ wifiAccessPoints: [{ macAddress: 10 }] }] }, "items.0.wifiAccessPoints.0.macAddress"],
  ["cellId is a word", { items: [{ cellTowers: [{ radioType: "gsm", cellId: "abc" }] }] }, "items.0.cellTowers.0.cellId"],
  ["timestamp is an object", { items: [{ timestamp: { ms: 1 }, cellTowers: [{ cellId: 1 }] }] }, "items.0.timestamp"],
];

for (const [what, body, path] of WRONG_TYPES) {
  S(`wrong type (${what}) is a 400 naming ${path || "the root"}, and nothing is stored`, async (ctx) => {
    const details = await expectError(await fetch(url(ctx), { method: "POST", body: JSON.stringify(body) }), 400, "parseError");
    assert.ok(path in (details.validation as Record<string, string>), JSON.stringify(details));
    assert.is(await storedCount(ctx.env), 0);
  });
}

S("100,000 items are refused with a 400 that says the limit", async (ctx) => {
  const items = Array.from({ length: 100_000 }, () => ({ wifiAccessPoints: [{ macAddress: "a82066000001" }] }));
  const details = await expectError(await fetch(url(ctx), { method: "POST", body: JSON.stringify({ items }) }), 400, "parseError");
  assert.match((details.validation as Record<string, string>).items ?? "", /At most 1000 reports per request/);
  assert.is(await storedCount(ctx.env), 0);
  await stillServing(ctx);
});

S.run();
