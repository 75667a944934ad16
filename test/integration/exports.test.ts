/**
 * Exports end to end (SPEC §4.4–4.5, §6.7 test_export.py adapted to groups, DESIGN §3): each
 * `export_config` row is the consumer group `export:<name>` on every reports partition. Routing
 * is observed through the stations an `internal` export produces; positions through Redis's
 * XINFO GROUPS and the `stream_checkpoint` rows; the CLI and the worker are the real `ichnos`
 * executable against this suite's database and Redis prefix.
 */
import type { RowDataPacket } from "mysql2/promise";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { loadCheckpoints } from "../../src/db/stream-checkpoint.ts";
import { createAppender } from "../../src/stream/append.ts";
import type { GroupStreamStatus } from "../../src/stream/group-status.ts";
import { groupInfo, lastEntry } from "../../src/stream/stream-commands.ts";
import { type CliProcess, startCli } from "../support/cli-process.ts";
import { drainPipeline } from "../support/pipeline-setup.ts";
import { runCli } from "../support/run-cli.ts";
import { waitFor } from "../support/stream-setup.ts";
import { createWebTestEnv, fixtureRequest, loadFixture, storedCount, type WebTestEnv } from "../support/web-setup.ts";

interface Ctx {
  env: WebTestEnv;
  cliEnv: Record<string, string>;
  seeded: RowDataPacket[];
  children: CliProcess[];
}

const S = suite<Ctx>("exports", { children: [] } as unknown as Ctx);

const WIFI_TABLES = [..."0123456789abcdef"].map((h) => `wifi_shard_${h}`);

S.before(async (ctx) => {
  ctx.env = await createWebTestEnv("exports");
  ctx.cliEnv = {
    DATABASE_URL: ctx.env.databaseUrl, REDIS_URL: ctx.env.redisUrl, REDIS_PREFIX: ctx.env.prefix, STREAM_PARTITIONS: "2",
    EXPORTS_RELOAD: "200ms", CONSUMER_BLOCK: "100ms", CLAIM_IDLE: "1s", MAX_DELIVERIES: "2",
  };
  [ctx.seeded] = await ctx.env.pool.query<RowDataPacket[]>("SELECT * FROM export_config ORDER BY name");
  await ctx.env.pool.query(
    `INSERT INTO api_key (valid_key, maxreq, allow_fallback, allow_locate, allow_region, store_sample_locate, store_sample_submit)
     VALUES ('test', 0, 0, 1, 1, 100, 100), ('test-1', 0, 0, 1, 1, 100, 100), ('partner', 0, 0, 1, 1, 100, 100)`,
  );
});
S.after(async (ctx) => ctx.env.close());

// Every test starts from a fresh installation: the seeded rows, no streams, no groups.
S.before.each(async ({ env, seeded }) => {
  const found = await env.redis.keys(`${env.prefix}:*`);
  if (found.length) await env.redis.del(...found);
  await env.pool.query("DELETE FROM stream_checkpoint");
  await env.pool.query("DELETE FROM export_config");
  for (const row of seeded) await env.pool.query("INSERT INTO export_config SET ?", [{ ...row }]);
  for (const t of WIFI_TABLES) await env.pool.query(`DELETE FROM \`${t}\``);
});
S.after.each(async (ctx) => {
  await Promise.all(ctx.children.splice(0).map((c) => c.stop(2000)));
});

const cli = (ctx: Ctx, ...args: string[]) => runCli(args, ctx.cliEnv);

/** One report seeing one Wi-Fi network in London; `source` goes into the position. */
function report(mac: string, position: { source?: string } | null = {}): unknown {
  return {
    position: position === null ? null : { latitude: 51.5, longitude: -0.1, ...position },
    wifiAccessPoints: [{ macAddress: mac }],
  };
}

async function submit(env: WebTestEnv, items: unknown[], key?: string): Promise<void> {
  const res = await env.app.request(`/v2/geosubmit${key ? `?key=${key}` : ""}`, {
    method: "POST", body: JSON.stringify({ items }), headers: { "content-type": "application/json" },
  });
  assert.is(res.status, 200, `submission with key ${key ?? "(none)"} accepted`);
}

async function wifiStations(env: WebTestEnv): Promise<string[]> {
  const macs: string[] = [];
  for (const t of WIFI_TABLES) {
    const [rows] = await env.pool.query<RowDataPacket[]>(`SELECT LOWER(HEX(mac)) AS mac FROM \`${t}\``);
    macs.push(...rows.map((r) => r.mac as string));
  }
  return macs.sort();
}

async function exportRows(env: WebTestEnv): Promise<Record<string, unknown>[]> {
  const [rows] = await env.pool.query<RowDataPacket[]>("SELECT * FROM export_config ORDER BY name");
  return rows.map((r) => ({ ...r }));
}

/** The group's last-delivered id on each reports partition, null where it does not exist. */
async function groupPositions(env: WebTestEnv, group: string): Promise<(string | null)[]> {
  return Promise.all(env.keys.reportStreams().map(async (s) => (await groupInfo(env.redis, s)).find((g) => g.name === group)?.lastDeliveredId ?? null));
}

async function lastIds(env: WebTestEnv): Promise<string[]> {
  return Promise.all(env.keys.reportStreams().map(async (s) => (await lastEntry(env.redis, s))?.id ?? "0-0"));
}

async function groupsJson(ctx: Ctx): Promise<GroupStreamStatus[]> {
  const r = await runCli(["groups", "--json"], { ...ctx.cliEnv, LOG_LEVEL: "error" });
  assert.is(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as GroupStreamStatus[];
}

const appliedBy = (rows: readonly GroupStreamStatus[], group: string) =>
  rows.filter((r) => r.group === group).reduce((n, r) => n + r.applied, 0);

S("an internal export exports only reports its skip rules allow, including one without a position", async (ctx) => {
  const { env } = ctx;
  await env.pool.query("DELETE FROM export_config WHERE name = 'internal'");
  // Stored with spaces, as a row written by hand may be: the sets are trimmed when read.
  await env.pool.query("INSERT INTO export_config (name, batch, `schema`, skip_keys, skip_sources) VALUES ('main', 2, 'internal', 'test, test-1', ' query ')");
  await submit(env, [report("a82066000001"), report("a82066000002", { source: "query" })], "test");
  await submit(env, [report("a82066000003")], "test-1");
  await submit(env, [report("a82066000004", { source: "fused" }), report("a82066000005", { source: "query" })], "partner");
  await submit(env, [report("a82066000006"), report("a82066000007", { source: "query" }), report("a82066000008", null)]);
  assert.is(await storedCount(env), 8, "every report is on the reports streams, the one without a position too");

  await drainPipeline(env.services);
  assert.equal(await wifiStations(env), ["a82066000004", "a82066000006"]);

  const rows = await groupsJson(ctx);
  const main = rows.filter((r) => r.group === "export:main");
  assert.is(main.length, 2, "one line per reports partition");
  for (const r of main) {
    assert.is(r.lag, 0, `${r.stream} lag`);
    assert.is(r.pending, 0, `${r.stream} pending`);
    assert.is(r.checkpointId, r.lastEntryId ?? "0-0", `${r.stream}: the checkpoint reached the last report`);
  }
  assert.is(appliedBy(rows, "export:main"), 8, "the export consumed every report, skipped and position-less ones included");
  assert.not.ok(rows.some((r) => r.group === "export:internal"), "the removed seed row has no group");
});

S("exports add starts the group at the end of every partition, or at the start with --from-start", async (ctx) => {
  const { env } = ctx;
  // Reports are partitioned by a hash that includes their (receive) time, so six reports can all
  // land on one partition; submit until every partition holds some.
  let submitted = 0;
  let before = await lastIds(env);
  while (submitted < 6 || before.some((id) => id === "0-0")) {
    submitted += 1;
    assert.ok(submitted <= 40, "reports reach every partition");
    await submit(env, [report(`a82066${(0x100 + submitted).toString(16).padStart(6, "0")}`)]);
    before = await lastIds(env);
  }

  const [late, early] = await Promise.all([
    cli(ctx, "exports", "add", "late", "--schema", "dummy", "--batch", "3", "--skip-keys", "b, a"),
    cli(ctx, "exports", "add", "early", "--schema", "dummy", "--from-start", "--skip-sources", "query,fused"),
  ]);
  assert.is(late.code, 0, late.stderr);
  assert.match(late.stdout, /^export late added: group export:late starts at new reports; running workers start it within 0\.2 s$/m);
  assert.is(early.code, 0, early.stderr);
  assert.match(early.stdout, /group export:early starts at the oldest retained report/);

  assert.equal(await groupPositions(env, "export:late"), before, "export:late sits after the last report of each partition");
  assert.equal(await groupPositions(env, "export:early"), ["0-0", "0-0"], "export:early sits before the first report");
  const streams = env.keys.reportStreams().map((s) => env.keys.logicalName(s));
  for (const group of ["export:late", "export:early"]) {
    assert.equal((await loadCheckpoints(env.pool, group)).map((c) => c.stream).sort(), env.keys.reportStreams().sort(), `${group} checkpoints`);
  }
  const rows = await exportRows(env);
  assert.equal(rows.find((r) => r.name === "late"), { name: "late", batch: 3, schema: "dummy", url: null, skip_keys: "a,b", skip_sources: null });
  assert.equal(rows.find((r) => r.name === "early"), { name: "early", batch: 100, schema: "dummy", url: null, skip_keys: null, skip_sources: "fused,query" });

  const listing = cli(ctx, "exports", "list", "--json");
  await submit(env, ["07", "08", "09"].map((n) => report(`a820660002${n}`)));
  await drainPipeline(env.services, { groups: ["export:late", "export:early"] });
  const [status, list] = await Promise.all([groupsJson(ctx), listing]);
  assert.is(appliedBy(status, "export:late"), 3, "only reports submitted after the add");
  assert.is(appliedBy(status, "export:early"), submitted + 3, "every retained report");
  assert.equal(status.filter((r) => r.group.startsWith("export:l") || r.group.startsWith("export:e")).map((r) => r.stream).sort(),
    [...streams, ...streams].sort());
  assert.is(list.code, 0, list.stderr);
  assert.equal((JSON.parse(list.stdout) as { name: string }[]).map((r) => r.name), ["backup", "early", "internal", "late"]);
});

S("exports add rejects a bad schema, name, batch or source with exit 2, a duplicate with exit 1, and changes nothing", async (ctx) => {
  const { env } = ctx;
  await submit(env, [report("a82066000201"), report("a82066000202"), report("a82066000203")]);
  const rowsBefore = await exportRows(env);
  const [schema, name, source, batch, duplicate, upper, rmUnknown] = await Promise.all([
    cli(ctx, "exports", "add", "bad1", "--schema", "ftp"),
    cli(ctx, "exports", "add", "bad name!", "--schema", "dummy"),
    cli(ctx, "exports", "add", "bad2", "--schema", "dummy", "--skip-sources", "gnss,satellite"),
    cli(ctx, "exports", "add", "bad3", "--schema", "dummy", "--batch=1.5"),
    cli(ctx, "exports", "add", "internal", "--schema", "dummy"),
    cli(ctx, "exports", "add", "BACKUP", "--schema", "dummy"),
    cli(ctx, "exports", "rm", "nosuch"),
  ]);
  assert.is(schema.code, 2, schema.stderr);
  assert.match(schema.stderr, /--schema must be one of internal, dummy, s3, geosubmit/);
  assert.match(schema.stderr, /^ichnos exports add: .*\(see "ichnos exports --help"\)\n$/);
  assert.is(name.code, 2, name.stderr);
  assert.match(name.stderr, /NAME must be 1-40 letters, digits, _ \. -/);
  assert.is(source.code, 2, source.stderr);
  assert.match(source.stderr, /--skip-sources: unknown source satellite; use fixed, gnss, fused, query/);
  assert.is(batch.code, 2, batch.stderr);
  assert.match(batch.stderr, /--batch must be a whole number from 0 to 10000/);
  assert.is(duplicate.code, 1, duplicate.stderr);
  assert.match(duplicate.stderr, /export "internal" already exists \(remove it first with "ichnos exports rm internal"\)/);
  assert.is(upper.code, 1, upper.stderr);
  assert.match(upper.stderr, /already exists/);
  assert.is(rmUnknown.code, 1, rmUnknown.stderr);
  assert.match(rmUnknown.stderr, /no export named "nosuch" \(see "ichnos exports list"\)/);

  assert.equal(await exportRows(env), rowsBefore, "export_config unchanged");
  for (const s of env.keys.reportStreams()) assert.equal(await groupInfo(env.redis, s), [], `no group on ${env.keys.logicalName(s)}`);
  assert.equal(await loadCheckpoints(env.pool), [], "no checkpoints");
});

S("exports rm removes the row, its group on every partition, its checkpoints, dead letters and upload records, and a running worker does not bring it back", async (ctx) => {
  const { env } = ctx;
  await env.pool.query("INSERT INTO export_config (name, batch, `schema`) VALUES ('gone', 10, 'dummy')");
  // An entry no export can read: after MAX_DELIVERIES it is dead-lettered by every export group.
  await createAppender(env.redis, env.keys).append(env.keys.reportStreams()[0]!, [{ not: "a report" }]);
  await submit(env, [report("a82066000301"), report("a82066000302"), report("a82066000303")]);
  const worker = startCli(["work"], ctx.cliEnv);
  ctx.children.push(worker);
  await waitFor("export:gone to apply the reports and dead-letter the bad entry", async () => {
    const cps = await loadCheckpoints(env.pool, "export:gone");
    return cps.length === 2 && cps.reduce((n, c) => n + c.applied, 0) === 3 && (await env.redis.xlen(env.keys.dead("export:gone"))) === 1;
  }, 20_000);

  // What an `s3` export's uploads leave next to each partition (archive/upload-attempts.ts).
  for (const s of env.keys.reportStreams()) await env.redis.hset(env.keys.archiveAttempts(s, "export:gone"), "bucket/reports-0/x_", "bucket/reports-0/x_y");
  const outputAtRm = worker.output().length;
  const rm = await cli(ctx, "exports", "rm", "gone");
  assert.is(rm.code, 0, rm.stderr);
  assert.match(rm.stdout, /^export gone removed with its group export:gone; running workers stop it within 0\.2 s$/m);
  const assertGone = async (when: string) => {
    assert.not.ok((await exportRows(env)).some((r) => r.name === "gone"), `${when}: row`);
    assert.equal(await groupPositions(env, "export:gone"), [null, null], `${when}: Redis groups`);
    assert.equal(await loadCheckpoints(env.pool, "export:gone"), [], `${when}: checkpoints`);
    assert.is(await env.redis.exists(env.keys.dead("export:gone")), 0, `${when}: dead letters`);
    for (const s of env.keys.reportStreams()) assert.is(await env.redis.exists(env.keys.archiveAttempts(s, "export:gone")), 0, `${when}: upload records`);
  };
  await assertGone("right after rm");

  // New reports give a loop that survived something to read; wait several reload intervals.
  await submit(env, [report("a82066000304"), report("a82066000305")]);
  await worker.waitForLog(/"group":"export:gone".*"msg":"(group no longer configured; stopping its loops|group was removed; its loop ends)"/, 5000);
  await new Promise((r) => setTimeout(r, 1000));
  await assertGone("1 s later");
  assert.is(worker.child.exitCode, null, "the worker keeps running");
  const afterRm = worker.output().slice(outputAtRm);
  assert.not.match(afterRm, /"group":"export:gone"[^\n]*"msg":"consumer group (created|was missing in Redis)/, "no loop re-created the group");
  await waitFor("export:internal to go on", async () =>
    (await loadCheckpoints(env.pool, "export:internal")).reduce((n, c) => n + c.applied, 0) === 5, 10_000);
  assert.is(await worker.stop(), 0, worker.output());
});

S("a running worker starts a newly added export within EXPORTS_RELOAD", async (ctx) => {
  const { env } = ctx;
  const worker = startCli(["work"], ctx.cliEnv);
  ctx.children.push(worker);
  await worker.waitForLog(/"msg":"consumers started"/);
  const add = await cli(ctx, "exports", "add", "fresh", "--schema", "dummy");
  assert.is(add.code, 0, add.stderr);
  const addedAt = Date.now();
  await worker.waitForLog(/"group":"export:fresh"[^\n]*"msg":"starting loops for a newly configured group"/, 5000);
  assert.ok(Date.now() - addedAt < 3000, "picked up within a few reload intervals");

  await submit(env, [report("a82066000401"), report("a82066000402"), report("a82066000403")]);
  await waitFor("export:fresh's checkpoint to advance over the new reports", async () =>
    (await loadCheckpoints(env.pool, "export:fresh")).reduce((n, c) => n + c.applied, 0) === 3, 10_000);
  assert.is(await worker.stop(), 0, worker.output());
});

S("removing a seeded export before any report arrived succeeds and leaves nothing behind", async (ctx) => {
  const rm = await cli(ctx, "exports", "rm", "backup");
  assert.is(rm.code, 0, rm.stderr);
  assert.not.ok((await exportRows(ctx.env)).some((r) => r.name === "backup"));
  assert.equal(await loadCheckpoints(ctx.env.pool), []);
});

S("exports rm with a differently-cased name removes the stored export entirely or not at all", async (ctx) => {
  const { env } = ctx;
  await submit(env, [report("a82066000501")]);
  await drainPipeline(env.services, { groups: ["export:backup"] });
  const before = await groupPositions(env, "export:backup");
  assert.ok(before.every((p) => p !== null));
  const rm = await cli(ctx, "exports", "rm", "BACKUP");
  const state = {
    row: (await exportRows(env)).some((r) => r.name === "backup"),
    checkpoints: (await loadCheckpoints(env.pool, "export:backup")).length,
    groups: await groupPositions(env, "export:backup"),
  };
  // The name column compares case-insensitively: either the stored export goes with its group
  // (named after the stored name), or the command refuses and nothing changes.
  if (rm.code === 0) assert.equal(state, { row: false, checkpoints: 0, groups: [null, null] }, "removed entirely");
  else assert.equal({ code: rm.code, ...state }, { code: 1, row: true, checkpoints: 2, groups: before }, `refused cleanly: ${rm.stderr}`);
});

S("ichnos drain runs every group to lag 0, the s3 backup without BACKUP_URL skipping and saying so once; ichnos groups then lists them all", async (ctx) => {
  const { env } = ctx;
  const fixture = loadFixture("NS-S1");
  const { path, init } = fixtureRequest(fixture);
  assert.is((await env.app.request(path, init)).status, 200);
  const items = (fixture.body as { items: unknown[] }).items.length;

  const drain = await runCli(["drain", "--timeout", "30s"], { ...ctx.cliEnv, LOG_LEVEL: "warn" }, 40_000);
  assert.is(drain.code, 0, `${drain.stdout}\n${drain.stderr}`);
  assert.match(drain.stdout, /drained: every group has lag 0 and nothing pending/);
  const warnings = drain.stdout.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => l.group === "export:backup" && l.level === 40);
  assert.is(warnings.length, 1, `one warning from export:backup in:\n${drain.stdout}`);
  const warning = warnings[0]!;
  assert.is(warning.schema, "s3");
  assert.is(warning.export, "backup");
  assert.match(String(warning.msg), /export backup is off \(no URL: set BACKUP_URL=s3:\/\/bucket\/prefix.*ichnos exports rm backup/);

  const rows = await groupsJson(ctx);
  const expected = [
    "cellarea", "datamap", "export:backup", "export:internal",
    ...[..."0123456789abcdef"].flatMap((h) => [`station:blue:${h}`, `station:wifi:${h}`]),
    ...["gsm", "lte", "nr", "wcdma"].map((r) => `station:cell:${r}`),
  ].sort();
  assert.equal([...new Set(rows.map((r) => r.group))].sort(), expected);
  assert.is(expected.filter((g) => g.startsWith("station:")).length, 36);
  for (const r of rows) {
    assert.is(r.lag, 0, `${r.group} on ${r.stream}: lag`);
    assert.is(r.pending, 0, `${r.group} on ${r.stream}: pending`);
  }
  assert.is(appliedBy(rows, "export:backup"), items, "the backup group consumed every report");
  assert.is(appliedBy(rows, "export:internal"), items);
  assert.ok((await wifiStations(env)).includes("2c968296ca3f"), "the internal export reached the stations");
});

S.run();
