/**
 * `npm run bench:submit`: the submit API's throughput beside the framework's ceiling, in one run.
 *   - the web process under test: a child process running the real composition of `ichnos web`
 *     (bench/harness/web-child.ts) on a free port, so the load generator does not share its
 *     event loop;
 *   - the ceiling: a bare h3 app in another child, one POST route that only reads the body; the
 *     same child has a reference route that does only the work no implementation can skip
 *     (gunzip, JSON.parse, one JSON.stringify per report), measured in the autocannon rounds;
 *   - load: autocannon (programmatic, in this process) POSTing gzipped 50-report
 *     NeoStumbler-style bodies from a pool of 200 (drawn from the synthetic city,
 *     harness/world/upload-bodies.ts), after a warm-up and a connection sweep; then
 *     the same with wrk when it is on PATH (it needs far less CPU than autocannon);
 *   - checks: the report streams must hold exactly 2xx × 50 entries after each round; their
 *     memory per entry is measured; `--profile` adds a run against a web child started with
 *     --cpu-prof and prints its hottest functions.
 * Everything runs under a unique Redis key prefix and in a scratch database, both removed at the
 * end, also on error or Ctrl-C (harness/run.ts). Progress goes to stderr; the table (or `--json`)
 * to stdout.
 */
import { gunzipSync } from "node:zlib";
import { loadConfig } from "../src/config.ts";
import type { RedisClient } from "../src/redis/create-redis.ts";
import { createKeys, type Keys } from "../src/stream/keys.ts";
import type { LoadPlan } from "./harness/autocannon.ts";
import { startServer, type ServerChild } from "./harness/children.ts";
import { monotonicMicros } from "./harness/cpu-profile.ts";
import { meanShare } from "./harness/cpu.ts";
import { count as n } from "./harness/format.ts";
import { readMachineInfo } from "./harness/machine.ts";
import {
  clearReportStreams, settledStoredReports, storedReports, streamMemory, usedMemory, type StreamMemory,
} from "./harness/report-streams.ts";
import { writeReport } from "./harness/report.ts";
import { type BenchRun, runBench } from "./harness/run.ts";
import { startProfiledServer, stopAndSummarize } from "./harness/server-profile.ts";
import { spread } from "./harness/stats.ts";
import { createCity } from "./harness/world/presets.ts";
import { type BodyPool, makeBodyPool, SUBMIT_HEADERS } from "./harness/world/upload-bodies.ts";
import { serverChildEnv } from "./harness/scratch.ts";
import { REFERENCE_PATH } from "./submit-support/ceiling-routes.ts";
import { autocannonLoad, type LoadRun, type LoadTarget } from "./submit-support/load.ts";
import { readSubmitOptions, type SubmitBenchOptions } from "./submit-support/options.ts";
import {
  formatTable, type ServerResult, type SubmitBenchResults, type SubmitResult, type SweepRow, type ToolResult,
} from "./submit-support/report.ts";
import { hasWrk, prepareWrk, runWrk } from "./submit-support/wrk.ts";

const TARGET_REPORTS_PER_SECOND = 10_000;
const TARGET_RATIO = 0.4;
const BENCH_KEY = "bench-submit-key";
const BODY_SEED = 0x1c4e05;
const WEB_CHILD = new URL("./harness/web-child.ts", import.meta.url);
const CEILING_CHILD = new URL("./submit-support/ceiling-child.ts", import.meta.url);

const latency = (x: number) => (x === 0 ? "<1" : x.toFixed(1));
const show = (r: LoadRun) =>
  `${n(r.rate)} req/s, p50 ${latency(r.p50)} ms, p99 ${latency(r.p99)} ms, non-2xx ${r.non2xx}, errors ${r.errors} ` +
  `[cpu loader/server/redis ${r.cpu.loader}/${r.cpu.server}/${r.cpu.redis}%]`;

interface Env {
  readonly options: SubmitBenchOptions;
  readonly run: BenchRun;
  readonly redis: RedisClient;
  readonly keys: Keys;
  readonly bodies: BodyPool;
  readonly submit: LoadTarget;
  readonly ceiling: LoadTarget;
  readonly reference: LoadTarget;
}

type Loader = (target: LoadTarget, plan: LoadPlan) => Promise<LoadRun>;

/** Checks the web child end to end with one request: 200 `{}` and 50 new entries with the User-Agent. */
async function checkOnce(env: Env): Promise<void> {
  const { submit, bodies, redis, keys } = env;
  const before = await storedReports(redis, keys);
  const res = await fetch(`${submit.url}${submit.path}`, { method: "POST", headers: submit.headers, body: bodies.bodies[0]! });
  const text = await res.text();
  if (res.status !== 200 || text !== "{}") throw new Error(`the web process answered ${res.status} ${text.slice(0, 500)}`);
  const added = (await storedReports(redis, keys)) - before;
  if (added !== bodies.reportsPerBody) throw new Error(`one request stored ${added} entries, not ${bodies.reportsPerBody}`);
  const latest = await Promise.all(keys.reportStreams().map((s) => redis.xrevrange(s, "+", "-", "COUNT", 1)));
  const fields = latest.flat()[0]?.[1] ?? [];
  const entry = JSON.parse(fields[fields.indexOf("d") + 1] ?? "{}") as { user_agent?: string };
  if (entry.user_agent !== SUBMIT_HEADERS["User-Agent"]) throw new Error(`stored user_agent ${entry.user_agent}`);
  const ceiling = await fetch(`${env.ceiling.url}${env.ceiling.path}`, { method: "POST", headers: submit.headers, body: bodies.bodies[0]! });
  if (ceiling.status !== 200 || (await ceiling.text()) !== "{}") throw new Error(`the ceiling app answered ${ceiling.status}`);
  await clearReportStreams(redis, keys);
}

/** Mean length of the `d` field (the stored report JSON) over a sample of entries. */
async function meanEntryBytes(redis: RedisClient, keys: Keys): Promise<number> {
  const entries = await redis.xrange(keys.reportStreams()[0]!, "-", "+", "COUNT", 500);
  const sizes = entries.map(([, f]) => Buffer.byteLength(f[f.indexOf("d") + 1] ?? ""));
  return Math.round(sizes.reduce((a, b) => a + b, 0) / Math.max(1, sizes.length));
}

async function sweep(env: Env): Promise<SweepRow[]> {
  const { options } = env;
  const { progress } = env.run;
  const warm = Math.max(...options.connections);
  progress(`warm-up: ${options.warmup} s on each server at ${warm} connections`);
  progress(`  submit  ${show(await autocannonLoad(env.submit, { connections: warm, durationS: options.warmup }))}`);
  progress(`  ceiling ${show(await autocannonLoad(env.ceiling, { connections: warm, durationS: options.warmup }))}`);
  progress(`  reference ${show(await autocannonLoad(env.reference, { connections: warm, durationS: options.warmup }))}`);
  await clearReportStreams(env.redis, env.keys);
  const rows: SweepRow[] = [];
  for (const connections of options.connections) {
    const plan = { connections, durationS: options.sweepDuration };
    const submit = await autocannonLoad(env.submit, plan);
    await clearReportStreams(env.redis, env.keys);
    const ceiling = await autocannonLoad(env.ceiling, plan);
    const reference = await autocannonLoad(env.reference, plan);
    progress(`sweep ${connections} connections: submit ${show(submit)}`);
    progress(`sweep ${connections} connections: ceiling ${show(ceiling)}`);
    progress(`sweep ${connections} connections: reference ${show(reference)}`);
    rows.push({ connections, submit, ceiling, reference });
  }
  return rows;
}

function serverResult(runs: readonly LoadRun[]): ServerResult {
  return {
    requests: spread(runs.map((r) => r.rate)),
    p50: spread(runs.map((r) => r.p50)),
    p99: spread(runs.map((r) => r.p99)),
    non2xx: runs.reduce((a, r) => a + r.non2xx, 0),
    errors: runs.reduce((a, r) => a + r.errors, 0),
    timeouts: runs.reduce((a, r) => a + r.timeouts, 0),
    cpu: meanShare(runs.map((r) => r.cpu)),
    runs,
  };
}

interface Rounds {
  readonly tool: ToolResult;
  readonly memory: StreamMemory[];
  readonly entryBytes: number;
}

/**
 * Measured rounds, submit and ceiling interleaved. `exact`: the loader ends after a fixed
 * number of requests (autocannon), so every stored entry belongs to a counted response; wrk
 * stops on time, and up to one request per connection may be stored but not counted.
 */
async function measure(
  env: Env, tool: "autocannon" | "wrk", load: Loader, connections: number,
  plans: { submit: LoadPlan; ceiling: LoadPlan; reference?: LoadPlan },
): Promise<Rounds> {
  const { options, redis, keys } = env;
  const { progress } = env.run;
  const per = env.bodies.reportsPerBody;
  const submitRuns: LoadRun[] = [];
  const ceilingRuns: LoadRun[] = [];
  const referenceRuns: LoadRun[] = [];
  const stored: SubmitResult["stored"][number][] = [];
  const memory: StreamMemory[] = [];
  let entryBytes = 0;
  const exact = tool === "autocannon";
  for (let round = 1; round <= options.rounds; round++) {
    await clearReportStreams(redis, keys);
    const memoryBefore = await usedMemory(redis);
    const run = await load(env.submit, plans.submit);
    const entries = exact ? await storedReports(redis, keys) : await settledStoredReports(redis, keys);
    const expected = run.ok * per;
    const ok = exact ? entries === expected : entries >= expected && entries <= (run.ok + connections) * per;
    stored.push({ entries, expected, exact, ok });
    if (exact) memory.push(await streamMemory(redis, keys, memoryBefore));
    if (round === 1) entryBytes = await meanEntryBytes(redis, keys);
    await clearReportStreams(redis, keys);
    const ceiling = await load(env.ceiling, plans.ceiling);
    submitRuns.push(run);
    ceilingRuns.push(ceiling);
    progress(`${tool} round ${round}: submit ${show(run)}; ${n(entries)} entries stored${ok ? "" : ` (EXPECTED ${n(expected)})`}`);
    progress(`${tool} round ${round}: ceiling ${show(ceiling)}`);
    if (plans.reference) {
      const reference = await load(env.reference, plans.reference);
      referenceRuns.push(reference);
      progress(`${tool} round ${round}: reference ${show(reference)}`);
    }
  }
  const submit: SubmitResult = {
    ...serverResult(submitRuns),
    reports: spread(submitRuns.map((r) => r.rate * per)),
    stored,
  };
  const ceiling = serverResult(ceilingRuns);
  const ratio = submit.requests.median / ceiling.requests.median;
  const reference = referenceRuns.length ? serverResult(referenceRuns) : null;
  return {
    memory,
    entryBytes,
    tool: {
      tool, connections, submit, ceiling, ratio,
      reference, referenceRatio: reference ? submit.requests.median / reference.requests.median : null,
      targets: {
        minReportsPerSecond: TARGET_REPORTS_PER_SECOND, minRatio: TARGET_RATIO,
        passReports: submit.reports.median >= TARGET_REPORTS_PER_SECOND && submit.stored.every((s) => s.ok),
        passRatio: ratio >= TARGET_RATIO,
      },
    },
  };
}

/** One autocannon run against a second web child started with --cpu-prof; only the load window is analysed. */
async function profileRun(env: Env, childEnv: Record<string, string>, connections: number) {
  const { progress } = env.run;
  const profiled = await startProfiledServer("submit", WEB_CHILD, { label: "web-prof", env: childEnv, nodeArgs: env.options.webFlags });
  progress(`profile: a web child with --cpu-prof (into ${profiled.dir}), ${env.options.duration} s at ${connections} connections`);
  const target = { ...env.submit, url: profiled.server.url, serverPid: profiled.server.pid };
  await autocannonLoad(target, { connections, durationS: 2 });
  const start = monotonicMicros();
  const run = await autocannonLoad(target, { connections, durationS: env.options.duration });
  const end = monotonicMicros();
  progress(`profile: ${show(run)}`);
  await settledStoredReports(env.redis, env.keys); // let the requests still in flight finish before stopping
  const summary = await stopAndSummarize(profiled, [start, end]);
  await clearReportStreams(env.redis, env.keys);
  return { ...summary, rate: run.rate, cpu: run.cpu };
}

const options = readSubmitOptions();
runBench("submit", options, async (run) => {
  const { progress, redis } = run;
  const scratch = await run.scratch();
  const pool = run.pool(scratch.databaseUrl, 2);
  if (options.withKey) {
    await pool.query("INSERT INTO api_key (valid_key, maxreq, allow_locate, store_sample_submit) VALUES (?, NULL, 1, 100)", [BENCH_KEY]);
  }
  const machine = await readMachineInfo(redis, pool);
  const childEnv = { ...serverChildEnv(options.redisUrl, scratch) };
  const config = loadConfig({ ...process.env, ...childEnv });
  const keys = createKeys(scratch.prefix, config.streamPartitions);

  const bodies = makeBodyPool(createCity(), options.bodies, options.reportsPerRequest, BODY_SEED);
  const sample = JSON.parse(gunzipSync(bodies.bodies[0]!).toString("utf8")) as { items: unknown[] };
  if (sample.items.length !== options.reportsPerRequest) throw new Error("body pool: wrong number of reports");
  progress(`bodies: ${options.bodies} × ${options.reportsPerRequest} reports, ${n(bodies.meanJsonBytes)} B JSON, ${n(bodies.meanGzipBytes)} B gzipped`);

  const web = await startServer(WEB_CHILD, { label: "web", env: childEnv, nodeArgs: options.webFlags, onUnexpectedExit: run.abort });
  const ceilingChild: ServerChild = await startServer(CEILING_CHILD, {
    label: "ceiling", env: { HOST: "127.0.0.1", PORT: "0" }, onUnexpectedExit: run.abort,
  });
  progress(`web process ${web.url} (pid ${web.pid}), ceiling ${ceilingChild.url} (pid ${ceilingChild.pid})`);

  const path = `/v2/geosubmit${options.withKey ? `?key=${BENCH_KEY}` : ""}`;
  const submit: LoadTarget = { url: web.url, path, headers: SUBMIT_HEADERS, bodies: bodies.bodies, serverPid: web.pid, redis };
  const ceiling: LoadTarget = { ...submit, url: ceilingChild.url, serverPid: ceilingChild.pid };
  const env: Env = { options, run, redis, keys, bodies, submit, ceiling, reference: { ...ceiling, path: REFERENCE_PATH } };
  await checkOnce(env);

  const sweepRows = await sweep(env);
  const best = sweepRows.reduce((a, b) => (b.submit.rate > a.submit.rate ? b : a));
  progress(`measuring at ${best.connections} connections (the sweep's best for submit)`);
  const size = (r: LoadRun) => Math.max(best.connections * 10, Math.round(r.rate * options.duration));
  const ac = await measure(env, "autocannon", autocannonLoad, best.connections, {
    submit: { connections: best.connections, amount: size(best.submit) },
    ceiling: { connections: best.connections, amount: size(best.ceiling) },
    reference: { connections: best.connections, amount: size(best.reference) },
  });

  let wrk: ToolResult | null = null;
  if (!options.noWrk && (await hasWrk())) {
    const setup = await prepareWrk(await run.tempDir("wrk"), bodies.bodies, SUBMIT_HEADERS);
    const plan = { connections: best.connections, durationS: options.duration };
    wrk = (await measure(env, "wrk", (t, p) => runWrk(t, setup, p), best.connections, { submit: plan, ceiling: plan })).tool;
  } else if (!options.noWrk) {
    progress("wrk not found on PATH: its rounds are skipped (apt-get install wrk)");
  }

  const profile = options.profile ? await profileRun(env, childEnv, best.connections) : null;

  const results: SubmitBenchResults = {
    machine,
    settings: {
      durationSeconds: options.duration, rounds: options.rounds, warmupSeconds: options.warmup, sweepSeconds: options.sweepDuration,
      connectionsTried: options.connections.join(","), connections: best.connections, withKey: options.withKey,
      partitions: config.streamPartitions, autocannon: "programmatic, in the bench process, pipelining 1",
      webFlags: options.webFlags.join(" "),
    },
    statistic: `median of ${options.rounds} rounds after a ${options.warmup} s warm-up and the sweep; autocannon rounds end after a ` +
      `fixed number of requests sized from the sweep to last ~${options.duration} s, wrk rounds after ${options.duration} s`,
    payload: {
      reportsPerRequest: options.reportsPerRequest, bodies: options.bodies, meanJsonBytes: bodies.meanJsonBytes,
      meanGzipBytes: bodies.meanGzipBytes, meanWifiPerReport: bodies.meanWifiPerReport, meanEntryBytes: ac.entryBytes,
    },
    sweep: sweepRows,
    autocannon: ac.tool,
    wrk,
    memory: {
      perReportMemoryUsage: spread(ac.memory.map((m) => m.memoryUsageBytes / m.entries)).median,
      perReportUsedMemory: spread(ac.memory.map((m) => m.usedMemoryDelta / m.entries)).median,
      entriesPerRound: spread(ac.memory.map((m) => m.entries)).median,
    },
    profile,
  };
  writeReport(options.json, results, formatTable);
});
