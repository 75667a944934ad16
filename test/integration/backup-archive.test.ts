/**
 * The `s3` exporter against a real S3-speaking server (s3rver over HTTP): every report in exactly
 * one archive object, objects written when a batch is full or its oldest report is
 * BACKUP_MAX_AGE old, an outage that makes the group lag and never skip, and uploads repeated
 * after a failure that leave the archive holding each entry once.
 */
import { DeleteObjectCommand, GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { loadConsumers } from "../../src/stream/consumer-registry.ts";
import { decodeArchiveObject, parseObjectKey, type ArchivedEntry } from "../../src/archive/archive-object.ts";
import { writeArchiveObject } from "../../src/archive/archive-writer.ts";
import type { Services } from "../../src/cli/services.ts";
import { replayCommand } from "../../src/cli/replay-command.ts";
import { createConsumerRuntime } from "../../src/stream/consumer-runtime.ts";
import { drainGroups } from "../../src/stream/drain.ts";
import { compareEntryIds } from "../../src/stream/entry-id.ts";
import type { AnyConsumer } from "../../src/stream/define-consumer.ts";
import { readGroupStatus } from "../../src/stream/group-status.ts";
import { readRange } from "../../src/stream/stream-commands.ts";
import { trimStreams } from "../../src/stream/trimmer.ts";
import { fileURLToPath } from "node:url";
import { runCli } from "../support/run-cli.ts";
import { spawnWorker } from "../support/spawn-worker.ts";
import { rowCount, snapshotTables } from "../support/table-snapshot.ts";
import { startTestS3, type TestS3 } from "../support/s3-server.ts";
import { appliedRows, waitFor } from "../support/stream-setup.ts";
import { countingConsumer, createTestTables } from "../support/test-consumers.ts";
import { submitSynthetic } from "../support/submit-synthetic.ts";
import { createWebTestEnv, type WebTestEnv } from "../support/web-setup.ts";

interface Ctx { s3: TestS3; env: WebTestEnv; cli: Record<string, string> }
const S = suite<Ctx>("reports archive (s3 export)");

S.before(async (ctx) => {
  ctx.s3 = await startTestS3();
  ctx.env = await createWebTestEnv("backup", { STREAM_PARTITIONS: "2" });
  // Objects of 20 reports: several per partition.
  await ctx.env.pool.query("UPDATE export_config SET batch = 20 WHERE name = 'backup'");
  ctx.cli = {
    DATABASE_URL: ctx.env.databaseUrl, REDIS_URL: ctx.env.redisUrl, REDIS_PREFIX: ctx.env.prefix, STREAM_PARTITIONS: "2",
    ...ctx.s3.env,
  };
});
S.after(async (ctx) => {
  await ctx.env.close();
  await ctx.s3.close();
});

const submit = (env: WebTestEnv, reports: number, seed: number) => submitSynthetic(env.app, { reports, seed });

async function archived(s3: TestS3, prefix: string): Promise<{ keys: string[]; entries: (ArchivedEntry & { partition: number })[] }> {
  const keys = await s3.keys(`${prefix}/`);
  const entries: (ArchivedEntry & { partition: number })[] = [];
  for (const key of keys) {
    const got = await s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }));
    const parsed = parseObjectKey(key)!;
    const inside = decodeArchiveObject(await got.Body!.transformToByteArray());
    assert.equal([inside[0]!.id, inside.at(-1)!.id], [parsed.firstId, parsed.lastId], `${key} holds what its name says`);
    entries.push(...inside.map((e) => ({ ...e, partition: parsed.partition })));
  }
  return { keys, entries };
}

async function streamEntries(env: WebTestEnv) {
  const all = await Promise.all(env.keys.reportStreams().map(async (stream, partition) =>
    (await readRange(env.redis, stream, "-", 100_000)).map((e) => ({ id: e.id, seq: e.seq, version: e.version, data: e.data, partition }))));
  return all.flat();
}

async function backupStatus(env: WebTestEnv, consumers: AnyConsumer[]) {
  return (await readGroupStatus(env.redis, env.pool, env.keys, consumers)).filter((r) => r.group === "export:backup");
}

const byPosition = (a: { partition: number; seq: number }, b: { partition: number; seq: number }) => a.partition - b.partition || a.seq - b.seq;

S("ichnos drain archives every report in exactly one object, entries re-creatable exactly", async ({ s3, env, cli }) => {
  await submit(env, 250, 3);
  const out = await runCli(["drain", "--timeout", "60"], { ...cli, BACKUP_URL: `s3://${s3.bucket}/drain` }, 90_000);
  assert.is(out.code, 0, out.stderr);
  const { keys, entries } = await archived(s3, "drain");
  assert.ok(keys.length >= 2, `${keys.length} objects`);
  assert.ok(keys.every((k) => k.startsWith("drain/reports-")), keys.join("\n"));
  assert.equal(entries.sort(byPosition), (await streamEntries(env)).sort(byPosition), "every stream entry once, with its id, number, version and data");
  const status = await backupStatus(env, (await loadConsumers(env.services.consumerDeps)).filter((c) => c.name === "export:backup"));
  assert.is(status.length, 2);
  assert.ok(status.every((r) => r.lag === 0 && r.pending === 0));
});

S("a rebuild from the start reads the archived history, meets the retained stream exactly and equals the live tables", async ({ s3, env, cli }) => {
  const datamap = ["datamap_ne", "datamap_nw", "datamap_se", "datamap_sw"];
  const live = await snapshotTables(env.pool, datamap);
  assert.ok(rowCount(live) > 0);
  for (const stream of env.keys.reportStreams()) {
    const newest = (await env.redis.call("XREVRANGE", stream, "+", "-", "COUNT", 5)) as [string, string[]][];
    await env.redis.call("XTRIM", stream, "MINID", newest.at(-1)![0]);
  }
  const withArchive = { ...cli, BACKUP_URL: `s3://${s3.bucket}/drain` };
  // Without the archive the same rebuild is refused.
  const refused = await runCli(["replay", "datamap", "--from", "start", "--rebuild"], cli, 60_000);
  assert.is(refused.code, 1, refused.stderr);
  assert.match(refused.stderr, /Ichnos keeps no other copy of them/);

  const out = await runCli(["replay", "datamap", "--from", "start", "--rebuild"], withArchive, 60_000);
  assert.is(out.code, 0, out.stderr);
  assert.match(out.stderr, /datamap rebuild: 250\/250 entries/);
  assert.equal(await snapshotTables(env.pool, datamap), live, "rebuilt from archive + stream, the tables equal the live ones");
});

/** The web env's services, with the archive at `prefix` of the test's S3 server. */
function withArchiveAt(s3: TestS3, env: WebTestEnv, prefix: string): Services {
  const backupUrl = `s3://${s3.bucket}/${prefix}`;
  return {
    ...env.services,
    config: { ...env.services.config, backupUrl },
    consumerDeps: { ...env.services.consumerDeps, archive: { s3: () => s3.client, backupUrl, maxAgeMs: 1000 } },
  };
}

/** Runs `consumers` until they have caught up on every stream, as the workers would. */
async function runUntilCaughtUp(env: WebTestEnv, consumers: AnyConsumer[]) {
  const runtime = createConsumerRuntime({ ...env, consumers, settings: { batchSize: 100, blockMs: 50, claimIdleMs: 60_000, maxDeliveries: 3 } });
  const result = await drainGroups(env, runtime, consumers, { timeoutMs: 30_000, pollMs: 50 });
  assert.ok(result.drained);
}

S("a replay from the start reads the archive, then the workers go on at the seam: every entry once, in order", async ({ s3, env }) => {
  await createTestTables(env.pool);
  const services = withArchiveAt(s3, env, "drain");
  const all = (await archived(s3, "drain")).entries.sort(byPosition);
  const firstHeld = await Promise.all(env.keys.reportStreams().map(async (st) => (await readRange(env.redis, st, "-", 1))[0]!.seq));
  assert.ok(firstHeld.every((seq) => seq > 1), "the streams were trimmed");

  const probe = countingConsumer("probe", "reports", { batchSize: 30 }) as AnyConsumer;
  assert.is(await replayCommand(services, [probe], "probe", "start"), 0);
  const fromArchive = await appliedRows(env.pool, "probe");
  assert.is(fromArchive.length, all.length - env.keys.reportStreams().reduce((n, _, p) => n + all.filter((e) => e.partition === p && e.seq >= firstHeld[p]!).length, 0),
    "the command applies the archived entries, up to the seam");
  await runUntilCaughtUp(env, [probe]);

  const rows = await appliedRows(env.pool, "probe");
  const key = (stream: string, id: string) => `${stream} ${id}`;
  const streams = env.keys.reportStreams();
  assert.equal(rows.map((r) => key(r.stream, r.entry_id)).sort(), all.map((e) => key(streams[e.partition]!, e.id)).sort(), "every entry of all history");
  assert.ok(rows.every((r) => r.times === 1), "no entry twice");
  for (const r of rows) {
    const p = streams.indexOf(r.stream);
    assert.is(r.applied_by === "replay", r.seq < firstHeld[p]!, `#${r.seq} of reports-${p} came from the ${r.applied_by === "replay" ? "archive" : "stream"}`);
  }

  // From an entry id inside the archive: that entry and everything after it, once.
  const middle = all.filter((e) => e.partition === 0)[7]!;
  const later = countingConsumer("probe-later", "reports", { batchSize: 30 }) as AnyConsumer;
  assert.is(await replayCommand(services, [later], "probe-later", middle.id), 0);
  await runUntilCaughtUp(env, [later]);
  const laterRows = await appliedRows(env.pool, "probe-later");
  const wanted = all.filter((e) => compareEntryIds(e.id, middle.id) >= 0);
  assert.equal(laterRows.map((r) => key(r.stream, r.entry_id)).sort(), wanted.map((e) => key(streams[e.partition]!, e.id)).sort());
  assert.ok(laterRows.every((r) => r.times === 1));
});

S("ichnos archive list shows each partition's entries; verify finds a gap made by deleting one object", async ({ s3, cli }) => {
  const env = { ...cli, BACKUP_URL: `s3://${s3.bucket}/drain` };
  const listed = await runCli(["archive", "list", "--json"], env);
  assert.is(listed.code, 0, listed.stderr);
  const summary = JSON.parse(listed.stdout) as { partitions: { partition: number; entries: number; objects: number; first: { seq: number } }[] };
  assert.is(summary.partitions.reduce((n, p) => n + p.entries, 0), 250);
  assert.ok(summary.partitions.every((p) => p.first.seq === 1));
  const ok = await runCli(["archive", "verify"], env);
  assert.is(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /without gaps or overlaps/);

  const keys = (await s3.keys("drain/reports-0/"));
  assert.ok(keys.length >= 3, `${keys.length} objects in reports-0`);
  const victim = keys[1]!;
  await s3.client.send(new DeleteObjectCommand({ Bucket: s3.bucket, Key: victim }));
  const broken = await runCli(["archive", "verify"], env);
  assert.is(broken.code, 1, broken.stdout);
  assert.match(broken.stderr, new RegExp(`reports-0: gap: entries #\\d+–#\\d+ missing, between ${keys[0]} and ${keys[2]}`));
});

S("a quiet service is archived once its oldest waiting report is BACKUP_MAX_AGE old, in one object per partition", async ({ s3, env }) => {
  const services = { ...env.services.consumerDeps, archive: { s3: () => s3.client, backupUrl: `s3://${s3.bucket}/quiet`, maxAgeMs: 800 } };
  const consumers = (await loadConsumers(services)).filter((c) => c.name === "export:backup");
  // The group starts where the previous test left it; only new reports are waiting.
  const runtime = createConsumerRuntime({ ...env, consumers, settings: { batchSize: 100, blockMs: 50, claimIdleMs: 60_000, maxDeliveries: 3 } });
  runtime.start();
  try {
    const sentAt = Date.now();
    await submit(env, 6, 4);
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(await s3.keys("quiet/"), [], "nothing is written before BACKUP_MAX_AGE");
    const keys = await waitFor("archived", async () => {
      const k = await s3.keys("quiet/");
      return k.length > 0 && k;
    }, 10_000);
    assert.ok(Date.now() - sentAt >= 800, "written after BACKUP_MAX_AGE");
    await waitFor("both partitions archived", async () => (await s3.keys("quiet/")).length === 2, 5000);
    const { entries } = await archived(s3, "quiet");
    assert.is(entries.length, 6);
    void keys;
  } finally {
    await runtime.stop();
  }
});

S("while S3 is down the backup lags and keeps its entries from the trimmer; back up, it catches up and misses nothing", async ({ s3, env }) => {
  const prefix = "outage";
  const services = { ...env.services.consumerDeps, archive: { s3: () => s3.client, backupUrl: `s3://${s3.bucket}/${prefix}`, maxAgeMs: 100 } };
  const consumers = (await loadConsumers(services)).filter((c) => c.name === "export:backup");
  // Catch the group up to the streams' end first, with S3 up.
  let runtime = createConsumerRuntime({ ...env, consumers, settings: { batchSize: 100, blockMs: 50, claimIdleMs: 60_000, maxDeliveries: 2, flush: true } });
  runtime.start();
  await waitFor("caught up", async () => (await backupStatus(env, consumers)).every((r) => r.lag === 0 && r.pending === 0), 20_000);
  await runtime.stop();
  const before = (await archived(s3, prefix)).entries.length;

  await s3.stop();
  await submit(env, 30, 5);
  runtime = createConsumerRuntime({ ...env, consumers, settings: { batchSize: 100, blockMs: 50, claimIdleMs: 60_000, maxDeliveries: 2, flush: true } });
  runtime.start();
  try {
    await new Promise((r) => setTimeout(r, 2500));
    const lagging = await backupStatus(env, consumers);
    assert.is(lagging.reduce((n, r) => n + (r.lag ?? 0), 0), 30, "the group lags by every report sent during the outage");
    assert.is((await env.redis.xlen(env.keys.dead("export:backup"))), 0, "nothing is dead-lettered, however often it failed");
    const lengths = await Promise.all(env.keys.reportStreams().map((st) => env.redis.xlen(st)));
    await trimStreams(env, env.keys.reportStreams(), { retentionMs: 1000, maxBytes: 1024 ** 3 });
    const after = await Promise.all(env.keys.reportStreams().map((st) => env.redis.xlen(st)));
    assert.ok(after.reduce((a, b) => a + b, 0) >= 30 && after.every((n, i) => n <= lengths[i]!), "the unarchived reports are not trimmed");

    await s3.start();
    await waitFor("caught up after the outage", async () => (await backupStatus(env, consumers)).every((r) => r.lag === 0 && r.pending === 0), 30_000);
  } finally {
    await runtime.stop();
  }
  const { entries } = await archived(s3, prefix);
  assert.is(entries.length, before + 30);
  assert.is(new Set(entries.map((e) => `${e.partition}/${e.id}`)).size, entries.length, "no entry twice");
});

S("a worker SIGKILLed after an upload and before its checkpoint commits leaves the object set of an uncrashed run", async ({ s3, env }) => {
  const worker = (prefix: string, extra: Record<string, string> = {}) => spawnWorker({
    DATABASE_URL: env.databaseUrl, REDIS_URL: env.redisUrl, PREFIX: env.prefix, PARTITIONS: "2", ...s3.env,
    BACKUP_URL: `s3://${s3.bucket}/${prefix}`, ...extra,
  }, fileURLToPath(new URL("../support/backup-worker.ts", import.meta.url)));
  const run = async (prefix: string, kill: boolean) => {
    // Each run archives the same history from the start: the group is rewound, its objects go to `prefix`.
    await env.pool.query("DELETE FROM stream_checkpoint WHERE group_name = 'export:backup'");
    for (const st of env.keys.reportStreams()) await env.redis.call("XGROUP", "DESTROY", st, "export:backup").catch(() => undefined);
    if (kill) {
      const doomed = worker(prefix, { KILL_AFTER_UPLOAD: "1" });
      assert.equal((await doomed.exited).signal, "SIGKILL");
    }
    const survivor = worker(prefix);
    await survivor.ready();
    const consumers = (await loadConsumers(env.services.consumerDeps)).filter((c) => c.name === "export:backup");
    await waitFor("archived", async () => (await backupStatus(env, consumers)).every((r) => r.lag === 0 && r.pending === 0), 30_000);
    survivor.child.kill("SIGTERM");
    await survivor.exited;
    return (await s3.keys(`${prefix}/`)).map((k) => k.slice(prefix.length));
  };
  const clean = await run("uncrashed", false);
  const crashed = await run("crashed", true);
  assert.ok(clean.length >= 2, `${clean.length} objects`);
  assert.equal(crashed, clean, "the same objects under the same keys");
});

S("an upload repeated with other boundaries after a failure leaves every entry in exactly one object", async ({ s3 }) => {
  const location = { bucket: s3.bucket, prefix: "repeat" };
  const entries = Array.from({ length: 10 }, (_, i) => ({ id: `1796000000000-${i}`, seq: i + 1, version: 1, data: { n: i } }));
  await writeArchiveObject(s3.client, location, 0, entries);
  // The process died before its checkpoint committed; the retry took a smaller batch.
  await writeArchiveObject(s3.client, location, 0, entries.slice(0, 4));
  await writeArchiveObject(s3.client, location, 0, entries.slice(4));
  // …and the same batch again (a retry with the same boundaries) overwrites its own object.
  await writeArchiveObject(s3.client, location, 0, entries.slice(4));
  const { keys, entries: back } = await archived(s3, "repeat");
  assert.is(keys.length, 2);
  assert.equal(back.map((e) => e.seq), entries.map((e) => e.seq));
});

S("uploads learn of earlier attempts from the group's record, not from a listing per object; one without a record lists", async ({ s3, env }) => {
  const location = { bucket: s3.bucket, prefix: "recorded" };
  const entries = Array.from({ length: 10 }, (_, i) => ({ id: `1796000000000-${i}`, seq: i + 1, version: 1, data: { n: i } }));
  const sent: string[] = [];
  const counting = new S3Client({ ...s3.clientConfig });
  counting.middlewareStack.add((next, context) => async (args) => {
    sent.push((context.commandName ?? "?").replace(/Command$/, ""));
    return next(args);
  }, { step: "initialize" });
  const record = { redis: env.redis, key: env.keys.archiveAttempts(env.keys.stream("reports:0"), "export:recorded") };
  await env.redis.del(record.key);
  try {
    // An attempt of which no record survived (Redis lost it): only a listing can find its object.
    await writeArchiveObject(s3.client, location, 0, entries.slice(0, 6));
    await writeArchiveObject(counting, location, 0, entries.slice(0, 4), record);
    assert.equal([...sent].sort(), ["DeleteObject", "ListObjectsV2", "PutObject"], "no record yet: listed, and the earlier object deleted");
    sent.length = 0;
    // The next batch uploads, then the process dies before its checkpoint commits; the retry takes more entries.
    await writeArchiveObject(counting, location, 0, entries.slice(4, 8), record);
    await writeArchiveObject(counting, location, 0, entries.slice(4), record);
    assert.equal(sent, ["PutObject", "PutObject", "DeleteObject"], "known from the record: no listing");
    assert.is(await env.redis.hlen(record.key), 1, "the settled batch's record is gone");
  } finally {
    counting.destroy();
  }
  const { keys, entries: back } = await archived(s3, "recorded");
  assert.is(keys.length, 2);
  assert.equal(back.map((e) => e.seq), entries.map((e) => e.seq), "every entry once");
});

S.run();
