/**
 * The `geosubmit` exporter (SPEC §4.5) against real HTTP servers: a loopback partner that
 * records, stalls, fails and refuses, and a second Ichnos instance whose stations, once both are
 * drained, equal the source's.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { loadConsumers } from "../../src/stream/consumer-registry.ts";
import { startHttpServer } from "../../src/api/serve.ts";
import { createConsumerRuntime } from "../../src/stream/consumer-runtime.ts";
import { drainGroups } from "../../src/stream/drain.ts";
import { drainPipeline } from "../support/pipeline-setup.ts";
import { submitSynthetic } from "../support/submit-synthetic.ts";
import { snapshotTables, STATION_TABLES, withoutTimes } from "../support/table-snapshot.ts";
import { createWebTestEnv, type WebTestEnv } from "../support/web-setup.ts";

type Answer = { status: number } | "hang";
interface Seen { headers: IncomingMessage["headers"]; items: Record<string, unknown>[]; status: number | "hang" }

interface Partner { url: string; seen: Seen[]; answers: Answer[]; otherwise: Answer; close(): Promise<void> }

async function startPartner(): Promise<Partner> {
  const partner: Partner = { url: "", seen: [], answers: [], otherwise: { status: 200 }, close: async () => undefined };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const answer = partner.answers.shift() ?? partner.otherwise;
      const body = JSON.parse(gunzipSync(Buffer.concat(chunks)).toString("utf8")) as { items: Record<string, unknown>[] };
      partner.seen.push({ headers: req.headers, items: body.items, status: answer === "hang" ? "hang" : answer.status });
      if (answer === "hang") return;
      res.writeHead(answer.status, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  partner.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v2/geosubmit`;
  partner.close = () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); });
  return partner;
}

const S = suite<{ env: WebTestEnv; partner: Partner; reports: number }>("partner export (geosubmit)");

S.before(async (ctx) => {
  ctx.env = await createWebTestEnv("partner", { STREAM_PARTITIONS: "1" });
  ctx.partner = await startPartner();
  ctx.reports = await submitSynthetic(ctx.env.app, { reports: 25, seed: 21 });
});
S.after(async (ctx) => {
  await ctx.partner.close();
  await ctx.env.close();
});

async function exportTo(env: WebTestEnv, name: string, url: string, extra = "NULL") {
  await env.pool.query("INSERT INTO export_config (name, batch, `schema`, url, skip_keys, skip_sources) VALUES (?, 10, 'geosubmit', ?, NULL, ?)",
    [name, url, extra === "NULL" ? null : extra]);
  const consumers = (await loadConsumers({ ...env.services.consumerDeps, partnerTimeoutMs: 300 })).filter((c) => c.name === `export:${name}`);
  const runtime = createConsumerRuntime({ ...env, consumers, settings: { batchSize: 500, blockMs: 50, claimIdleMs: 60_000, maxDeliveries: 2, flush: true } });
  const result = await drainGroups(env, runtime, consumers, { timeoutMs: 60_000 });
  assert.ok(result.drained, JSON.stringify(result.rows));
  return result.rows;
}

const delivered = (partner: Partner) => partner.seen.filter((s) => s.status === 200).flatMap((s) => s.items);

S("reports reach the partner gzipped, in batches, without API keys, with Ichnos's User-Agent", async ({ env, partner, reports }) => {
  await exportTo(env, "plain", partner.url);
  assert.is(delivered(partner).length, reports);
  assert.ok(partner.seen.every((s) => s.items.length <= 10), "at most `batch` reports per request");
  assert.ok(partner.seen.every((s) => s.headers["content-encoding"] === "gzip" && s.headers["content-type"] === "application/json"));
  assert.match(String(partner.seen[0]!.headers["user-agent"]), /^ichnos\/\d+\.\d+\.\d+$/);
  assert.ok(delivered(partner).every((r) => !("api_key" in r) && !("source" in r) && Array.isArray(r.wifiAccessPoints)), "the reports alone");
  partner.seen.length = 0;
});

S("a partner that stalls, answers 500 or 429 is retried until it takes everything; nothing is dead-lettered", async ({ env, partner, reports }) => {
  partner.answers.push("hang", { status: 500 }, { status: 429 }, { status: 503 });
  await exportTo(env, "flaky", partner.url);
  assert.equal(partner.seen.slice(0, 4).map((s) => s.status), ["hang", 500, 429, 503]);
  assert.is(delivered(partner).length, reports, "every report delivered once the partner took them");
  assert.is(await env.redis.xlen(env.keys.dead("export:flaky")), 0);
  partner.seen.length = 0;
});

S("reports a partner refuses with 400 are dead-lettered after MAX_DELIVERIES, and the group goes on", async ({ env, partner, reports }) => {
  partner.otherwise = { status: 400 };
  try {
    await exportTo(env, "refusing", partner.url);
  } finally {
    partner.otherwise = { status: 200 };
  }
  assert.is(await env.redis.xlen(env.keys.dead("export:refusing")), reports, "each refused report is set aside, none lost silently");
  partner.seen.length = 0;
});

S("a second Ichnos as the partner ends with the same stations as the source", async ({ env }) => {
  const target = await createWebTestEnv("federated", { STREAM_PARTITIONS: "1" });
  const server = await startHttpServer(target.app, { host: "127.0.0.1", port: 0, log: target.log });
  try {
    await env.pool.query("INSERT INTO export_config (name, batch, `schema`, url) VALUES ('federation', 50, 'geosubmit', ?)", [`${server.url}v2/geosubmit`]);
    await drainPipeline({ ...env.services, consumerDeps: { ...env.services.consumerDeps, partnerTimeoutMs: 10_000 } });
    await drainPipeline(target.services);
    // Station rows carry the time their observations reached each instance's log (created,
    // modified): the two instances received the reports at different moments.
    const source = withoutTimes(await snapshotTables(env.pool, STATION_TABLES));
    assert.ok(Object.values(source).some((rows) => rows.length > 0), "the source has stations");
    assert.equal(withoutTimes(await snapshotTables(target.pool, STATION_TABLES)), source);
  } finally {
    await server.close();
    await target.close();
  }
});

S.run();
