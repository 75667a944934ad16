/**
 * `npm run bench:scale`: how Ichnos's throughput changes with more processes and with a Redis
 * Cluster, measured in one run (bench/scale-support/):
 *   1. pipeline: N synthetic reports appended while 1, 2, 3 `ichnos work` processes run, timed to
 *      every group at lag 0 — on the machine's Redis, then on a three-master Redis Cluster of
 *      private redis-server processes; the 1-worker figure of each is the single-process
 *      reference beside the others;
 *   2. submit: 1 and 2 `ichnos web` processes under autocannon, on both Redis setups;
 *   3. locate: one web process reading stations from a private primary, then from a real replica
 *      of it (DATABASE_READ_URL);
 *   4. CPU shares of every process per run, CPU per operation, and from those the hardware MLS's
 *      production load (SPEC §7) would need.
 * On a 2-core box the interest is the shape: whether a second process adds throughput while a
 * core is free, and what the cluster costs per operation. Everything is removed at the end (keys,
 * scratch databases, the cluster's and the MariaDB servers' directories), also on an error or
 * Ctrl-C (harness/run.ts). Progress goes to stderr; the table (or `--json`) to stdout.
 */
import { count as n } from "./harness/format.ts";
import { readMachineInfo } from "./harness/machine.ts";
import { writeReport } from "./harness/report.ts";
import { runBench } from "./harness/run.ts";
import { generateCityReports } from "./harness/world/city-reports.ts";
import { createCity } from "./harness/world/presets.ts";
import { makeBodyPool } from "./harness/world/upload-bodies.ts";
import { estimateMls, type UnitCosts } from "./scale-support/estimate.ts";
import { type LocateRun, runLocate } from "./scale-support/locate-runs.ts";
import { readScaleOptions } from "./scale-support/options.ts";
import { type PipelineRun, runPipeline } from "./scale-support/pipeline-runs.ts";
import { formatTable } from "./scale-support/report.ts";
import { runSubmit, type SubmitRun } from "./scale-support/submit-runs.ts";
import { clusterTarget, type RedisTarget, singleRedisTarget } from "./scale-support/targets.ts";

/** The median run by `value` (the lower middle one of an even count), with the range of all. */
function withRange<T>(runs: readonly T[], value: (r: T) => number): T & { readonly range: readonly [number, number] } {
  const sorted = [...runs].sort((a, b) => value(a) - value(b));
  const median = sorted[Math.floor((sorted.length - 1) / 2)]!;
  return { ...median, range: [value(sorted[0]!), value(sorted.at(-1)!)] };
}

const options = readScaleOptions();
runBench("scale", options, async (run) => {
  const { progress } = run;
  const city = createCity({ seed: options.seed });
  const generated = generateCityReports(city, options.reports, options.seed);
  const bodies = makeBodyPool(city, 200, 50, options.seed);
  progress(`${n(generated.reports)} reports (${generated.meanWifi.toFixed(1)} APs, ${generated.meanCells.toFixed(1)} cells each); ` +
    `${bodies.bodies.length} upload bodies of ${bodies.reportsPerBody} reports`);
  const infoScratch = await run.scratch();
  const machine = await readMachineInfo(run.redis, run.pool(infoScratch.databaseUrl, 1));

  const targets: RedisTarget[] = [singleRedisTarget(options.redisUrl)];
  run.defer(() => targets[0]!.close());
  if (!options.noCluster) {
    progress("starting a three-master Redis Cluster");
    const cluster = await clusterTarget();
    run.defer(() => cluster.close());
    targets.push(cluster);
  }

  const pipeline: PipelineRun[] = [];
  const submit: SubmitRun[] = [];
  for (const target of targets) {
    const pipelineRuns = new Map<number, PipelineRun[]>();
    const submitRuns = new Map<number, SubmitRun[]>();
    // Rounds interleave the process counts, so drift on the shared box falls on all of them.
    for (let round = 1; round <= options.rounds; round++) {
      for (const workers of options.workers) {
        progress(`pipeline on ${target.name}, round ${round}/${options.rounds}: ${workers} worker process${workers === 1 ? "" : "es"}`);
        const p = await runPipeline(run, target, workers, { uploads: generated.uploads, reports: generated.reports, partitions: options.partitions });
        progress(`  ${n(p.observations)} observations in ${(p.windowMs / 1000).toFixed(1)} s (appended in ${(p.appendMs / 1000).toFixed(1)} s): ` +
          `${n(p.observationsPerSecond)}/s, ${n(p.batches)} batches; cpu work ${p.cpu.work}% redis ${p.cpu.redis}% mysql ${p.cpu.mysql}% bench ${p.cpu.bench}%`);
        pipelineRuns.set(workers, [...(pipelineRuns.get(workers) ?? []), p]);
      }
      for (const webs of options.webs) {
        progress(`submit on ${target.name}, round ${round}/${options.rounds}: ${webs} web process${webs === 1 ? "" : "es"}, ${options.submitConnections} connections`);
        const s = await runSubmit(run, target, webs, {
          bodies: bodies.bodies, reportsPerBody: bodies.reportsPerBody, connections: options.submitConnections,
          warmupS: options.warmup, durationS: options.duration, partitions: options.partitions,
        });
        progress(`  ${n(s.reportsPerSecond)} reports/s, p99 ${s.p99Ms} ms; cpu web ${s.cpu.web}% redis ${s.cpu.redis}% bench ${s.cpu.bench}%`);
        submitRuns.set(webs, [...(submitRuns.get(webs) ?? []), s]);
      }
    }
    for (const runs of pipelineRuns.values()) pipeline.push(withRange(runs, (r) => r.observationsPerSecond));
    for (const runs of submitRuns.values()) submit.push(withRange(runs, (r) => r.reportsPerSecond));
  }
  const located = options.noLocate ? null : await runLocate(run, {
    world: city, queries: 5000, connections: options.locateConnections, warmupS: options.warmup, durationS: options.duration, seed: options.seed,
  });
  const locate: readonly LocateRun[] = located?.runs ?? [];

  const onePipeline = pipeline.find((p) => p.target === "one Redis" && p.workers === 1) ?? pipeline[0]!;
  const oneSubmit = submit.find((s) => s.target === "one Redis" && s.webs === 1) ?? submit[0]!;
  const primaryLocate = locate.find((l) => l.reads === "primary");
  const costs: UnitCosts = {
    submit: oneSubmit.cpuMsPerReport,
    pipeline: onePipeline.cpuMsPerObservation,
    locate: primaryLocate ? { web: primaryLocate.cpuMsPerQuery.web, mysql: primaryLocate.cpuMsPerQuery.primary } : null,
    observationsPerReport: onePipeline.observations / generated.reports,
    wifiRowBytes: located?.wifiRowBytes ?? null,
  };
  writeReport(options.json, {
    machine, reports: generated.reports, partitions: options.partitions, pipeline, submit, locate, costs, estimate: estimateMls(costs),
  }, formatTable);
});
