/**
 * `npm run bench:submit`: the submit API's throughput beside the framework's ceiling, in one run.
 *   - the web process under test: a child process running the real composition of `ichnos web`
 *     (bench/submit-support/web-child.ts) on a free port, so the load generator does not share
 *     its event loop;
 *   - the ceiling: a bare h3 app in another child, one POST route that only reads the body; the
 *     same child has a reference route that does only the work no implementation can skip
 *     (gunzip, JSON.parse, one JSON.stringify per report), measured in the autocannon rounds;
 *   - load: autocannon (programmatic, in this process) POSTing gzipped 50-report
 *     NeoStumbler-style bodies from a pool of 200, after a warm-up and a connection sweep; then
 *     the same with wrk when it is on PATH (it needs far less CPU than autocannon);
 *   - checks: the report streams must hold exactly 2xx × 50 entries after each round; their
 *     memory per entry is measured; `--profile` adds a run against a web child started with
 *     --cpu-prof and prints its hottest functions.
 * Everything runs under a unique Redis key prefix and in a scratch database, both removed at the
 * end, also on error or Ctrl-C. Progress goes to stderr; the table (or `--json`) to stdout.
 */
import { mkdtemp, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { loadConfig } from "../src/config.ts";
import { applyMigrations } from "../src/db/migrate.ts";
import { createPool, type Pool } from "../src/db/pool.ts";
import { createLogger } from "../src/logger.ts";
import { closeRedis, createRedis, type RedisClient } from "../src/redis/create-redis.ts";
import { createKeys, type Keys } from "../src/stream/keys.ts";
import { makeBodyPool, SUBMIT_HEADERS, type BodyPool } from "./submit-support/bodies.ts";
import { REFERENCE_PATH } from "./submit-support/child-protocol.ts";
import { killAllChildren, startChild, type ServerChild } from "./submit-support/children.ts";
import { meanShare } from "./submit-support/cpu.ts";
import { runAutocannon, type LoadPlan, type LoadRun, type LoadTarget } from "./submit-support/load.ts";
import { readOptions, type SubmitBenchOptions } from "./submit-support/options.ts";
import { monotonicMicros, summarizeProfile } from "./submit-support/profile.ts";
import {
  formatTable, spread, type ServerResult, type SubmitBenchResults, type SubmitResult, type SweepRow, type ToolResult,
} from "./submit-support/report.ts";
import {
  clearReportStreams, settledStoredReports, storedReports, streamMemory, usedMemory, type StreamMemory,
} from "./submit-support/streams.ts";
import { hasWrk, prepareWrk, runWrk, type WrkSetup } from "./submit-support/wrk.ts";
import { readMachineInfo } from "./support/machine.ts";
import { dropScratchDatabase, planScratch, unlinkPrefix, type Scratch } from "./support/scratch.ts";
import { abortOnExit, cleanUpOnSignals } from "./support/cleanup.ts";

const TARGET_REPORTS_PER_SECOND = 10_000;
const TARGET_RATIO = 0.4;
const BENCH_KEY = "bench-submit-key";

const progress = (message: string) => process.stderr.write(`[bench:submit] ${message}\n`);
const n = (x: number) => Math.round(x).toLocaleString("en-US");
const latency = (x: number) => (x === 0 ? "<1" : x.toFixed(1));
const show = (r: LoadRun) =>
  `${n(r.rate)} req/s, p50 ${latency(r.p50)} ms, p99 ${latency(r.p99)} ms, non-2xx ${r.non2xx}, errors ${r.errors} ` +
  `[cpu loader/server/redis ${r.cpu.loader}/${r.cpu.server}/${r.cpu.redis}%]`;

interface Env {
  readonly options: SubmitBenchOptions;
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
  const warm = Math.max(...options.connections);
  progress(`warm-up: ${options.warmup} s on each server at ${warm} connections`);
  progress(`  submit  ${show(await runAutocannon(env.submit, { connections: warm, durationS: options.warmup }))}`);
  progress(`  ceiling ${show(await runAutocannon(env.ceiling, { connections: warm, durationS: options.warmup }))}`);
  progress(`  reference ${show(await runAutocannon(env.reference, { connections: warm, durationS: options.warmup }))}`);
  await clearReportStreams(env.redis, env.keys);
  const rows: SweepRow[] = [];
  for (const connections of options.connections) {
    const plan = { connections, durationS: options.sweepDuration };
    const submit = await runAutocannon(env.submit, plan);
    await clearReportStreams(env.redis, env.keys);
    const ceiling = await runAutocannon(env.ceiling, plan);
    const reference = await runAutocannon(env.reference, plan);
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
async function profileRun(env: Env, childEnv: Record<string, string>, connections: number, track: (c: ServerChild) => void) {
  const dir = await mkdtemp(join(tmpdir(), "bench-submit-profile-"));
  progress(`profile: a web child with --cpu-prof (into ${dir}), ${env.options.duration} s at ${connections} connections`);
  // No --cpu-prof-name: tsx's loader hooks run on a thread of their own, which writes a profile
  // too, and a fixed name lets it overwrite the main thread's. The main thread's id is 0.
  const web = await startChild("./web-child.ts", {
    label: "web-prof", env: childEnv, nodeArgs: [...env.options.webFlags, "--cpu-prof", "--cpu-prof-dir", dir],
  });
  track(web);
  const target = { ...env.submit, url: web.url, serverPid: web.pid };
  await runAutocannon(target, { connections, durationS: 2 });
  const start = monotonicMicros();
  const run = await runAutocannon(target, { connections, durationS: env.options.duration });
  const end = monotonicMicros();
  progress(`profile: ${show(run)}`);
  await settledStoredReports(env.redis, env.keys); // let the requests still in flight finish before stopping
  const code = await web.stop();
  if (code !== 0) throw new Error(`the profiled web child exited with ${code}; no profile`);
  await clearReportStreams(env.redis, env.keys);
  const main = (await readdir(dir)).find((f) => new RegExp(`^CPU\\.\\d+\\.\\d+\\.${web.pid}\\.0\\.\\d+\\.cpuprofile$`).test(f));
  if (!main) throw new Error(`no main-thread profile of pid ${web.pid} in ${dir}`);
  return { ...(await summarizeProfile(join(dir, main), [start, end])), rate: run.rate, cpu: run.cpu };
}

async function main(): Promise<void> {
  const options = readOptions();
  const base = planScratch(options.databaseUrl);
  const scratch: Scratch = { ...base, prefix: base.prefix.replace(/^bench-log-/, "bench-submit-") };
  const quiet = createLogger("warn", process.stderr);
  const redis = createRedis({ url: options.redisUrl, name: "ichnos:bench-submit" });
  const children: ServerChild[] = [];
  let pool: Pool | null = null;
  let wrkSetup: WrkSetup | null = null;
  let cleaned: Promise<void> | null = null;
  const cleanup = () => (cleaned ??= (async () => {
    const codes = await Promise.all(children.map((c) => c.stop().catch((err) => `error ${err}`)));
    killAllChildren();
    await wrkSetup?.remove().catch(() => undefined);
    const removed = await unlinkPrefix(redis, scratch.prefix).catch((err) => {
      progress(`could not remove keys: ${err}`);
      return 0;
    });
    await closeRedis(redis);
    await pool?.end().catch(() => undefined);
    await dropScratchDatabase(scratch).catch((err) => progress(`could not drop ${scratch.databaseName}: ${err}`));
    progress(`cleaned up: ${children.length} server children stopped (exit ${codes.join(", ") || "-"}), ` +
      `${removed} keys under ${scratch.prefix}:*, database ${scratch.databaseName}`);
  })());
  const abort = abortOnExit(cleanup, progress);
  cleanUpOnSignals(cleanup, progress);

  try {
    progress(`scratch database ${scratch.databaseName}, key prefix ${scratch.prefix}`);
    await applyMigrations({ databaseUrl: scratch.databaseUrl, log: quiet });
    pool = createPool(scratch.databaseUrl, 2);
    if (options.withKey) {
      await pool.query("INSERT INTO api_key (valid_key, maxreq, allow_locate, store_sample_submit) VALUES (?, NULL, 1, 100)", [BENCH_KEY]);
    }
    const machine = await readMachineInfo(redis, pool);
    const childEnv = {
      REDIS_URL: options.redisUrl, DATABASE_URL: scratch.databaseUrl, REDIS_PREFIX: scratch.prefix,
      HOST: "127.0.0.1", PORT: "0", LOG_LEVEL: "warn",
    };
    const config = loadConfig({ ...process.env, ...childEnv });
    const keys = createKeys(scratch.prefix, config.streamPartitions);

    const bodies = makeBodyPool(options.bodies, options.reportsPerRequest);
    const sample = JSON.parse(gunzipSync(bodies.bodies[0]!).toString("utf8")) as { items: unknown[] };
    if (sample.items.length !== options.reportsPerRequest) throw new Error("body pool: wrong number of reports");
    progress(`bodies: ${options.bodies} × ${options.reportsPerRequest} reports, ${n(bodies.meanJsonBytes)} B JSON, ${n(bodies.meanGzipBytes)} B gzipped`);

    const web = await startChild("./web-child.ts", { label: "web", env: childEnv, nodeArgs: options.webFlags, onUnexpectedExit: abort });
    children.push(web);
    const ceilingChild = await startChild("./ceiling-child.ts", {
      label: "ceiling", env: { HOST: "127.0.0.1", PORT: "0" }, onUnexpectedExit: abort,
    });
    children.push(ceilingChild);
    progress(`web process ${web.url} (pid ${web.pid}), ceiling ${ceilingChild.url} (pid ${ceilingChild.pid})`);

    const path = `/v2/geosubmit${options.withKey ? `?key=${BENCH_KEY}` : ""}`;
    const submit: LoadTarget = { url: web.url, path, headers: SUBMIT_HEADERS, bodies: bodies.bodies, serverPid: web.pid, redis };
    const ceiling: LoadTarget = { ...submit, url: ceilingChild.url, serverPid: ceilingChild.pid };
    const env: Env = { options, redis, keys, bodies, submit, ceiling, reference: { ...ceiling, path: REFERENCE_PATH } };
    await checkOnce(env);

    const sweepRows = await sweep(env);
    const best = sweepRows.reduce((a, b) => (b.submit.rate > a.submit.rate ? b : a));
    progress(`measuring at ${best.connections} connections (the sweep's best for submit)`);
    const size = (run: LoadRun) => Math.max(best.connections * 10, Math.round(run.rate * options.duration));
    const ac = await measure(env, "autocannon", runAutocannon, best.connections, {
      submit: { connections: best.connections, amount: size(best.submit) },
      ceiling: { connections: best.connections, amount: size(best.ceiling) },
      reference: { connections: best.connections, amount: size(best.reference) },
    });

    let wrk: ToolResult | null = null;
    if (options.wrk && (await hasWrk())) {
      wrkSetup = await prepareWrk(bodies.bodies, SUBMIT_HEADERS);
      const setup = wrkSetup;
      const plan = { connections: best.connections, durationS: options.duration };
      wrk = (await measure(env, "wrk", (t, p) => runWrk(t, setup, p), best.connections, { submit: plan, ceiling: plan })).tool;
    } else if (options.wrk) {
      progress("wrk not found on PATH: its rounds are skipped (apt-get install wrk)");
    }

    const profile = options.profile ? await profileRun(env, childEnv, best.connections, (c) => children.push(c)) : null;

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
    process.stdout.write(options.json ? `${JSON.stringify(results, null, 2)}\n` : `${formatTable(results)}\n`);
  } finally {
    await cleanup();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
