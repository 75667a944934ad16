/**
 * `npm run demo:seed`: an Ichnos installation with demo data, for screenshots and for trying the
 * website out. Everything goes through the real interfaces: GNSS-tagged reports from synthetic
 * cities in eight countries (scripts/demo/cities.ts, the benches' generator) are POSTed to
 * /v2/geosubmit, `ichnos drain` applies them, then the statistics jobs run (the stat roll-up, the
 * region stats). The monthly history before today is synthetic (scripts/demo/history.ts).
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createServices, type Services } from "../src/cli/services.ts";
import { loadConfig } from "../src/config.ts";
import { applyMigrations } from "../src/db/migrate.ts";
import { loadRegionStats } from "../src/db/region-stat.ts";
import { loadLatestTotals } from "../src/db/stat-queries.ts";
import { loadStats, STAT_KEYS } from "../src/db/stat.ts";
import { updateRegionStats } from "../src/jobs/pipeline-jobs.ts";
import { rollUpStatCounters } from "../src/jobs/stat-rollup.ts";
import { createLogger } from "../src/logger.ts";
import { createWebProcess } from "../src/process/web-process.ts";
import { createConsumerTables } from "../src/stream/consumer-tables.ts";
import { loadConsumers } from "../src/stream/consumer-registry.ts";
import { KEY_FORMATS } from "../src/stream/keys.ts";
import { DEMO_CITIES, demoUploads } from "./demo/cities.ts";
import { planDemoHistory, writeDemoHistory } from "./demo/history.ts";
import { countStations, DEMO_PREFIX, demoDatabaseUrl, describeTarget } from "./demo/target.ts";
import { submitUploads } from "./demo/submit.ts";

const HELP = `usage: npm run demo:seed -- [--force] [--reports N] [--history-months N]
                            [--database URL] [--prefix P] [--processes N]

Fills an Ichnos installation with DEMO data: ${DEMO_CITIES.length} synthetic cities
(${DEMO_CITIES.map((c) => c.name).join(", ")}) stumbled by GNSS-tagged reports
POSTed to /v2/geosubmit of a web process started here, drained through the pipeline ("ichnos drain"), then the statistics
jobs (stat roll-up, region stats). Every station, square and count comes from those reports,
except the monthly history on /stats: the stat rows before today are SYNTHETIC, part of
today's totals moved back along a growth curve (today's totals are what the pipeline counted).

  --database URL       the database to fill (default: DATABASE_URL's server, database ichnos_demo)
  --prefix P           the Redis key prefix (default: ${DEMO_PREFIX}); REDIS_URL names the server
  --reports N          reports to submit (default 60000)
  --history-months N   months of synthetic history before today (default 11; 0: none)
  --processes N        "ichnos drain --processes N" (default 2)
  --force              seed even when the database already holds stations (mixes demo data in)

An Ichnos already running against the same database and prefix may run meanwhile: its workers
help with the drain. Then look at it:
  DATABASE_URL=mysql://root@127.0.0.1:3306/ichnos_demo REDIS_PREFIX=${DEMO_PREFIX} PORT=8001 npm start`;

const STAT_NAMES = Object.fromEntries(Object.entries(STAT_KEYS).map(([name, key]) => [key, name]));
const say = (line: string) => process.stdout.write(`${line}\n`);

function readOptions() {
  const { values } = parseArgs({
    options: {
      force: { type: "boolean" }, help: { type: "boolean" }, database: { type: "string" },
      prefix: { type: "string" }, reports: { type: "string" }, "history-months": { type: "string" }, processes: { type: "string" },
    },
  });
  const int = (name: string, text: string | undefined, fallback: number, min: number) => {
    const n = text === undefined ? fallback : Number(text.replaceAll("_", ""));
    if (!Number.isSafeInteger(n) || n < min) throw new Error(`--${name} must be a whole number of at least ${min}\n\n${HELP}`);
    return n;
  };
  return {
    help: values.help ?? false, force: values.force ?? false,
    databaseUrl: demoDatabaseUrl(values.database, process.env), prefix: values.prefix ?? DEMO_PREFIX,
    reports: int("reports", values.reports, 60_000, 50), historyMonths: int("history-months", values["history-months"], 11, 0),
    processes: int("processes", values.processes, 2, 1),
  };
}

/** `ichnos drain`, the command itself, against the same database and prefix (its env). */
function drain(processes: number): Promise<void> {
  const bin = fileURLToPath(new URL("../bin/ichnos.js", import.meta.url));
  const child = spawn(process.execPath, [bin, "drain", "--processes", String(processes), "--timeout", "15m"], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout.on("data", (d: Buffer) => {
    out += String(d);
  });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => {
      if (code === 0) resolve();
      else reject(new Error(`ichnos drain exited with code ${code}:\n${out}`));
    });
  });
}

async function clearPageCaches(services: Services): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = (await services.redis.call("SCAN", [cursor, "MATCH", KEY_FORMATS.contentCache(services.keys.prefix, "*"), "COUNT", 1000])) as [string, string[]];
    cursor = next;
    if (keys.length > 0) await services.redis.call("UNLINK", keys);
  } while (cursor !== "0");
}

async function seed(services: Services, options: ReturnType<typeof readOptions>): Promise<number> {
  const stations = await countStations(services.pool);
  if (stations > 0 && !options.force) {
    process.stderr.write(`demo:seed: the database already holds ${stations.toLocaleString("en-US")} stations: refusing to mix demo data into it.\n` +
      "Name another one with --database, or pass --force if this is a demo installation.\n");
    return 1;
  }
  if (stations > 0) say(`--force: adding demo data to the ${stations.toLocaleString("en-US")} stations already there`);
  await applyMigrations({ databaseUrl: options.databaseUrl, log: services.log });
  await createConsumerTables(services, await loadConsumers(services.consumerDeps));

  const uploads = demoUploads(options.reports, Date.now());
  // The web process `ichnos web` runs, on a free port of this machine: the submissions go
  // through the real HTTP API into this database and prefix, and nowhere else.
  const web = await createWebProcess(services);
  try {
    const url = new URL("/v2/geosubmit", web.server.url).href;
    say(`submitting ${uploads.reduce((n, u) => n + u.body.items.length, 0).toLocaleString("en-US")} reports in ${uploads.length} uploads to ${url}`);
    await submitUploads(web.server.url, uploads);
  } finally {
    await web.stop();
  }
  say("draining the pipeline (ichnos drain) …");
  await drain(options.processes);

  const rolled = await rollUpStatCounters(services.pool);
  const today = new Date().toISOString().slice(0, 10);
  // A second run (--force) would stack a second curve on the first: history is written once.
  const hadHistory = (await loadStats(services.pool)).some((row) => row.day < today);
  const plan = hadHistory ? [] : planDemoHistory(await loadLatestTotals(services.pool, today), today, options.historyMonths);
  if (hadHistory) say("stat already holds days before today: no synthetic history added");
  await writeDemoHistory(services.pool, plan);
  const regions = await updateRegionStats(services);
  await clearPageCaches(services);

  say(`stat roll-up: ${rolled.added.toLocaleString("en-US")} counted today; region stats: ${regions} regions`);
  const totals = await loadLatestTotals(services.pool, today);
  say(`running totals today: ${[...totals].map(([key, v]) => `${STAT_NAMES[key]} ${v.toLocaleString("en-US")}`).join(", ")}`);
  say(`regions on /stats/regions: ${[...(await loadRegionStats(services.pool)).keys()].join(", ")}`);
  if (plan.length > 0) {
    say(`NOTE: the monthly history on /stats before ${today} (${options.historyMonths} months, ${plan.length} stat additions) is SYNTHETIC demo data.`);
  }
  return 0;
}

async function main(): Promise<number> {
  const options = readOptions();
  if (options.help) {
    say(HELP);
    return 0;
  }
  // Set for this process and the drain's children alike, before the config is read.
  process.env.DATABASE_URL = options.databaseUrl;
  process.env.REDIS_PREFIX = options.prefix;
  process.env.LOG_LEVEL ||= "warn";
  const config = loadConfig({ ...process.env, HOST: "127.0.0.1", PORT: "0" });
  say(`demo:seed: DEMO data into ${describeTarget(config.databaseUrl, config.redisUrl, config.redisPrefix)}`);
  const services = createServices(config, createLogger(config.logLevel, process.stderr));
  try {
    return await seed(services, options);
  } finally {
    await services.close();
  }
}

process.exitCode = await main().catch((err: unknown) => {
  process.stderr.write(`demo:seed: ${err instanceof Error ? err.message : String(err)}\n`);
  return 1;
});
