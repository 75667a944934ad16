/**
 * `npm run bench:archive`: the reports archive's throughput beside its ceilings, in one run.
 *   1. backup: the `s3` exporter (export:backup, one object per --batch reports) archiving the
 *      filled report partitions into s3rver, vs a bare PutObject loop of the same objects;
 *   2. replay: a rebuild of a no-op projection reading the archive (streams trimmed away), vs a
 *      bare GetObject + gunzip + parse loop over the same objects, beside the same rebuild
 *      reading the retained streams.
 * The reports are the synthetic city's stream entries (harness/world/stream-reports.ts). Scratch
 * database, key prefix, s3rver child and its directory are removed at the end, also on an error
 * or Ctrl-C (harness/run.ts). Progress goes to stderr; the table (or `--json`) to stdout.
 */
import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { gunzipSync } from "node:zlib";
import { listArchiveObjects } from "../src/archive/archive-listing.ts";
import { findArchivedHistory } from "../src/archive/archive-spans.ts";
import type { ArchiveObjectInfo } from "../src/archive/archive-continuity.ts";
import { toExportConfig } from "../src/domain/export-config.ts";
import { createExportConsumer } from "../src/exports/export-consumer.ts";
import { lazyRegionLookup } from "../src/geo/lazy-regions.ts";
import { createLogger } from "../src/logger.ts";
import type { RedisClient } from "../src/redis/create-redis.ts";
import { createAppender } from "../src/stream/append.ts";
import { createConsumerRuntime } from "../src/stream/consumer-runtime.ts";
import { defineConsumer } from "../src/stream/define-consumer.ts";
import { drainGroups } from "../src/stream/drain.ts";
import { findMissingHistory } from "../src/stream/history-check.ts";
import { createKeys } from "../src/stream/keys.ts";
import { rebuildGroup } from "../src/stream/rebuild.ts";
import { type CpuSample, cpuSpent, sampleCpu } from "./harness/cpu.ts";
import { readMachineInfo } from "./harness/machine.ts";
import { writeReport } from "./harness/report.ts";
import { runBench } from "./harness/run.ts";
import { createCity } from "./harness/world/presets.ts";
import { reportEntry, streamReports } from "./harness/world/stream-reports.ts";
import { readArchiveOptions } from "./archive-support/options.ts";
import { BACKUP_TARGET, formatTable, type PhaseCpu, REPLAY_TARGET } from "./archive-support/report.ts";
import { startS3Server } from "./archive-support/s3-server.ts";

const rate = (n: number, ms: number) => Math.round((n * 1000) / ms);
const fmt = (n: number) => `${n.toLocaleString("en-US")}/s`;

/**
 * CPU per 1,000 reports of a phase, by process: on a 2-core box the sum is what bounds a rate,
 * and it shows which process a ratio is really about.
 */
async function phaseCpu(redis: RedisClient, before: CpuSample, s3Pid: number, reports: number): Promise<PhaseCpu> {
  const spent = cpuSpent(before, await sampleCpu(redis, s3Pid));
  const per = (ms: number) => (ms * 1000) / reports;
  return {
    bench: per(spent.loader), s3rver: spent.server === null ? null : per(spent.server),
    redis: per(spent.redis), mariadb: spent.mysql === null ? null : per(spent.mysql),
  };
}

const options = readArchiveOptions();
runBench("archive", options, async (bench) => {
  const { progress, redis } = bench;
  const { reports, partitions, batch } = options;
  const log = createLogger("warn", process.stderr);
  const scratch = await bench.scratch();
  const pool = bench.pool(scratch.databaseUrl, 10);
  const s3 = await startS3Server(bench, "ichnos-bench");
  const keys = createKeys(scratch.prefix, partitions);
  const appender = createAppender(redis, keys);
  const entries = streamReports(createCity());

  progress(`filling ${partitions} partitions with ${reports} reports`);
  const streams = keys.reportStreams();
  for (let i = 0; i < reports; i += 1000) {
    const byPartition = streams.map((stream) => ({ stream, payloads: [] as unknown[] }));
    for (let j = i; j < Math.min(reports, i + 1000); j++) byPartition[j % partitions]!.payloads.push(reportEntry(entries.report(j), "NeoStumbler/32"));
    await appender.appendMany(byPartition);
  }

  // 1. The backup, as `ichnos drain` runs it.
  const location = { bucket: s3.bucket, prefix: "backup" };
  const config = toExportConfig({ name: "backup", batch, schema: "s3", url: `s3://${s3.bucket}/backup`, skip_keys: null, skip_sources: null });
  const deps = { pool, redis, keys, regions: lazyRegionLookup(), archive: { s3: () => s3.client, backupUrl: undefined, maxAgeMs: 60_000 } };
  const backup = createExportConsumer(config, deps);
  const settings = { batchSize: batch, blockMs: 50, claimIdleMs: 60_000, maxDeliveries: 3, flush: true };
  let cpu = await sampleCpu(redis, s3.pid);
  let t = Date.now();
  const drained = await drainGroups({ redis, pool, keys, log }, createConsumerRuntime({ redis, pool, keys, log, consumers: [backup], settings }), [backup], { timeoutMs: 600_000 });
  if (!drained.drained) throw new Error("the backup did not drain");
  const backupRate = rate(reports, Date.now() - t);
  const backupCpu = await phaseCpu(redis, cpu, s3.pid, reports);
  progress(`backup: ${fmt(backupRate)}`);

  const objects: ArchiveObjectInfo[][] = await Promise.all(streams.map((_, p) => listArchiveObjects(s3.client, location, p)));
  const all = objects.flat();
  progress(`${all.length} objects; bare PutObject of the same objects`);
  const bodies = await Promise.all(all.map(async (o) => {
    const got = await s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: o.key }));
    return { key: o.key, body: Buffer.from(await got.Body!.transformToByteArray()) };
  }));
  // One loop per partition, as the exporter's loops run.
  const perPartition = streams.map((_, p) => bodies.filter((b) => b.key.includes(`/reports-${p}/`)));
  cpu = await sampleCpu(redis, s3.pid);
  t = Date.now();
  await Promise.all(perPartition.map(async (list) => {
    for (const b of list) {
      await s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: `ceiling/${b.key}`, Body: b.body, ContentEncoding: "gzip" }));
    }
  }));
  const putRate = rate(reports, Date.now() - t);
  const putCpu = await phaseCpu(redis, cpu, s3.pid, reports);
  progress(`bare PutObject: ${fmt(putRate)}`);

  // 2. Replays into a no-op projection with a table of its own (so it can be rebuilt).
  await pool.query("CREATE TABLE bench_noop (id INT PRIMARY KEY)");
  const noop = defineConsumer({ name: "bench-noop", reads: "reports", start: "0", tables: ["bench_noop"], batchSize: batch, async project() {} });
  t = Date.now();
  await rebuildGroup({ redis, pool, keys, log }, noop, { kind: "start" });
  const streamRate = rate(reports, Date.now() - t);
  progress(`rebuild from the streams: ${fmt(streamRate)}`);

  for (const stream of streams) await redis.call("XTRIM", stream, "MAXLEN", "0");
  const missing = (await Promise.all(streams.map((st) => findMissingHistory({ redis, pool, keys }, st, { kind: "start" })))).filter((m) => m !== null);
  const { archive, stillMissing } = await findArchivedHistory({ redis, keys, s3: s3.client, location }, { kind: "start" }, missing);
  if (stillMissing.length > 0 || archive.spans.size !== partitions) throw new Error("the archive does not cover every partition");
  t = Date.now();
  await rebuildGroup({ redis, pool, keys, log }, noop, { kind: "start" }, { archive });
  const archiveRate = rate(reports, Date.now() - t);
  progress(`rebuild from the archive: ${fmt(archiveRate)}`);

  t = Date.now();
  await Promise.all(perPartition.map(async (list) => {
    for (const b of list) {
      const got = await s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: b.key }));
      for (const line of gunzipSync(await got.Body!.transformToByteArray()).toString("utf8").split("\n")) if (line) JSON.parse(line);
    }
  }));
  const getRate = rate(reports, Date.now() - t);

  const machine = await readMachineInfo(redis, pool);
  const submitRate = options.submitRate;
  writeReport(options.json, {
    machine,
    settings: { reports, partitions, batch, objects: all.length },
    backup: { rate: backupRate, ceiling: putRate, cpu: backupCpu, ceilingCpu: putCpu },
    submitRate,
    replay: { archive: archiveRate, ceiling: getRate, streams: streamRate },
    targets: {
      backupRatio: backupRate / putRate, passBackup: backupRate >= BACKUP_TARGET * putRate,
      passSubmit: submitRate === null ? null : backupRate > submitRate,
      replayRatio: archiveRate / streamRate, passReplay: archiveRate >= REPLAY_TARGET * streamRate,
    },
  }, formatTable);
});
