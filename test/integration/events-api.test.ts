import { suite } from "uvu";
import * as assert from "uvu/assert";
import { createAppender } from "../../src/stream/append.ts";
import { compareEntryIds } from "../../src/stream/entry-id.ts";
import { createWebTestEnv, type WebTestEnv } from "../support/web-setup.ts";

const TOKEN = "operator-secret-token";
const S = suite<{ env: WebTestEnv; closed: WebTestEnv }>("events API");

interface Page {
  events: { cursor: string; id: string; partition: number; data: { report: { timestamp: number } } }[];
  next: string | null;
  more: boolean;
}

S.before(async (ctx) => {
  ctx.env = await createWebTestEnv("events", { ADMIN_TOKEN: TOKEN });
  ctx.closed = await createWebTestEnv("events-off");
});
S.after(async (ctx) => {
  await ctx.env.close();
  await ctx.closed.close();
});

const auth = { authorization: `Bearer ${TOKEN}` };
async function page(env: WebTestEnv, query: string): Promise<Page> {
  const res = await env.app.request(`/v1/events${query}`, { headers: auth });
  assert.is(res.status, 200, await res.clone().text());
  return (await res.json()) as Page;
}

async function submit(env: WebTestEnv, n: number, offset = 0) {
  const items = Array.from({ length: n }, (_, i) => ({
    timestamp: 1_700_000_000_000 + offset + i, position: { latitude: 50 + (i % 10), longitude: 4 }, wifiAccessPoints: [{ macAddress: `a8206600${String(offset + i).padStart(4, "0")}` }],
  }));
  const res = await env.app.request("/v2/geosubmit", { method: "POST", body: JSON.stringify({ items }) });
  assert.is(res.status, 200);
}

S("without ADMIN_TOKEN the feed does not exist (404)", async ({ closed }) => {
  const res = await closed.app.request("/v1/events", { headers: auth });
  assert.is(res.status, 404);
  assert.match(await res.text(), /404 Not Found/);
});

S("a missing or wrong bearer token is 401 with the error envelope", async ({ env }) => {
  for (const headers of [{}, { authorization: "Bearer wrong" }, { authorization: `Basic ${TOKEN}` }] as Record<string, string>[]) {
    const res = await env.app.request("/v1/events", { headers });
    assert.is(res.status, 401);
    assert.match(res.headers.get("www-authenticate") ?? "", /^Bearer/);
    const body = (await res.json()) as { error: { errors: { reason: string }[] } };
    assert.is(body.error.errors[0]!.reason, "unauthorized");
  }
});

S("pages through every partition in entry order with a cursor, each entry once", async ({ env }) => {
  await submit(env, 250);
  await new Promise((r) => setTimeout(r, 5)); // past the current millisecond
  const seen: Page["events"] = [];
  let cursor = "";
  const sizes: number[] = [];
  for (;;) {
    const p = await page(env, `?limit=100${cursor ? `&after=${cursor}` : ""}`);
    sizes.push(p.events.length);
    seen.push(...p.events);
    cursor = p.next ?? cursor;
    if (!p.more) break;
  }
  assert.equal(sizes, [100, 100, 50]);
  assert.is(new Set(seen.map((e) => e.cursor)).size, 250);
  assert.equal(new Set(seen.map((e) => e.data.report.timestamp)).size, 250);
  assert.equal(new Set(seen.map((e) => e.partition)), new Set([0, 1]), "both partitions");
  const sorted = [...seen].sort((a, b) => compareEntryIds(a.id, b.id) || a.partition - b.partition);
  assert.equal(seen.map((e) => e.cursor), sorted.map((e) => e.cursor), "entry order");
  const empty = await page(env, `?after=${cursor}`);
  assert.equal([empty.events.length, empty.next, empty.more], [0, cursor, false], "an empty page returns the same cursor");
});

S("paging while entries keep arriving misses nothing and repeats nothing", async ({ env }) => {
  await env.redis.del(...env.keys.reportStreams());
  const appender = createAppender(env.redis, env.keys);
  const streams = env.keys.reportStreams();
  let appended = 0;
  const writing = (async () => {
    for (let i = 0; i < 60; i++) {
      await appender.appendMany(streams.map((s) => ({ stream: s, payloads: [{ report: { timestamp: appended } }, { report: { timestamp: appended + 1 } }] })));
      appended += 2 * streams.length;
    }
  })();
  const seen = new Set<string>();
  let cursor = "";
  let done = false;
  void writing.then(() => { done = true; });
  for (let rounds = 0; rounds < 10_000; rounds++) {
    const p = await page(env, `?limit=7${cursor ? `&after=${cursor}` : ""}`);
    for (const e of p.events) {
      assert.not.ok(seen.has(e.cursor), `seen twice: ${e.cursor}`);
      seen.add(e.cursor);
    }
    cursor = p.next ?? cursor;
    if (done && !p.more && seen.size === appended) break;
  }
  await writing;
  assert.is(seen.size, appended);
});

S("limit is capped at 1000; bad limits and cursors are 400", async ({ env }) => {
  await submit(env, 600, 10_000);
  await submit(env, 600, 20_000);
  await new Promise((r) => setTimeout(r, 5));
  assert.is((await page(env, "?limit=5000")).events.length, 1000);
  for (const q of ["?limit=abc", "?limit=0", "?after=yesterday", "?after=1-0.9"]) {
    const res = await env.app.request(`/v1/events${q}`, { headers: auth });
    assert.is(res.status, 400, q);
  }
});

S.run();
