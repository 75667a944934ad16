/**
 * `npm run bench:live`: what the live feed costs the web process and how late it delivers, in
 * one run.
 *   - the web process under test: a child running the real composition of `ichnos web`, live
 *     feed included (live-support/web-child.ts: harness/web-child.ts plus a way to read the
 *     feed's own counters);
 *   - load: bench:submit's autocannon load (submit-support/load.ts) of gzipped 50-report
 *     NeoStumbler-style bodies (harness/world/upload-bodies.ts), timed rounds;
 *   - two conditions, alternated so that drift on a shared box falls on both alike: feed off (no
 *     WebSocket client: the reference) and feed on (`--clients` clients on loopback to
 *     `/live/feed`, spread over `--client-processes` children of their own so that receiving
 *     does not run in the load generator's event loop, live-support/clients-child.ts);
 *   - per feed-on round: the reports accepted (stream entries) × the clients is what a lossless
 *     feed delivers; the clients count what they received and the delay of every message from
 *     its append (the entry id's ms) to its receipt; the web process's LiveFeedStats give what it
 *     sent, dropped and disconnected.
 * Everything runs under a unique Redis key prefix and in a scratch database, both removed at the
 * end, also on error or Ctrl-C (harness/run.ts). Progress goes to stderr; the table (or `--json`)
 * to stdout.
 */
import type { LiveFeedStats } from "../src/live/live-feed.ts";
import { LIVE_FEED_PATH } from "../src/live/live-service.ts";
import type { RedisClient } from "../src/redis/create-redis.ts";
import { loadConfig } from "../src/config.ts";
import { createKeys, type Keys } from "../src/stream/keys.ts";
import { type ServerChild, startServer } from "./harness/children.ts";
import { procCpuMs } from "./harness/cpu.ts";
import { count as n } from "./harness/format.ts";
import { readMachineInfo } from "./harness/machine.ts";
import { clearReportStreams, settledStoredReports, storedReports } from "./harness/report-streams.ts";
import { writeReport } from "./harness/report.ts";
import { type BenchRun, runBench } from "./harness/run.ts";
import { spread } from "./harness/stats.ts";
import { createCity } from "./harness/world/presets.ts";
import { makeBodyPool, SUBMIT_HEADERS } from "./harness/world/upload-bodies.ts";
import { serverChildEnv } from "./harness/scratch.ts";
import { type ClientsControl, clientsControl } from "./live-support/clients-protocol.ts";
import { mergeHistograms, type SparseHistogram, summarize } from "./live-support/delay-histogram.ts";
import { type LiveBenchOptions, readLiveOptions } from "./live-support/options.ts";
import { type Delivery, type Feed, formatTable, type LiveBenchResults, type RoundResult } from "./live-support/report.ts";
import { type ServerStatsReader, serverStatsReader, statsDelta } from "./live-support/server-stats.ts";
import { autocannonLoad, type LoadRun, type LoadTarget } from "./submit-support/load.ts";

const TARGET_SHARE = 0.9;
const TARGET_P99_MS = 1000;
const BODY_SEED = 0x11fe;
/** A feed-on round is complete once every open client has every message and nothing moved for this long. */
const STABLE_MS = 1000;
/** Nothing moved for this long: what has not arrived will not. */
const QUIET_MS = 5000;
const POLL_MS = 250;
const WEB_CHILD = new URL("./live-support/web-child.ts", import.meta.url);
const CLIENTS_CHILD = new URL("./live-support/clients-child.ts", import.meta.url);

const latency = (x: number) => (x === 0 ? "<1" : x.toFixed(1));
const show = (r: LoadRun) =>
  `${n(r.ok)} × 2xx (${n(r.rate)} req/s to the last response), p50 ${latency(r.p50)} ms, p99 ${latency(r.p99)} ms, non-2xx ${r.non2xx}${r.non2xx ? ` ${JSON.stringify(r.statusCodes)}` : ""}, errors ${r.errors}, timeouts ${r.timeouts} ` +
  `[cpu loader/server/redis ${r.cpu.loader}/${r.cpu.server}/${r.cpu.redis}%]`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every feed-on round's delays, for the run's p50/p99 over all its messages. */
const roundHistograms: SparseHistogram[] = [];

interface Env {
  readonly options: LiveBenchOptions;
  readonly run: BenchRun;
  readonly redis: RedisClient;
  readonly keys: Keys;
  readonly submit: LoadTarget;
  readonly web: ServerChild;
  readonly stats: ServerStatsReader;
  readonly feedUrl: string;
  readonly clients: readonly { readonly child: ServerChild; readonly control: ClientsControl; readonly count: number }[];
  readonly reportsPerBody: number;
}

/** CPU ms of the clients' processes so far, with the wall clock it was read at. */
function clientsCpu(env: Env): { wallMs: number; cpuMs: number } {
  return { wallMs: performance.now(), cpuMs: env.clients.reduce((a, c) => a + (procCpuMs(c.child.pid, false) ?? 0), 0) };
}

async function waitForServerClients(env: Env, wanted: number): Promise<LiveFeedStats> {
  const deadline = performance.now() + 30_000;
  for (;;) {
    const stats = await env.stats.read(env.web.pid);
    if (stats.clients === wanted) return stats;
    if (performance.now() > deadline) throw new Error(`the web process has ${stats.clients} feed clients, not ${wanted}`);
    await sleep(100);
  }
}

/** One POST end to end: 200 `{}` and 50 new entries. */
async function checkOnce(env: Env): Promise<void> {
  const { submit, redis, keys } = env;
  const before = await storedReports(redis, keys);
  const res = await fetch(`${submit.url}${submit.path}`, { method: "POST", headers: submit.headers, body: submit.bodies[0]! });
  const text = await res.text();
  if (res.status !== 200 || text !== "{}") throw new Error(`the web process answered ${res.status} ${text.slice(0, 500)}`);
  const added = (await storedReports(redis, keys)) - before;
  if (added !== env.reportsPerBody) throw new Error(`one request stored ${added} entries, not ${env.reportsPerBody}`);
  await clearReportStreams(redis, keys);
}

/**
 * After the load, the feed still has entries to read and the sockets bytes to carry, and while
 * a fan-out holds the web process's event loop, requests the load generator gave up on at its
 * stop are still being appended. So the reports accepted are counted again on every poll, and
 * the round is over once every open client has one message per report and neither count moved
 * for STABLE_MS; or nothing moved for QUIET_MS (lost messages), or the drain limit. A client
 * the server disconnected is gone from the counts; its loss shows in received vs expected.
 */
async function drain(env: Env): Promise<{ ms: number; drained: boolean; stored: number }> {
  const started = performance.now();
  let last = "";
  let movedAt = started;
  for (;;) {
    const [stored, counts] = await Promise.all([storedReports(env.redis, env.keys), Promise.all(env.clients.map((c) => c.control.count()))]);
    const now = performance.now();
    const seen = `${stored}/${counts.map((c) => c.received).join(",")}`;
    if (seen !== last) {
      last = seen;
      movedAt = now;
    }
    const complete = counts.every((c) => c.open === 0 || c.minPerClient >= stored);
    if (complete && now - movedAt >= STABLE_MS) return { ms: now - started, drained: true, stored };
    if (now - movedAt > QUIET_MS || now - started > env.options.drain * 1000) return { ms: now - started, drained: false, stored };
    await sleep(POLL_MS);
  }
}

async function openClients(env: Env): Promise<number> {
  const opened = await Promise.all(env.clients.map((c) => c.control.open(env.feedUrl, c.count)));
  const failed = opened.reduce((a, o) => a + o.failed, 0);
  if (failed) throw new Error(`${failed} feed clients could not connect: ${opened.find((o) => o.firstError)?.firstError}`);
  const open = opened.reduce((a, o) => a + o.open, 0);
  await waitForServerClients(env, open);
  await Promise.all(env.clients.map((c) => c.control.reset()));
  return open;
}

async function measureRound(env: Env, pair: number, feed: Feed): Promise<RoundResult> {
  const { options, redis, keys } = env;
  await clearReportStreams(redis, keys);
  const clients = feed === "on" ? await openClients(env) : 0;
  if (feed === "off") await waitForServerClients(env, 0);
  const statsBefore = await env.stats.read(env.web.pid);
  const webBefore = procCpuMs(env.web.pid, false);
  const cpuBefore = clientsCpu(env);
  const loadStarted = performance.now();
  const load = await autocannonLoad(env.submit, { connections: options.connections, durationS: options.duration });
  const loadMs = performance.now() - loadStarted;
  const cpuAfter = clientsCpu(env);
  let stored = await settledStoredReports(redis, keys);
  let delivery: Delivery | null = null;
  if (feed === "on") {
    const drained = await drain(env);
    stored = drained.stored;
    const reports = await Promise.all(env.clients.map((c) => c.control.report()));
    const server = statsDelta(statsBefore, await env.stats.read(env.web.pid));
    const received = reports.reduce((a, r) => a + r.received, 0);
    const expected = stored * clients;
    delivery = {
      clients, expected, received, missed: expected - received,
      minPerClient: Math.min(...reports.map((r) => (r.open ? r.minPerClient : Number.POSITIVE_INFINITY)), stored),
      maxPerClient: Math.max(...reports.map((r) => r.maxPerClient)),
      closedSlow: reports.reduce((a, r) => a + r.closedSlow, 0),
      closedOther: reports.reduce((a, r) => a + r.closedOther, 0),
      malformed: reports.reduce((a, r) => a + r.malformed, 0),
      omitted: reports.reduce((a, r) => a + r.omitted, 0),
      server, drainMs: drained.ms, drained: drained.drained,
      delay: summarize(mergeHistograms(reports.map((r) => r.delays))),
    };
    roundHistograms.push(...reports.map((r) => r.delays));
  }
  const webAfter = procCpuMs(env.web.pid, false);
  if (feed === "on") {
    await Promise.all(env.clients.map((c) => c.control.close()));
    await waitForServerClients(env, 0);
  }
  const clientsCpuShare = feed === "on" ? Math.round(((cpuAfter.cpuMs - cpuBefore.cpuMs) / (cpuAfter.wallMs - cpuBefore.wallMs)) * 100) : null;
  const result: RoundResult = {
    pair, feed, load, stored, clientsCpu: clientsCpuShare, delivery,
    // Over the whole timed run: a web process stalled by a fan-out answers nothing for seconds,
    // and the time to the last response (LoadRun.rate) would leave that stall out.
    requestsPerSecond: (load.ok * 1000) / loadMs,
    reportsPerSecond: (load.ok * env.reportsPerBody * 1000) / loadMs,
    webCpuMs: webBefore === null || webAfter === null ? null : webAfter - webBefore,
  };
  const delivered = delivery ? `; ${deliveryText(delivery)}` : "";
  env.run.progress(`pair ${pair} feed ${feed}: ${show(load)}; ${n(stored)} reports accepted${delivered}`);
  return result;
}

function deliveryText(d: Delivery): string {
  const delay = d.delay ? `delay p50 ${d.delay.p50} ms, p99 ${d.delay.p99} ms, max ${d.delay.max} ms` : "no message";
  return `${n(d.received)} of ${n(d.expected)} reports received (${n(d.omitted)} of them as omitted counts, ${n(d.missed)} missed; server sent ${n(d.server.sent)} frames, ` +
    `dropped ${n(d.server.dropped)}, disconnected ${n(d.server.disconnected)}); ${delay}; ` +
    `drain ${(d.drainMs / 1000).toFixed(1)} s${d.drained ? "" : " (NOT COMPLETE)"}`;
}

function summarizeRuns(rounds: readonly RoundResult[], feed: Feed) {
  const of = rounds.filter((r) => r.feed === feed);
  return { reports: spread(of.map((r) => r.reportsPerSecond)), requests: spread(of.map((r) => r.requestsPerSecond)) };
}

/**
 * What one frame sent costs the web process: a feed-on round's web CPU (load and drain) less
 * what its reports would have cost with the feed off (the feed-off rounds' median CPU per
 * report), over the frames it sent. It includes decoding the kept entries and building the frame.
 */
function fanOutCost(rounds: readonly RoundResult[]): number | null {
  const perReport = rounds.flatMap((r) => (r.feed === "off" && r.webCpuMs !== null && r.stored ? [r.webCpuMs / r.stored] : []));
  const on = rounds.filter((r) => r.feed === "on" && r.webCpuMs !== null && r.delivery?.server.sent);
  if (!perReport.length || !on.length) return null;
  const offMs = spread(perReport).median;
  return spread(on.map((r) => ((r.webCpuMs! - offMs * r.stored) * 1000) / r.delivery!.server.sent)).median;
}

const options = readLiveOptions();
runBench("live", options, async (run) => {
  const { progress, redis } = run;
  const scratch = await run.scratch();
  const pool = run.pool(scratch.databaseUrl, 2);
  const machine = await readMachineInfo(redis, pool);
  const childEnv = { ...serverChildEnv(options.redisUrl, scratch) };
  const config = loadConfig({ ...process.env, ...childEnv });
  const keys = createKeys(scratch.prefix, config.streamPartitions);
  const bodies = makeBodyPool(createCity(), options.bodies, options.reportsPerRequest, BODY_SEED);
  progress(`bodies: ${options.bodies} × ${options.reportsPerRequest} reports, ${n(bodies.meanJsonBytes)} B JSON, ${n(bodies.meanGzipBytes)} B gzipped`);

  const stats = serverStatsReader("web");
  const web = await startServer(WEB_CHILD, { label: "web", env: childEnv, nodeArgs: options.webFlags, onStderrLine: stats.onStderrLine, onUnexpectedExit: run.abort });
  const processes = Math.min(options.clientProcesses, options.clients);
  const clients = await Promise.all(Array.from({ length: processes }, async (_, i) => {
    const child = await startServer(CLIENTS_CHILD, { label: `clients-${i + 1}`, onUnexpectedExit: run.abort });
    // The clients split as evenly as they go: 1,000 over 3 is 334 + 333 + 333.
    const count = Math.floor(options.clients / processes) + (i < options.clients % processes ? 1 : 0);
    return { child, control: clientsControl(child.url), count };
  }));
  progress(`web process ${web.url} (pid ${web.pid}); feed clients: ${clients.map((c) => `${c.count} in pid ${c.child.pid}`).join(", ")}`);

  const submit: LoadTarget = { url: web.url, path: "/v2/geosubmit", headers: SUBMIT_HEADERS, bodies: bodies.bodies, serverPid: web.pid, redis };
  const env: Env = {
    options, run, redis, keys, submit, web, stats, clients, reportsPerBody: bodies.reportsPerBody,
    feedUrl: `${web.url.replace(/^http/, "ws")}${LIVE_FEED_PATH}`,
  };
  await checkOnce(env);

  progress(`warm-up: ${options.warmup} s at ${options.connections} connections, feed off`);
  progress(`  ${show(await autocannonLoad(submit, { connections: options.connections, durationS: options.warmup }))}`);

  const rounds: RoundResult[] = [];
  for (let pair = 1; pair <= options.rounds; pair++) {
    for (const feed of ["off", "on"] as const) rounds.push(await measureRound(env, pair, feed));
  }
  await clearReportStreams(redis, keys);

  const off = summarizeRuns(rounds, "off");
  const on = summarizeRuns(rounds, "on");
  const deliveries = rounds.flatMap((r) => (r.delivery ? [r.delivery] : []));
  const sum = (f: (d: Delivery) => number) => deliveries.reduce((a, d) => a + f(d), 0);
  const delay = summarize(mergeHistograms(roundHistograms));
  const share = on.reports.median / off.reports.median;
  const fanOut = fanOutCost(rounds);
  const results: LiveBenchResults = {
    machine,
    settings: {
      clients: options.clients, clientProcesses: processes, pairs: options.rounds, durationSeconds: options.duration,
      warmupSeconds: options.warmup, connections: options.connections, drainSeconds: options.drain,
      partitions: config.streamPartitions, webFlags: options.webFlags.join(" "), autocannon: "programmatic, in the bench process, pipelining 1, timed rounds",
    },
    payload: {
      reportsPerRequest: options.reportsPerRequest, bodies: options.bodies, meanJsonBytes: bodies.meanJsonBytes, meanGzipBytes: bodies.meanGzipBytes,
    },
    rounds, off, on, share, delay, fanOutMicros: fanOut,
    messages: {
      expected: sum((d) => d.expected), received: sum((d) => d.received), missed: sum((d) => d.missed),
      serverSent: sum((d) => d.server.sent), serverDropped: sum((d) => d.server.dropped),
      serverDisconnected: sum((d) => d.server.disconnected), closedSlow: sum((d) => d.closedSlow), omitted: sum((d) => d.omitted),
    },
    targets: {
      minShare: TARGET_SHARE, maxP99Ms: TARGET_P99_MS, passShare: share >= TARGET_SHARE,
      // Over the messages that arrived; the ones that did not are counted beside it, not here.
      passDelay: delay !== null && delay.p99 <= TARGET_P99_MS,
    },
  };
  writeReport(options.json, results, formatTable);
});
