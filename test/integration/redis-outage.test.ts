/**
 * A Redis outage seen by clients of the web API ("When Redis is down"): with REDIS_TIMEOUT=500ms
 * a submit is answered 503 and a locate answers without Redis, each well within that bound and
 * without growing from one request to the next, whether redis-server died (connections refused)
 * or froze (SIGSTOP: connections stay open and nothing answers). A request answered 503 never
 * reaches the stream later, and submits are stored again soon after Redis returns.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { createOutageWebEnv, type OutageWebEnv } from "../support/outage-web-setup.ts";
import { startPrivateRedis, type PrivateRedis } from "../support/private-redis.ts";

interface Ctx { redis: PrivateRedis; env: OutageWebEnv }
const S = suite<Ctx>("Redis outage: fast answers, no late writes");

const BOUND_MS = 2500;
let serial = 0;

/** A geosubmit whose one Wi-Fi MAC identifies it in the stream. */
function marked(): { mac: string; body: string } {
  serial += 1;
  const mac = `a8206${String(serial).padStart(7, "0")}`;
  const body = { items: [{ timestamp: Date.now(), position: { latitude: 51.5, longitude: -0.1 }, wifiAccessPoints: [{ macAddress: mac }] }] };
  return { mac, body: JSON.stringify(body) };
}

async function timed(env: OutageWebEnv, path: string, body: string): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  const res = await env.app.request(path, { method: "POST", body, headers: { "content-type": "application/json" } });
  await res.arrayBuffer();
  return { status: res.status, ms: Math.round(performance.now() - started) };
}

const locateBody = JSON.stringify({ wifiAccessPoints: [{ macAddress: "a82066ff0001" }, { macAddress: "a82066ff0002" }], considerIp: false });

/** Submits and locates during the outage: each answered in time, the submits 503. */
async function duringOutage(env: OutageWebEnv, what: string): Promise<string[]> {
  const refused: string[] = [];
  for (let i = 0; i < 4; i++) {
    const { mac, body } = marked();
    const submit = await timed(env, "/v2/geosubmit", body);
    assert.is(submit.status, 503, `${what}: submit ${i + 1}`);
    assert.ok(submit.ms < BOUND_MS, `${what}: submit ${i + 1} took ${submit.ms} ms`);
    refused.push(mac);
    const locate = await timed(env, `/v1/geolocate?key=${i % 2 ? "limited" : "test"}`, locateBody);
    assert.ok(locate.status === 200 || locate.status === 404, `${what}: locate ${i + 1} answered ${locate.status}`);
    assert.ok(locate.ms < BOUND_MS, `${what}: locate ${i + 1} took ${locate.ms} ms`);
  }
  // Several at once, as a busy web process sees them: none waits behind another.
  const batch = Array.from({ length: 5 }, () => marked());
  const started = performance.now();
  const answers = await Promise.all(batch.map((m) => timed(env, "/v2/geosubmit", m.body)));
  assert.equal(answers.map((a) => a.status), [503, 503, 503, 503, 503], `${what}: concurrent submits`);
  assert.ok(performance.now() - started < BOUND_MS, `${what}: concurrent submits took ${Math.round(performance.now() - started)} ms`);
  refused.push(...batch.map((m) => m.mac));
  return refused;
}

/** After Redis returns, a new submit is stored within a few seconds (the client reconnected). */
async function storedAgain(env: OutageWebEnv, what: string): Promise<string> {
  const deadline = Date.now() + 8000;
  for (;;) {
    const { mac, body } = marked();
    const res = await timed(env, "/v2/geosubmit", body);
    if (res.status === 200) return mac;
    assert.is(res.status, 503, `${what}: while reconnecting`);
    if (Date.now() > deadline) assert.unreachable(`${what}: submits still refused 8 s after Redis returned`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

S.before(async (ctx) => {
  ctx.redis = await startPrivateRedis();
  ctx.env = await createOutageWebEnv("redis-outage", ctx.redis.url, { REDIS_TIMEOUT: "500ms" });
  await ctx.env.services.pool.query("INSERT INTO api_key (valid_key, maxreq, allow_locate, store_sample_locate) VALUES ('test', 0, 1, 100), ('limited', 1000, 1, 100)");
});
S.after(async (ctx) => {
  await ctx.env?.close();
  await ctx.redis?.close();
});

S("the baseline: with Redis up a submit is stored", async ({ env }) => {
  const { mac, body } = marked();
  assert.is((await timed(env, "/v2/geosubmit", body)).status, 200);
  assert.ok((await env.storedText()).some((e) => e.includes(mac)));
});

S("redis-server killed: 503 and locate answers within the bound; stored again once it is back", async ({ redis, env }) => {
  await redis.kill();
  const refused = await duringOutage(env, "killed");
  await redis.start();
  const mac = await storedAgain(env, "killed");
  const stored = await env.storedText();
  assert.ok(stored.some((e) => e.includes(mac)), "the submit after the restart is in the stream");
  assert.equal(refused.filter((m) => stored.some((e) => e.includes(m))), [], "no refused submit was stored");
});

S("redis-server stopped (half-open): 503 within the bound, and nothing refused is stored after it resumes", async ({ redis, env }) => {
  const before = marked();
  assert.is((await timed(env, "/v2/geosubmit", before.body)).status, 200, "connected before the stop");
  redis.pause();
  let refused: string[];
  try {
    refused = await duringOutage(env, "stopped");
  } finally {
    redis.resume();
  }
  const mac = await storedAgain(env, "stopped");
  // Anything the stopped server still held would have run by now.
  await new Promise((r) => setTimeout(r, 500));
  const stored = await env.storedText();
  assert.ok(stored.some((e) => e.includes(before.mac)) && stored.some((e) => e.includes(mac)));
  assert.equal(refused.filter((m) => stored.some((e) => e.includes(m))), [], "no refused submit was stored after the resume");
});

S.run();
