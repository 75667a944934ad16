/**
 * `npm run bench:archive`: the reports archive's throughput beside its ceilings, in one run.
 *   1. backup: the `s3` exporter (export:backup, one object per --batch reports) archiving the
 *      filled report partitions into s3rver, vs a bare PutObject loop of the same objects;
 *   2. replay: a rebuild of a no-op projection reading the archive (streams trimmed away), vs a
 *      bare GetObject + gunzip + parse loop over the same objects, beside the same rebuild
 *      reading the retained streams.
 * Scratch database, key prefix and s3rver directory are removed at the end.
 */
import { parseArgs } from "node:util";
import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { gunzipSync } from "node:zlib";
import { listArchiveObjects } from "../src/archive/archive-listing.ts";
import { findArchivedHistory } from "../src/archive/archive-spans.ts";
import { findMissingHistory } from "../src/stream/history-check.ts";
import type { ArchiveObjectInfo } from "../src/archive/archive-continuity.ts";
import { applyMigrations } from "../src/db/migrate.ts";
import { createPool } from "../src/db/pool.ts";
import { toExportConfig } from "../src/domain/export-config.ts";
import { createExportConsumer } from "../src/exports/export-consumer.ts";
import { lazyRegionLookup } from "../src/geo/lazy-regions.ts";
import { createLogger } from "../src/logger.ts";
import { closeRedis, createRedis, type RedisClient } from "../src/redis/create-redis.ts";
import { createAppender } from "../src/stream/append.ts";
import { createConsumerRuntime } from "../src/stream/consumer-runtime.ts";
import { defineConsumer } from "../src/stream/define-consumer.ts";
import { drainGroups } from "../src/stream/drain.ts";
import { createKeys } from "../src/stream/keys.ts";
import { rebuildGroup } from "../src/stream/rebuild.ts";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { S3Client } from "@aws-sdk/client-s3";
import { freePort } from "../test/support/private-redis.ts";
import { procCpuMs, sampleCpu, type CpuSample } from "./support/cpu.ts";
import { readMachineInfo } from "./support/machine.ts";
import { makeReport } from "./support/payload.ts";
import { dropScratchDatabase, planScratch, unlinkPrefix } from "./support/scratch.ts";

/** s3rver in a child process (see s3rver-child.ts), with a client for it. */
async function startS3Child(bucket: string) {
  const port = await freePort();
  const directory = mkdtempSync(join(tmpdir(), "ichnos-bench-s3-"));
  const script = fileURLToPath(new URL("./archive-support/s3rver-child.ts", import.meta.url));
  const child = spawn(process.execPath, ["--import", "tsx", script, String(port), directory, bucket], { stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (d) => String(d).includes("listening") && resolve());
    child.once("exit", (code) => reject(new Error(`s3rver exited (${code})`)));
  });
  const client = new S3Client({
    endpoint: `http://127.0.0.1:${port}`, region: "us-east-1", forcePathStyle: true, credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
  });
  return {
    bucket, client,
    /** The server's CPU so far, in ms (null without /proc). */
    cpuMs: () => procCpuMs(child.pid!, false),
    async close() {
      client.destroy();
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

const progress = (message: string) => process.stderr.write(`[bench:archive] ${message}\n`);
const rate = (n: number, ms: number) => Math.round((n * 1000) / ms);
const fmt = (n: number) => `${n.toLocaleString("en-US")}/s`;

/**
 * CPU per 1,000 reports of a phase, by process: on a 2-core box the sum is what bounds a rate,
 * and it shows which process a ratio is really about.
 */
interface PhaseCpu { readonly before: CpuSample; readonly s3Before: number | null }
async function startPhase(redis: RedisClient, s3: { cpuMs(): number | null }): Promise<PhaseCpu> {
  return { before: await sampleCpu(redis), s3Before: s3.cpuMs() };
}
async function phaseCpu(redis: RedisClient, s3: { cpuMs(): number | null }, phase: PhaseCpu, reports: number): Promise<string> {
  const s3After = s3.cpuMs();
  const after = await sampleCpu(redis);
  const per = (ms: number | null) => (ms === null ? "?" : `${Math.round((ms * 1000) / reports)} ms`);
  const mysql = after.mysqlMs === null || phase.before.mysqlMs === null ? null : after.mysqlMs - phase.before.mysqlMs;
  return `CPU per 1,000 reports: bench process ${per(after.clientMs - phase.before.clientMs)}, s3rver ${per(s3After === null || phase.s3Before === null ? null : s3After - phase.s3Before)}, ` +
    `Redis ${per(after.redisMs - phase.before.redisMs)}, MariaDB ${per(mysql)}`;
}

const { values } = parseArgs({ options: {
  reports: { type: "string", default: "40000" }, partitions: { type: "string", default: "4" }, batch: { type: "string", default: "500" },
  "submit-rate": { type: "string" }, help: { type: "boolean" },
} });
if (values.help) {
  process.stdout.write("usage: npm run bench:archive -- [--reports N] [--partitions N] [--batch N] [--submit-rate R]\n" +
    "  --submit-rate: reports/s that bench:submit accepted on this box, to compare the backup with\n");
  process.exit(0);
}
const reports = Number(values.reports);
const partitions = Number(values.partitions);
const batch = Number(values.batch);

const log = createLogger("warn", process.stderr);
const scratch = planScratch(process.env.DATABASE_URL ?? "mysql://root@127.0.0.1:3306/ichnos");
const redis = createRedis({ url: process.env.REDIS_URL ?? "redis://127.0.0.1:6379" });
const s3 = await startS3Child("ichnos-bench");
let pool: ReturnType<typeof createPool> | null = null;
try {
  await applyMigrations({ databaseUrl: scratch.databaseUrl, log });
  pool = createPool(scratch.databaseUrl, 10);
  const keys = createKeys(scratch.prefix, partitions);
  const appender = createAppender(redis, keys);

  progress(`filling ${partitions} partitions with ${reports} reports`);
  const streams = keys.reportStreams();
  for (let i = 0; i < reports; i += 1000) {
    const byPartition = streams.map((stream) => ({ stream, payloads: [] as unknown[] }));
    for (let j = i; j < Math.min(reports, i + 1000); j++) {
      const r = makeReport(j);
      byPartition[j % partitions]!.payloads.push({
        api_key: r.api_key, source: r.source, received: r.received, user_agent: "NeoStumbler/32",
        report: { timestamp: r.timestamp, position: r.position, bluetoothBeacons: [], cellTowers: r.cellTowers, wifiAccessPoints: r.wifiAccessPoints },
      });
    }
    await appender.appendMany(byPartition);
  }

  // 1. The backup, as `ichnos drain` runs it.
  const location = { bucket: s3.bucket, prefix: "backup" };
  const config = toExportConfig({ name: "backup", batch, schema: "s3", url: `s3://${s3.bucket}/backup`, skip_keys: null, skip_sources: null });
  const deps = { pool, redis, keys, regions: lazyRegionLookup(), archive: { s3: () => s3.client, backupUrl: undefined, maxAgeMs: 60_000 } };
  const backup = createExportConsumer(config, deps);
  const settings = { batchSize: batch, blockMs: 50, claimIdleMs: 60_000, maxDeliveries: 3, flush: true };
  let cpu = await startPhase(redis, s3);
  let t = Date.now();
  const drained = await drainGroups({ redis, pool, keys, log }, createConsumerRuntime({ redis, pool, keys, log, consumers: [backup], settings }), [backup], { timeoutMs: 600_000 });
  if (!drained.drained) throw new Error("the backup did not drain");
  const backupRate = rate(reports, Date.now() - t);
  const backupCpu = await phaseCpu(redis, s3, cpu, reports);
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
  cpu = await startPhase(redis, s3);
  t = Date.now();
  await Promise.all(perPartition.map(async (list) => {
    for (const b of list) {
      await s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: `ceiling/${b.key}`, Body: b.body, ContentEncoding: "gzip" }));
    }
  }));
  const putRate = rate(reports, Date.now() - t);
  const putCpu = await phaseCpu(redis, s3, cpu, reports);
  progress(`bare PutObject: ${fmt(putRate)}`);

  // 2. Replays into a no-op projection with a table of its own (so it can be rebuilt).
  await pool.query("CREATE TABLE bench_noop (id INT PRIMARY KEY)");
  const noop = defineConsumer({ name: "bench-noop", reads: "reports", start: "0", tables: ["bench_noop"], batchSize: batch, async project() {} });
  t = Date.now();
  await rebuildGroup({ redis, pool, keys, log }, noop, { kind: "start" });
  const streamRate = rate(reports, Date.now() - t);
  progress(`rebuild from the streams: ${fmt(streamRate)}`);

  for (const stream of streams) await redis.call("XTRIM", stream, "MAXLEN", "0");
  const missing = (await Promise.all(streams.map((st) => findMissingHistory({ redis, pool: pool!, keys }, st, { kind: "start" })))).filter((m) => m !== null);
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
  const submitRate = values["submit-rate"] ? Number(values["submit-rate"]) : null;
  const pass = (ok: boolean) => (ok ? "PASS" : "FAIL");
  const lines = [
    `Reports archive benchmark  ${new Date().toISOString()}`,
    `machine: ${JSON.stringify(machine)}`,
    `${reports.toLocaleString("en-US")} reports over ${partitions} partitions, objects of ${batch} reports (${all.length} objects), s3rver in a child process on loopback`,
    "",
    `  backup (export:backup, drained)              ${fmt(backupRate)}`,
    `  ceiling: bare PutObject, same objects       ${fmt(putRate)}`,
    `  backup / PutObject: ${Math.round((100 * backupRate) / putRate)}%   target ≥ 70%   ${pass(backupRate >= 0.7 * putRate)}`,
    `  backup    ${backupCpu}`,
    `  PutObject ${putCpu}`,
    submitRate ? `  backup / bench:submit's ${fmt(submitRate)}: ${Math.round((100 * backupRate) / submitRate)}%   target > 100%   ${pass(backupRate > submitRate)}` : "  (pass --submit-rate to compare with bench:submit)",
    "",
    `  rebuild of a no-op projection from the archive   ${fmt(archiveRate)}`,
    `  ceiling: bare GetObject + gunzip + parse         ${fmt(getRate)}`,
    `  the same rebuild from the retained streams       ${fmt(streamRate)}`,
    `  archive / stream replay: ${Math.round((100 * archiveRate) / streamRate)}%   target ≥ 50%   ${pass(archiveRate >= 0.5 * streamRate)}`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
} finally {
  await unlinkPrefix(redis, scratch.prefix).catch(() => undefined);
  await pool?.end().catch(() => undefined);
  await dropScratchDatabase(scratch).catch(() => undefined);
  await closeRedis(redis);
  await s3.close();
}
