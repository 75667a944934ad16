/**
 * Two installations on one Redis (different REDIS_PREFIX) and one MariaDB server (different
 * databases), working at the same time: each sees only its own reports, and each ends with the
 * tables it would have had alone.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import type { GroupStreamStatus } from "../../src/stream/group-status.ts";
import { runCli } from "../support/run-cli.ts";
import { submitSynthetic } from "../support/submit-synthetic.ts";
import { rowCount, snapshotTables, STATION_TABLES, withoutTimes } from "../support/table-snapshot.ts";
import { createWebTestEnv, type WebTestEnv } from "../support/web-setup.ts";

const S = suite("two instances on one Redis");

/**
 * Rows that do not depend on how observations were batched: a blocked station keeps the region
 * of whichever batch blocked it, so that is left out. The synthetic world's beacons are carried
 * by the walker: whether one batch's observations of a beacon stay within 300 m (a new station)
 * or a later one lands beyond its reach (blocked) depends on the batching, so only which beacons
 * exist is compared.
 */
function comparable(snapshot: Record<string, unknown[]>): Record<string, unknown[]> {
  return Object.fromEntries(Object.entries(withoutTimes(snapshot)).map(([t, rows]) =>
    [t, (rows as Record<string, unknown>[]).map(({ region, ...rest }) =>
      t.startsWith("blue_") ? { mac: rest.mac } : rest.block_count === null ? { region, ...rest } : rest)]));
}

const cli = (env: WebTestEnv) => ({
  DATABASE_URL: env.databaseUrl, REDIS_URL: env.redisUrl, REDIS_PREFIX: env.prefix, STREAM_PARTITIONS: "2", CONSUMER_BLOCK: "100ms",
});

async function groups(env: WebTestEnv): Promise<GroupStreamStatus[]> {
  const out = await runCli(["groups", "--json"], { ...cli(env), LOG_LEVEL: "error" });
  assert.is(out.code, 0, out.stderr);
  return JSON.parse(out.stdout) as GroupStreamStatus[];
}

S("two instances with their own REDIS_PREFIX drain side by side and each ends as it would alone", async () => {
  const [a, b, alone] = await Promise.all([createWebTestEnv("instance-a"), createWebTestEnv("instance-b"), createWebTestEnv("instance-alone")]);
  try {
    const reportsA = await submitSynthetic(a.app, { reports: 120, seed: 11 });
    const reportsB = await submitSynthetic(b.app, { reports: 80, seed: 12 });
    await submitSynthetic(alone.app, { reports: 120, seed: 11 });

    // Both at once: workers, groups, leases and connections of one must not touch the other's.
    const [drainA, drainB] = await Promise.all([
      runCli(["drain", "--processes", "2", "--timeout", "90s"], cli(a), 120_000),
      runCli(["drain", "--processes", "2", "--timeout", "90s"], cli(b), 120_000),
    ]);
    assert.is(drainA.code, 0, drainA.stderr);
    assert.is(drainB.code, 0, drainB.stderr);
    const drainAlone = await runCli(["drain", "--processes", "2", "--timeout", "90s"], cli(alone), 120_000);
    assert.is(drainAlone.code, 0, drainAlone.stderr);

    const applied = (rows: GroupStreamStatus[]) => rows.filter((r) => r.group === "export:internal").reduce((n, r) => n + r.applied, 0);
    assert.is(applied(await groups(a)), reportsA, "instance a split its own reports, all of them");
    assert.is(applied(await groups(b)), reportsB, "instance b split its own reports, all of them");

    const stationsA = comparable(await snapshotTables(a.pool, STATION_TABLES));
    assert.ok(rowCount(stationsA) > 0);
    assert.equal(stationsA, comparable(await snapshotTables(alone.pool, STATION_TABLES)), "a's stations as if it had run alone");
    assert.ok(rowCount(withoutTimes(await snapshotTables(b.pool, STATION_TABLES))) > 0);
  } finally {
    await Promise.all([a.close(), b.close(), alone.close()]);
  }
});

S.run();
