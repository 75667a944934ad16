/**
 * `/metrics` as an operator's Prometheus sees it: a web process over its real port and an
 * `ichnos work` process over METRICS_PORT count exactly the requests made and the entries they
 * applied; every name follows Prometheus's conventions; the admin token guards both once set.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { loadConfig } from "../../src/config.ts";
import { createProcessMetrics } from "../../src/metrics/process-metrics.ts";
import { startMetricsListener } from "../../src/process/metrics-listener.ts";
import { createWebProcess, type WebProcess } from "../../src/process/web-process.ts";
import { loadConsumers } from "../../src/stream/consumer-registry.ts";
import { isDrained } from "../../src/stream/drain.ts";
import { readGroupStatus } from "../../src/stream/group-status.ts";
import { type Exposition, parseExposition, sampleSum } from "../support/metrics.ts";
import { waitFor } from "../support/stream-setup.ts";
import { createWebTestEnv, type WebTestEnv } from "../support/web-setup.ts";

const runMain = fileURLToPath(new URL("../support/run-main.ts", import.meta.url));
const S = suite<{ env: WebTestEnv; web: WebProcess; worker: ChildProcess; workerOut: () => string; workerUrl: string }>("metrics");

const WIFI = ["a8:20:66:00:00:01", "a8:20:66:00:00:02"];
const CELL = { radioType: "lte", mobileCountryCode: 234, mobileNetworkCode: 10, locationAreaCode: 1, cellId: 100 };
const report = () => ({
  timestamp: Date.now(),
  position: { latitude: 51.5, longitude: -0.1, accuracy: 10, source: "gnss" },
  wifiAccessPoints: WIFI.map((macAddress) => ({ macAddress, signalStrength: -60 })),
  cellTowers: [{ ...CELL, signalStrength: -90 }],
});

S.before(async (ctx) => {
  ctx.env = await createWebTestEnv("metrics", { STREAM_PARTITIONS: "1", PORT: "0", HOST: "127.0.0.1" });
  // store_sample_locate 0: the locate requests append nothing the worker would count later.
  await ctx.env.pool.query(
    "INSERT INTO api_key (valid_key, maxreq, allow_fallback, allow_locate, allow_region, store_sample_locate, store_sample_submit) VALUES ('metrics', 0, 0, 1, 1, 0, 100)",
  );
  ctx.web = await createWebProcess(ctx.env.services);
  const { env } = ctx;
  ctx.worker = spawn(process.execPath, ["--import", "tsx", runMain, "work", "--no-jobs"], {
    env: {
      ...process.env, DATABASE_URL: env.databaseUrl, REDIS_URL: env.redisUrl, REDIS_PREFIX: env.prefix, STREAM_PARTITIONS: "1",
      HOST: "127.0.0.1", METRICS_PORT: "0", LOG_LEVEL: "info", CONSUMER_BLOCK: "200ms", DATABASE_POOL_SIZE: "8",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  ctx.worker.stdout!.on("data", (d) => { out += d; });
  ctx.worker.stderr!.on("data", (d) => { out += d; });
  ctx.workerOut = () => out;
  const match = await waitFor("the worker's metrics listener", async () => /"url":"(http:\/\/[^"]+)","msg":"metrics listener started"/.exec(out), 30_000);
  ctx.workerUrl = match[1]!;
});

S.after(async (ctx) => {
  if (ctx.worker && ctx.worker.exitCode === null) {
    const exited = new Promise((resolve) => ctx.worker.once("exit", resolve));
    ctx.worker.kill("SIGTERM");
    const timer = setTimeout(() => ctx.worker.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  }
  await ctx.web?.stop();
  await ctx.env?.close();
});

async function scrape(url: string, headers: Record<string, string> = {}): Promise<Exposition> {
  const res = await fetch(new URL("/metrics", url), { headers });
  assert.is(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
  return parseExposition(await res.text());
}

const post = (url: string, path: string, body: string) =>
  fetch(new URL(path, url), { method: "POST", headers: { "content-type": "application/json" }, body });

S("after 3 geosubmits, a drain, 2 hits, 1 miss and 1 bad request, the web's and the worker's /metrics count exactly those", async (ctx) => {
  const { env, web } = ctx;
  for (let i = 0; i < 3; i++) {
    const res = await post(web.server.url, "/v2/geosubmit?key=metrics", JSON.stringify({ items: [report()] }));
    assert.is(res.status, 200);
  }
  // Drained: every group of `ichnos work` has applied everything and holds nothing pending.
  const consumers = await loadConsumers(env.services.consumerDeps);
  await waitFor("the worker to drain", async () => isDrained(await readGroupStatus(env.redis, env.pool, env.keys, consumers)), 60_000)
    .catch((err) => { throw new Error(`${err.message}\n${ctx.workerOut()}`); });

  const known = JSON.stringify({ considerIp: false, wifiAccessPoints: WIFI.map((macAddress) => ({ macAddress })) });
  for (let i = 0; i < 2; i++) {
    const hit = await post(web.server.url, "/v1/geolocate?key=metrics", known);
    assert.is(hit.status, 200);
    assert.ok(((await hit.json()) as { accuracy: number }).accuracy <= 500, "a high-accuracy answer");
  }
  const unknown = JSON.stringify({ considerIp: false, wifiAccessPoints: [{ macAddress: "a8:20:66:00:00:08" }, { macAddress: "a8:20:66:00:00:09" }] });
  assert.is((await post(web.server.url, "/v1/geolocate?key=metrics", unknown)).status, 404);
  assert.is((await post(web.server.url, "/v1/geolocate?key=metrics", "{not json")).status, 400);

  const w = await scrape(web.server.url);
  const http = (route: string, status: string) => sampleSum(w, "ichnos_http_requests_total", { route, method: "POST", status });
  assert.equal(
    [http("/v2/geosubmit", "200"), http("/v1/geolocate", "200"), http("/v1/geolocate", "404"), http("/v1/geolocate", "400")],
    [3, 2, 1, 1],
  );
  assert.is(sampleSum(w, "ichnos_http_request_duration_seconds_count", { route: "/v1/geolocate", method: "POST" }), 4);
  assert.is(sampleSum(w, "ichnos_submit_reports_accepted_total"), 3);
  assert.is(sampleSum(w, "ichnos_submit_reports_dropped_total"), 0);
  assert.is(sampleSum(w, "ichnos_locate_queries_total", { api: "locate", wifi: "many" }), 3, "the bad request never became a query");
  const result = (status: string) => sampleSum(w, "ichnos_locate_results_total", { api: "locate", accuracy: "high", status });
  assert.equal([result("hit"), result("miss")], [2, 1]);
  // A source's hit is upstream's "satisfies" (SPEC §3.5: the cluster also scores at least 1.0), which
  // stations seen by three reports of one day do not reach: the answers came, the source missed.
  const internal = (status: string) => sampleSum(w, "ichnos_locate_source_results_total", { source: "internal", status });
  assert.equal([internal("hit"), internal("miss")], [0, 3]);
  assert.is(sampleSum(w, "ichnos_locate_query_reports_dropped_total"), 0);
  assert.is(sampleSum(w, "ichnos_stream_append_failures_total"), 0);
  assert.is(sampleSum(w, "ichnos_fallback_cache_total"), 0);

  const k = await scrape(ctx.workerUrl);
  const applied = (group: string) => sampleSum(k, "ichnos_consumer_entries_applied_total", { group });
  assert.equal([applied("export:internal"), applied("datamap")], [3, 3]);
  assert.ok(sampleSum(k, "ichnos_consumer_batch_duration_seconds_count", { group: "export:internal" }) >= 1);
  assert.is(sampleSum(k, "ichnos_station_observations_total", { kind: "wifi" }), 6);
  assert.is(sampleSum(k, "ichnos_station_observations_total", { kind: "cell" }), 3);
  assert.is(sampleSum(k, "ichnos_station_decisions_total", { kind: "wifi", decision: "new" }), 2);
  assert.is(sampleSum(k, "ichnos_station_decisions_total", { kind: "cell", decision: "new" }), 1);
  assert.is(sampleSum(k, "ichnos_consumer_dead_letters_total"), 0);
  assert.is(sampleSum(k, "ichnos_consumer_entries_lost_total"), 0);
  // The event log's state, read on scrape.
  assert.is(sampleSum(k, "ichnos_group_lag_entries", { group: "export:internal", stream: "reports:0" }), 0);
  assert.is(sampleSum(k, "ichnos_group_lag_entries"), 0);
  assert.is(sampleSum(k, "ichnos_group_pending_entries"), 0);
  assert.is(sampleSum(k, "ichnos_group_dead_letters"), 0);
  assert.ok(k.samples.some((s) => s.name === "ichnos_group_lag_entries" && s.labels.group === "station:cell:lte"), "every group has its lag");
  assert.is(sampleSum(k, "ichnos_stream_length_entries", { stream: "reports:0" }), 3);
  assert.ok(sampleSum(k, "ichnos_stream_memory_bytes", { stream: "reports:0" }) > 0);

  const live = await fetch(new URL("/__lbheartbeat__", ctx.workerUrl));
  assert.equal([live.status, await live.json()], [200, { status: "OK" }]);
  assert.is((await fetch(new URL("/anything", ctx.workerUrl))).status, 404);
});

S("every name has the ichnos_ prefix, counters end in _total, and no label value is a raw path", async (ctx) => {
  // Paths with ids and junk must land under their route pattern, or "unmatched".
  for (const path of ["/downloads/MLS-full-cell-export-2026-01-01T000000.csv.gz", "/v1/geolocate/12345", "/no/such/page/a8206600"]) {
    await fetch(new URL(path, ctx.web.server.url));
  }
  // The patterns the app registered (h3 keeps them on the app), the only route labels allowed.
  const patterns = new Set((ctx.env.app as unknown as { "~routes": { route: string }[] })["~routes"].map((r) => r.route));
  for (const url of [ctx.web.server.url, ctx.workerUrl]) {
    const { samples, types } = await scrape(url);
    assert.ok(samples.length > 0);
    for (const [family, type] of types) {
      assert.ok(family.startsWith("ichnos_"), `${family} has the ichnos_ prefix`);
      assert.ok(/^[a-z_][a-z0-9_]*$/.test(family), `${family} is snake_case`);
      if (type === "counter") assert.ok(family.endsWith("_total"), `counter ${family} ends in _total`);
      // prom-client names its own Node gauges `…_active_handles_total`; ours never end so.
      else if (!/^ichnos_(nodejs|process)_/.test(family)) assert.not.ok(family.endsWith("_total"), `${type} ${family} does not end in _total`);
      if (type === "histogram") assert.ok(family.endsWith("_seconds") || family.endsWith("_bytes"), `histogram ${family} is in base units`);
    }
    for (const s of samples) {
      for (const [label, value] of Object.entries(s.labels)) {
        assert.not.ok(/12345|2026-01-01|a8206600/.test(value), `${s.name} ${label}="${value}" holds no id of a requested path`);
        if (label === "route") assert.ok(value === "unmatched" || patterns.has(value), `route "${value}" is a registered pattern`);
      }
    }
  }
  const web = await scrape(ctx.web.server.url);
  const routes = new Set(web.samples.filter((s) => s.name === "ichnos_http_requests_total").map((s) => s.labels.route));
  assert.ok(routes.has("/downloads/:file"), [...routes].join(", "));
});

S("with ADMIN_TOKEN set, /metrics needs the bearer token, on the web port and on METRICS_PORT", async (ctx) => {
  const env = await createWebTestEnv("metrics-token", { ADMIN_TOKEN: "s3cret" });
  try {
    const denied = await env.app.request("/metrics");
    assert.is(denied.status, 401);
    assert.is(denied.headers.get("www-authenticate"), 'Bearer realm="ichnos"');
    assert.is((await env.app.request("/metrics", { headers: { authorization: "Bearer wrong" } })).status, 401);
    const allowed = await env.app.request("/metrics", { headers: { authorization: "Bearer s3cret" } });
    assert.is(allowed.status, 200);
    assert.match(await allowed.text(), /^# HELP ichnos_/m);
    assert.is((await env.app.request("/__lbheartbeat__")).status, 200, "the liveness probe needs no token");
  } finally {
    await env.close();
  }
  const config = loadConfig({ ADMIN_TOKEN: "s3cret" });
  const listener = await startMetricsListener({
    host: "127.0.0.1", port: 0, registry: createProcessMetrics().registry, adminToken: config.adminToken, log: ctx.env.log,
  });
  try {
    assert.is((await fetch(new URL("/metrics", listener.url))).status, 401);
    await scrape(listener.url, { authorization: "Bearer s3cret" });
    assert.is((await fetch(new URL("/__lbheartbeat__", listener.url))).status, 200);
  } finally {
    await listener.close();
  }
  // Without ADMIN_TOKEN, the suite's processes answered without one (the tests above).
});

S.run();
