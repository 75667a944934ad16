/**
 * The web app as `ichnos web` builds it (createServices, then createWebDeps) against a Redis URL
 * of the test's choosing, normally a private redis-server the test kills or stops. Unlike
 * web-setup.ts, the Redis client is the production one, with REDIS_TIMEOUT and its fail-fast
 * settings; a separate patient client looks at what reached the streams.
 */
import type { H3 } from "h3";
import { Redis } from "ioredis";
import { createWebApp } from "../../src/api/app.ts";
import { createHeartbeatChecks } from "../../src/api/heartbeat.ts";
import { createServices, type Services } from "../../src/cli/services.ts";
import { createWebDeps } from "../../src/cli/web-deps.ts";
import { loadConfig } from "../../src/config.ts";
import { applyMigrations, readLatestMigration } from "../../src/db/migrate.ts";
import { createGeoIp } from "../../src/geoip/geoip-reader.ts";
import { createLogger } from "../../src/logger.ts";
import { readRange } from "../../src/stream/stream-commands.ts";
import { createTestDatabase, uniquePrefix } from "./infra.ts";

export interface OutageWebEnv {
  readonly app: H3;
  readonly services: Services;
  readonly databaseUrl: string;
  /** Every entry on the reports streams as JSON text, read through a client of its own. */
  storedText(): Promise<string[]>;
  close(): Promise<void>;
}

export async function createOutageWebEnv(label: string, redisUrl: string, env: Record<string, string> = {}): Promise<OutageWebEnv> {
  const db = await createTestDatabase(label);
  const log = createLogger((process.env.TEST_LOG_LEVEL as "info") ?? "silent");
  await applyMigrations({ databaseUrl: db.url, log });
  const config = loadConfig({
    DATABASE_URL: db.url, REDIS_URL: redisUrl, REDIS_PREFIX: uniquePrefix(label), STREAM_PARTITIONS: "2", ...env,
  });
  const services = createServices(config, log);
  const geoip = await createGeoIp({ log });
  const checks = createHeartbeatChecks({ pool: services.pool, redis: services.redis, geoip, readLatestMigration });
  const deps = createWebDeps(services, checks, geoip);
  return {
    app: createWebApp(deps),
    services,
    databaseUrl: db.url,
    async storedText() {
      const observer = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
      observer.on("error", () => undefined);
      try {
        const all = await Promise.all(services.keys.reportStreams().map((s) => readRange(observer, s, "-", 100_000)));
        return all.flat().map((e) => JSON.stringify(e.data));
      } finally {
        observer.disconnect();
      }
    },
    async close() {
      await deps.close();
      await services.close();
      await db.drop();
    },
  };
}
