/**
 * SPEC §4.8 step 2: a station batch that meets a MySQL lock (lock-wait timeout, deadlock) is
 * rolled back and retried whole; the station is updated exactly once.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { macToBytes } from "../../src/domain/observation/mac.ts";
import { createPool, type Pool } from "../../src/db/pool.ts";
import { captureLog } from "../support/capture-log.ts";
import { drainPipeline } from "../support/pipeline-setup.ts";
import { insertStations, loadStation, makeObs, newStationId, reportsFor, stationRow, tableOf } from "../support/station-cases.ts";
import { createWebTestEnv, type WebTestEnv } from "../support/web-setup.ts";

const S = suite<{ env: WebTestEnv; impatient: Pool }>("station lock conflicts");

S.before(async (ctx) => {
  ctx.env = await createWebTestEnv("lock-retry", { STREAM_PARTITIONS: "1" });
  ctx.impatient = createPool(ctx.env.databaseUrl, 4, { lockWaitTimeoutS: 1 });
});
S.after(async (ctx) => {
  await ctx.impatient.end();
  await ctx.env.close();
});

S("a batch that times out waiting for a station lock is retried and applied once", async ({ env, impatient }) => {
  const id = newStationId("wifi");
  await insertStations(env.pool, "wifi", [stationRow("wifi", id)]);
  const res = await env.app.request("/v2/geosubmit", {
    method: "POST", body: JSON.stringify({ items: reportsFor("wifi", id, makeObs("wifi", "gnss")) }), headers: { "content-type": "application/json" },
  });
  assert.is(res.status, 200);
  await drainPipeline(env.services, { groups: ["export:"] });

  // Another transaction holds the station row for longer than the projector will wait.
  const holder = await env.pool.getConnection();
  await holder.beginTransaction();
  await holder.query(`SELECT mac FROM \`${tableOf("wifi", id)}\` WHERE mac = ? FOR UPDATE`, [macToBytes((id as { mac: string }).mac)]);
  const { log, lines } = captureLog();
  const services = { ...env.services, pool: impatient, log, consumerDeps: { ...env.services.consumerDeps, pool: impatient } };
  const drained = drainPipeline(services, { groups: ["station:wifi:"], timeoutMs: 30_000 });
  await new Promise((r) => setTimeout(r, 2500));
  await holder.commit();
  holder.release();
  await drained;

  const conflicts = lines.filter((l) => l.msg === "batch hit a MySQL lock conflict; retrying it");
  assert.ok(conflicts.length >= 1, "the lock-wait timeout was met and logged");
  assert.is(conflicts[0]!.code, "ER_LOCK_WAIT_TIMEOUT");
  const station = await loadStation(env.pool, "wifi", id);
  assert.is(station?.samples, 4, "the three observations were added once to the one sample");
  assert.ok(Math.abs(station!.weight! - 4) < 1e-9);
});

S.run();
