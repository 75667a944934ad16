import { suite } from "uvu";
import * as assert from "uvu/assert";
import { createAppender } from "../../src/stream/append.ts";
import { compareEntryIds } from "../../src/stream/entry-id.ts";
import { createWebTestEnv, type WebTestEnv } from "../support/web-setup.ts";

const TOKEN = "operator-secret-token";
const S = suite<{ env: WebTestEnv; closed: WebTestEnv; small: WebTestEnv }>("events API");

interface Page {
  events: { cursor: string; id: string; partition: number; data: { report: { timestamp: number } } }[];
  next: string | null;
  more: boolean;
}

S.before(async (ctx) => {
  ctx.env = await createWebTestEnv("events", { ADMIN_TOKEN: TOKEN });
  ctx.closed = await createWebTestEnv("events-off");
  ctx.small = await createWebTestEnv("events-bytes", { ADMIN_TOKEN: TOKEN, EVENTS_PAGE_BYTES: "64KiB" });
});
S.after(async (ctx) => {
  await ctx.env.close();
  await ctx.closed.close();
  await ctx.small.close();
});

const auth = { authorization: `Bearer ${TOKEN}` };
async function page(env: WebTestEnv, query: string): Promise<Page> {
  const res = await env.app.request(`/v1/events${query}`, { headers: auth });
  assert.is(res.status, 200, await res.clone().text());
  return (await res.json()) as Page;
}

async function submit(env: WebTestEnv, n: number, offset = 0) {
  const items = Array.from({ length: n }, (_, i) => ({
    timestamp: 1_700_000_000_000 + offset + i, position: { latitude: 50 + (i % 10), longitude: 4 }, wifiAccessPoints: [{ macAddress: `a82066${(offset + i).toString(16).padStart(6, "0")}` }],
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

S("cursors outside Redis's two unsigned 64-bit parts are 400 with details.validation.after, not 503", async ({ env }) => {
  const bad = [
    "99999999999999999999-0", "18446744073709551616-0", "1-18446744073709551616", "1-99999999999999999999999",
    "18446744073709551616-0.0", "01-0", "1-00", "-1-0", "1e3-0", "1-",
  ];
  for (const after of bad) {
    const res = await env.app.request(`/v1/events?after=${encodeURIComponent(after)}`, { headers: auth });
    assert.is(res.status, 400, after);
    const body = (await res.json()) as { error: { errors: { reason: string }[] }; details?: { validation?: Record<string, string> } };
    assert.is(body.error.errors[0]!.reason, "parseError", after);
    assert.type(body.details?.validation?.after, "string", after);
  }
});

S("the greatest possible cursor is an empty page that keeps the cursor", async ({ env }) => {
  const max = "18446744073709551615-18446744073709551615";
  for (const after of [max, `${max}.0`, `${max}.1`, "18446744073709551615-0.0"]) {
    const p = await page(env, `?after=${after}`);
    assert.equal([p.events.length, p.next, p.more], [0, after.includes(".") ? after : `${max}.1`, false], after);
  }
});

/** Entry payloads of about `kib` KiB each, appended straight to the streams. */
async function appendSized(env: WebTestEnv, sizesKib: readonly number[]): Promise<void> {
  const appender = createAppender(env.redis, env.keys);
  const streams = env.keys.reportStreams();
  for (const [i, kib] of sizesKib.entries()) {
    await appender.append(streams[i % streams.length]!, [{ report: { timestamp: i }, pad: "x".repeat(kib * 1024) }]);
  }
  await new Promise((r) => setTimeout(r, 5));
}

S("pages hold at most EVENTS_PAGE_BYTES of entries; one larger entry comes alone; nothing is skipped", async ({ small }) => {
  const sizes = [20, 20, 20, 20, 200, 1, 1, 30, 30, 30, 90, 5, 5, 5, 5];
  await appendSized(small, sizes);
  const seen: number[] = [];
  const order: Page["events"] = [];
  const pages: number[][] = [];
  let cursor = "";
  for (let rounds = 0; rounds < 100; rounds++) {
    const p = await page(small, `?limit=1000${cursor ? `&after=${cursor}` : ""}`);
    const timestamps = p.events.map((e) => e.data.report.timestamp);
    pages.push(timestamps);
    seen.push(...timestamps);
    order.push(...p.events);
    const kib = timestamps.reduce((sum, t) => sum + sizes[t]!, 0);
    assert.ok(timestamps.length === 1 || kib < 64, `page ${JSON.stringify(timestamps)} holds ${kib} KiB`);
    assert.ok(timestamps.length > 0, "every page moves the cursor");
    cursor = p.next ?? cursor;
    if (!p.more) break;
  }
  assert.equal([...seen].sort((a, b) => a - b), sizes.map((_, i) => i), "each entry exactly once");
  const sorted = [...order].sort((a, b) => compareEntryIds(a.id, b.id) || a.partition - b.partition);
  assert.equal(order.map((e) => e.cursor), sorted.map((e) => e.cursor), "entry order across pages");
  assert.ok(pages.some((p) => p.length === 1 && sizes[p[0]!] === 200), "the 200 KiB entry is a page of its own");
  assert.ok(pages.length >= 5, `${pages.length} pages`);
  const last = await page(small, `?after=${cursor}`);
  assert.equal([last.events.length, last.next, last.more], [0, cursor, false]);
});

S("a partition stopped early by large entries is not overtaken by another partition's small ones", async ({ small }) => {
  await small.redis.del(...small.keys.reportStreams());
  // Partition 0 gets the even entries (40 KiB), partition 1 the odd ones (1 KiB), interleaved in time.
  const sizes = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? 40 : 1));
  await appendSized(small, sizes);
  const seen: Page["events"] = [];
  let cursor = "";
  for (let rounds = 0; rounds < 100; rounds++) {
    const p = await page(small, `?limit=1000${cursor ? `&after=${cursor}` : ""}`);
    seen.push(...p.events);
    cursor = p.next ?? cursor;
    if (!p.more) break;
  }
  assert.equal(seen.map((e) => e.data.report.timestamp).sort((a, b) => a - b), sizes.map((_, i) => i), "every entry once");
  const sorted = [...seen].sort((a, b) => compareEntryIds(a.id, b.id) || a.partition - b.partition);
  assert.equal(seen.map((e) => e.cursor), sorted.map((e) => e.cursor), "in entry order");
});

S("a page cut by bytes says more, and the count limit still applies", async ({ small }) => {
  await small.redis.del(...small.keys.reportStreams());
  await appendSized(small, Array.from({ length: 12 }, () => 10));
  const first = await page(small, "?limit=100");
  assert.is(first.events.length, 6, "six 10 KiB entries fit in 64 KiB, a seventh would not");
  assert.is(first.more, true);
  const second = await page(small, `?limit=4&after=${first.next}`);
  assert.equal([second.events.length, second.more], [4, true]);
  const third = await page(small, `?limit=100&after=${second.next}`);
  assert.equal([third.events.length, third.more], [2, false]);
});

S.run();
