/**
 * Logs that can be followed: every line written while a web request is handled carries its
 * request id (also sent back as X-Request-ID), and every line written while a batch is applied
 * names its group, stream and first and last entry.
 */
import { Redis } from "ioredis";
import mysql from "mysql2/promise";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { createWebApp } from "../../src/api/app.ts";
import { createHeartbeatChecks } from "../../src/api/heartbeat.ts";
import { readLatestMigration } from "../../src/db/migrate.ts";
import { createGeoIp } from "../../src/geoip/geoip-reader.ts";
import { createAppender } from "../../src/stream/append.ts";
import { createConsumerRuntime } from "../../src/stream/consumer-runtime.ts";
import { defineConsumer } from "../../src/stream/define-consumer.ts";
import { drainGroups } from "../../src/stream/drain.ts";
import type { StreamName } from "../../src/stream/streams.ts";
import { captureLog } from "../support/capture-log.ts";
import { createStreamTestEnv } from "../support/stream-setup.ts";

const S = suite("log context");

S("each request's log lines carry its id, which the response names; a proxy's id is kept", async () => {
  const { log, lines } = captureLog();
  // Backends that refuse connections: the heartbeat logs a warning per failed check, inside the request.
  const pool = mysql.createPool({ host: "127.0.0.1", port: 1, user: "root", connectTimeout: 1000 });
  const redis = new Redis({ host: "127.0.0.1", port: 1, lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, disconnectTimeout: 10 });
  redis.on("error", () => {});
  try {
    const geoip = await createGeoIp({ path: "/nonexistent/GeoLite2-City.mmdb", log });
    const app = createWebApp({ log, checks: createHeartbeatChecks({ pool, redis, geoip, readLatestMigration }) });
    const [given, garbage, none] = await Promise.all([
      app.request("/__heartbeat__", { headers: { "x-request-id": "nginx-5f2b9c" } }),
      app.request("/__heartbeat__", { headers: { "x-request-id": "not an id; <script>" } }),
      app.request("/__heartbeat__"),
    ]);
    const ids = [given, garbage, none].map((r) => r.headers.get("x-request-id") ?? "");
    assert.is(ids[0], "nginx-5f2b9c");
    for (const id of ids.slice(1)) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.is(new Set(ids).size, 3);
    // Answers the framework gives before any route runs name the request too.
    const refused = await app.request("/__heartbeat__", { method: "PUT", headers: { "x-request-id": "nginx-405" } });
    assert.equal([refused.status, refused.headers.get("x-request-id")], [405, "nginx-405"]);
    const missing = await app.request("/no-such-page", { headers: { "x-request-id": "nginx-404" } });
    assert.equal([missing.status, missing.headers.get("x-request-id")], [404, "nginx-404"]);
    const failed = lines.filter((l) => l.msg === "heartbeat check failed");
    assert.is(failed.length, 6, "the database and Redis checks failed in each of the three requests");
    for (const id of ids) {
      assert.equal(failed.filter((l) => l.reqId === id).map((l) => l.check).sort(), ["database", "redis"], `request ${id}`);
    }
  } finally {
    await pool.end();
    redis.disconnect();
  }
});

S("every line logged while a batch is applied names the group, the stream and the batch's first and last entry", async () => {
  const env = await createStreamTestEnv("log-context");
  const { log, lines } = captureLog();
  try {
    const stream = env.keys.stream("test:logged");
    const ids = await createAppender(env.redis, env.keys).append(stream, [{ n: 1 }, { n: 2 }, { n: 3 }]);
    const consumer = defineConsumer<unknown>({
      name: "logged", reads: "test:logged" as StreamName, start: "0", batchSize: 10,
      async project(batch, ctx) {
        ctx.log.info({ size: batch.length }, "projected a batch");
      },
    });
    const runtime = createConsumerRuntime({ ...env, log, consumers: [consumer], settings: { batchSize: 10, blockMs: 50, claimIdleMs: 500, maxDeliveries: 3 } });
    assert.ok((await drainGroups({ ...env, log }, runtime, [consumer], { timeoutMs: 20_000 })).drained);
    const line = lines.find((l) => l.msg === "projected a batch");
    assert.ok(line, JSON.stringify(lines));
    assert.equal([line.group, line.stream, line.firstId, line.lastId, line.entries], ["logged", "test:logged", ids[0], ids[2], 3]);
  } finally {
    await env.close();
  }
});

S.run();
