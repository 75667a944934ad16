/**
 * Several hosts' worth of processes on one Redis and one database: two `ichnos web` and three
 * `ichnos work`, real processes, under submit and locate load. One worker is killed mid-run; the
 * others take over its pending entries. At the end every group is at lag 0 with nothing
 * pending, every report was split exactly once, the station tables are those one process
 * would have built from the same reports (a twice-applied entry would double its samples), and
 * locate answers the same from either web process as from that reference. The run is made on one
 * Redis server, then again on a three-master Redis Cluster (REDIS_CLUSTER_NODES); one reference
 * serves both.
 */
import { writeFileSync } from "node:fs";
import { Cluster } from "ioredis";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import type { Pool } from "../../src/db/pool.ts";
import type { RedisClient } from "../../src/redis/create-redis.ts";
import type { GroupStreamStatus } from "../../src/stream/group-status.ts";
import { artifactPath } from "../support/artifacts.ts";
import { type CliProcess, startCli } from "../support/cli-process.ts";
import { createOutageWebEnv } from "../support/outage-web-setup.ts";
import { startRedisCluster } from "../support/redis-cluster.ts";
import { runCli } from "../support/run-cli.ts";
import { waitFor } from "../support/stream-setup.ts";
import { syntheticGeosubmits } from "../support/synthetic-reports.ts";
import { rowCount, snapshotTables, STATION_TABLES, withoutTimes } from "../support/table-snapshot.ts";
import { createWebTestEnv, type WebTestEnv } from "../support/web-setup.ts";

const S = suite("scale-out: two web and three worker processes");

const REPORTS = 900;
const SEED = 31;
const KEYS = "INSERT INTO api_key (valid_key, maxreq, allow_fallback, allow_locate, allow_region, store_sample_locate, store_sample_submit) VALUES ('scale', 0, 0, 1, 1, 0, 100)";

/**
 * Rows that do not depend on how observations were batched (as in two-instances.test.ts), with
 * positions and weights to 12 significant digits: sums added in another order differ in the
 * last ones. Counts (samples) stay exact, so an entry applied twice still shows.
 */
function comparable(snapshot: Record<string, unknown[]>): Record<string, unknown[]> {
  const round = (v: unknown) => (typeof v === "number" && !Number.isInteger(v) ? Number(v.toPrecision(12)) : v);
  return Object.fromEntries(Object.entries(withoutTimes(snapshot)).map(([t, rows]) =>
    [t, (rows as Record<string, unknown>[]).map(({ region, ...rest }) => {
      // The synthetic world's carried beacons: blocked or not by the batching (two-instances.test.ts).
      if (t.startsWith("blue_")) return { mac: rest.mac };
      const row = Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, round(v)]));
      return rest.block_count === null ? { region, ...row } : row;
    })]));
}

interface Answer {
  location?: { lat: number; lng: number };
  accuracy?: number;
}
/** The same answer, to the last digits the station sums leave alone (see comparable()): 1e-6° and 1 cm. */
function sameAnswer(actual: Answer, expected: Answer): boolean {
  if (!expected.location || !actual.location) return JSON.stringify(actual) === JSON.stringify(expected);
  return Math.abs(actual.location.lat - expected.location.lat) < 1e-6 && Math.abs(actual.location.lng - expected.location.lng) < 1e-6 &&
    Math.abs((actual.accuracy ?? 0) - (expected.accuracy ?? 0)) < 0.01;
}

/** Where the scaled processes run: their database, Redis (one server or a cluster) and key prefix. */
interface Target {
  readonly label: string;
  readonly pool: Pool;
  /** A client of the target's Redis (a Cluster client on the cluster) for looking at consumers. */
  readonly redis: RedisClient;
  readonly prefix: string;
  /** DATABASE_URL, REDIS_URL, REDIS_PREFIX (and REDIS_CLUSTER_NODES) for the CLI processes. */
  readonly env: Record<string, string>;
  close(): Promise<void>;
}

const PROCESS_ENV = { STREAM_PARTITIONS: "2", CONSUMER_BLOCK: "100ms", CONSUMER_BATCH: "50", CONSUMER_LIVENESS: "2s", LOG_LEVEL: "info" };

const cliEnv = (env: WebTestEnv) => ({ DATABASE_URL: env.databaseUrl, REDIS_URL: env.redisUrl, REDIS_PREFIX: env.prefix, ...PROCESS_ENV });

async function groups(target: Target): Promise<GroupStreamStatus[]> {
  const out = await runCli(["groups", "--json"], { ...target.env, LOG_LEVEL: "error" });
  assert.is(out.code, 0, out.stderr);
  return JSON.parse(out.stdout) as GroupStreamStatus[];
}

/** The Wi-Fi networks of a body's reports, as geolocate queries (a known key that stores no query reports). */
function queriesOf(body: { items: unknown[] }): string[] {
  return (body.items as { wifiAccessPoints?: { macAddress: string; signalStrength?: number }[] }[]).slice(0, 5).map((item) =>
    JSON.stringify({ considerIp: false, wifiAccessPoints: (item.wifiAccessPoints ?? []).map((w) => ({ macAddress: w.macAddress, signalStrength: w.signalStrength })) }));
}

const record = (flat: unknown[]): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[String(flat[i])] = flat[i + 1];
  return out;
};

/** The target's keys under its prefix: KEYS on each master of a cluster. */
async function keysOf(target: Target): Promise<string[]> {
  const pattern = `${target.prefix}:{*}`;
  const nodes = target.redis instanceof Cluster ? target.redis.nodes("master") : [target.redis];
  return (await Promise.all(nodes.map((node) => node.keys(pattern)))).flat();
}

/** Per worker pid, the entries it holds unacknowledged now, over every group of every stream. */
async function pendingByPid(target: Target): Promise<Map<number, number>> {
  const byPid = new Map<number, number>();
  const { redis } = target;
  for (const key of await keysOf(target)) {
    if ((await redis.type(key)) !== "stream") continue;
    for (const g of (await redis.call("XINFO", "GROUPS", key)) as unknown[][]) {
      for (const c of (await redis.call("XINFO", "CONSUMERS", key, String(record(g).name))) as unknown[][]) {
        const { name, pending } = record(c);
        const pid = Number(/-(\d+)-[0-9a-f]{6}$/.exec(String(name))?.[1]);
        if (Number(pending) > 0) byPid.set(pid, (byPid.get(pid) ?? 0) + Number(pending));
      }
    }
  }
  return byPid;
}

const locate = async (base: string, body: string) => {
  const res = await fetch(new URL("v1/geolocate?key=scale", base), { method: "POST", body, headers: { "content-type": "application/json" } });
  return { status: res.status, body: await res.json() };
};

/** The reference: the same reports submitted to one in-process app and drained by one process. */
interface Reference {
  readonly env: WebTestEnv;
  readonly stations: Record<string, unknown[]>;
}
let reference: Promise<Reference> | null = null;
const bodies = syntheticGeosubmits({ reports: REPORTS, seed: SEED }, 25);

function referenceRun(): Promise<Reference> {
  reference ??= (async () => {
    const env = await createWebTestEnv("scale-alone");
    await env.pool.query(KEYS);
    for (const body of bodies) {
      const res = await env.app.request("/v2/geosubmit?key=scale", { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } });
      assert.is(res.status, 200);
    }
    const drained = await runCli(["drain", "--timeout", "90s"], cliEnv(env), 120_000);
    assert.is(drained.code, 0, drained.stderr);
    return { env, stations: comparable(await snapshotTables(env.pool, STATION_TABLES)) };
  })();
  return reference;
}

S.after(async () => {
  if (reference) await (await reference).env.close();
});

async function singleRedisTarget(): Promise<Target> {
  const env = await createWebTestEnv("scale-out");
  return { label: "one Redis", pool: env.pool, redis: env.redis, prefix: env.prefix, env: cliEnv(env), close: () => env.close() };
}

async function clusterTarget(): Promise<Target> {
  const cluster = await startRedisCluster();
  try {
    const web = await createOutageWebEnv("scale-cluster", cluster.env.REDIS_URL, { REDIS_CLUSTER_NODES: cluster.env.REDIS_CLUSTER_NODES });
    const { config, pool, redis } = web.services;
    return {
      label: "the cluster", pool, redis, prefix: config.redisPrefix,
      env: { DATABASE_URL: web.databaseUrl, ...cluster.env, REDIS_PREFIX: config.redisPrefix, ...PROCESS_ENV },
      async close() {
        await web.close();
        await cluster.close();
      },
    };
  } catch (err) {
    await cluster.close();
    throw err;
  }
}

async function scaleOut(scaled: Target): Promise<void> {
  const processes: CliProcess[] = [];
  let stopSampling = async () => undefined;
  try {
    await scaled.pool.query(KEYS);
    const { env } = scaled;
    const webs = [0, 1].map(() => startCli(["web"], { ...env, PORT: "0", HOST: "127.0.0.1" }));
    processes.push(...webs);
    const urls = await Promise.all(webs.map(async (w) => (await w.waitForLog(/"url":"(http:[^"]+)"[^\n]*"msg":"http server listening"/))[1]!));
    const workers = [0, 1, 2].map(() => startCli(["work"], env));
    processes.push(...workers);
    await Promise.all(workers.map((w) => w.waitForLog(/"msg":"consumers started"/)));

    // Submit load, spread over both web processes by four senders, with locate load beside it.
    let next = 0;
    let sent = 0;
    let located = 0;
    const statuses: number[] = [];
    const sender = async (lane: number) => {
      for (let i = next++; i < bodies.length; i = next++) {
        const res = await fetch(new URL("v2/geosubmit?key=scale", urls[(i + lane) % 2]!), {
          method: "POST", body: JSON.stringify(bodies[i]), headers: { "content-type": "application/json" },
        });
        statuses.push(res.status);
        sent += bodies[i]!.items.length;
        for (const q of queriesOf(bodies[Math.max(0, i - 4)]!).slice(0, 1)) {
          const answer = await locate(urls[(i + lane + 1) % 2]!, q);
          assert.ok(answer.status === 200 || answer.status === 404, `locate answered ${answer.status}`);
          located += 1;
        }
      }
    };
    // Which workers held entries at some point: the load reached all three.
    const holders = new Set<number>();
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        for (const pid of (await pendingByPid(scaled)).keys()) holders.add(pid);
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    stopSampling = async () => {
      sampling = false;
      await sampler;
    };
    let heldAtDeath = 0;
    let victim = -1;
    const killer = (async () => {
      // Mid-run, while it holds entries: a worker dies without a word (no SIGTERM hand-over). The
      // first worker found holding some: one worker alone may be between batches at every look.
      await waitFor("half the reports sent", async () => sent >= REPORTS / 2, 60_000);
      heldAtDeath = await waitFor("a worker holding entries", async () => {
        const held = await pendingByPid(scaled);
        const i = workers.findIndex((w) => (held.get(w.child.pid!) ?? 0) > 0);
        if (i < 0) return 0;
        victim = i;
        workers[i]!.child.kill("SIGKILL");
        return held.get(workers[i]!.child.pid!)!;
      }, 60_000);
      await workers[victim]!.exited;
    })();
    await Promise.all([0, 1, 2, 3].map(sender));
    await killer;
    assert.ok(heldAtDeath > 0, "the killed worker held entries when it died");
    assert.ok(statuses.every((s) => s === 200), `every submission accepted: ${JSON.stringify([...new Set(statuses)])}`);
    assert.is(sent, REPORTS);
    assert.ok(located >= bodies.length, "locate ran beside the submissions");

    let last: GroupStreamStatus[] = [];
    const settled = await waitFor("every group at lag 0 with nothing pending", async () => {
      last = await groups(scaled);
      return last.length > 0 && last.every((r) => r.lag === 0 && r.pending === 0) && last;
    }, 120_000).catch(async (err: unknown) => {
      const behind = last.filter((r) => r.lag !== 0 || r.pending !== 0).map((r) => `${r.group} ${r.stream} lag ${r.lag} pending ${r.pending} consumers ${r.consumers}`);
      const tails = workers.map((w, i) => `worker ${i} (pid ${w.child.pid}, exit ${w.child.exitCode ?? w.child.signalCode ?? "running"}):\n${w.output().split("\n").filter((l) => /"level":[456]0/.test(l) && !l.includes("export backup is off")).slice(-20).join("\n")}\n${w.output().split("\n").filter((l) => !l.includes("export backup is off")).slice(-8).join("\n")}`);
      // Whole logs as artifacts: the tails above may miss where a loop went quiet.
      for (const [i, w] of workers.entries()) writeFileSync(artifactPath(`scale-out-${scaled.label.replaceAll(" ", "-")}-worker-${i}.log`), w.output());
      const [trx] = await scaled.pool.query("SELECT trx_state, trx_started, trx_mysql_thread_id, trx_query FROM information_schema.innodb_trx");
      const [locks] = await scaled.pool.query("SELECT ID, COMMAND, TIME, STATE, LEFT(INFO, 120) AS info FROM information_schema.PROCESSLIST WHERE DB = DATABASE() AND COMMAND <> 'Sleep'");
      throw new Error(`${String(err)}; still behind: ${behind.join("; ")}\nMySQL transactions: ${JSON.stringify(trx)}\nbusy connections: ${JSON.stringify(locks)}\n${tails.join("\n")}`);
    });
    await stopSampling();
    assert.equal([...holders].filter((pid) => workers.some((w) => w.child.pid === pid)).sort(), workers.map((w) => w.child.pid!).sort(),
      "every worker was handed entries");
    const split = settled.filter((r) => r.group === "export:internal");
    assert.is(split.reduce((n, r) => n + r.applied, 0), REPORTS, "every report split exactly once");
    assert.ok(settled.every((r) => r.deadLetters === 0 && r.lost === 0), "no dead letters, nothing lost");

    // The survivors took over what the dead one held (lag 0, nothing pending above) and stop cleanly.
    for (const w of workers.filter((_, i) => i !== victim)) assert.is(await w.stop(10_000), 0, w.output());

    // The reference: the same reports, one process.
    const { env: alone, stations: expectedStations } = await referenceRun();
    const stations = comparable(await snapshotTables(scaled.pool, STATION_TABLES));
    assert.ok(rowCount(stations) >= 100, `stations were learned (${rowCount(stations)})`);
    assert.equal(stations, expectedStations, "the stations one process would have built: nothing applied twice, nothing missed");

    // Either web process answers as the reference does.
    for (const q of bodies.slice(0, 6).flatMap(queriesOf).slice(0, 12)) {
      const expected: unknown = await (await alone.app.request("/v1/geolocate?key=scale", { method: "POST", body: q, headers: { "content-type": "application/json" } })).json();
      for (const url of urls) {
        const actual = (await locate(url!, q)).body as Answer;
        assert.ok(sameAnswer(actual, expected as Answer), `${url}: ${JSON.stringify(actual)} against ${JSON.stringify(expected)}`);
      }
    }
  } finally {
    await stopSampling();
    await Promise.all(processes.map((p) => p.stop(5000)));
  }
}

async function withTarget(make: () => Promise<Target>): Promise<void> {
  // The reference is built beside the first run's processes starting.
  const [target] = await Promise.all([make(), referenceRun()]);
  try {
    await scaleOut(target);
  } finally {
    await target.close();
  }
}

S("submissions through two web processes, applied by three workers (one killed mid-run), end as one process would have left them", () =>
  withTarget(singleRedisTarget));

S("the same on a three-master Redis Cluster", () => withTarget(clusterTarget));

S.run();
