/**
 * The real web app for integration tests, built by the same composition code as `ichnos web`
 * (createWebDeps) against a test database and Redis prefix of its own.
 */
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import type { H3 } from "h3";
import { createWebApp } from "../../src/api/app.ts";
import { createHeartbeatChecks } from "../../src/api/heartbeat.ts";
import { createWebDeps } from "../../src/cli/web-deps.ts";
import type { Services } from "../../src/cli/services.ts";
import { loadConfig } from "../../src/config.ts";
import { readLatestMigration } from "../../src/db/migrate.ts";
import type { ReportEntry } from "../../src/domain/report.ts";
import { createGeoIp } from "../../src/geoip/geoip-reader.ts";
import { lazyRegionLookup } from "../../src/geo/lazy-regions.ts";
import { createProcessMetrics } from "../../src/metrics/process-metrics.ts";
import { readRange } from "../../src/stream/stream-commands.ts";
import { createStreamTestEnv, type StreamTestEnv } from "./stream-setup.ts";

export interface WebTestEnv extends StreamTestEnv {
  readonly app: H3;
  readonly services: Services;
  /** Sends the usage counts the app buffered for keys without a daily limit. */
  readonly flushUsage: () => Promise<void>;
}

export interface WebTestOptions {
  /** The logger the app writes to (a captured one, for tests of the access log); else the suite's. */
  readonly log?: Services["log"];
}

export async function createWebTestEnv(label: string, env: Record<string, string> = {}, options: WebTestOptions = {}): Promise<WebTestEnv> {
  const partitions = Number(env.STREAM_PARTITIONS ?? 2);
  const base = await createStreamTestEnv(label, partitions);
  const config = loadConfig({
    DATABASE_URL: base.databaseUrl, REDIS_URL: base.redisUrl, REDIS_PREFIX: base.prefix, STREAM_PARTITIONS: String(partitions), ...env,
  });
  // A registry of its own, as each process has: the suite reads only its own counts.
  const metrics = createProcessMetrics();
  const consumerDeps = {
    pool: base.pool, redis: base.redis, keys: base.keys, regions: lazyRegionLookup(), stationBatch: config.stationBatch, metrics: metrics.pipeline,
  };
  const services: Services = {
    config, log: options.log ?? base.log, redis: base.redis, pool: base.pool, keys: base.keys, metrics, consumerDeps, close: async () => undefined,
  };
  const geoip = await createGeoIp({ log: base.log });
  const checks = createHeartbeatChecks({ pool: base.pool, redis: base.redis, geoip, readLatestMigration });
  const deps = createWebDeps(services, checks, geoip);
  const close = async () => {
    await deps.close();
    await base.close();
  };
  return { ...base, close, services, app: createWebApp(deps), flushUsage: async () => deps.submit?.usage.flush() };
}

/** Every entry on the reports streams, oldest first per partition. */
export async function storedEntries(env: StreamTestEnv): Promise<ReportEntry[]> {
  const all = await Promise.all(env.keys.reportStreams().map((s) => readRange(env.redis, s, "-", 100_000)));
  return all.flat().map((e) => e.data as ReportEntry);
}

export async function storedCount(env: StreamTestEnv): Promise<number> {
  const lengths = await Promise.all(env.keys.reportStreams().map((s) => env.redis.xlen(s)));
  return lengths.reduce((a, b) => a + Number(b), 0);
}

export interface Fixture {
  readonly client: string;
  readonly request: string;
  readonly headers: string;
  readonly expect: string;
  readonly body: unknown;
}

export function loadFixture(name: string): Fixture {
  return JSON.parse(readFileSync(new URL(`../fixtures/${name}.json`, import.meta.url), "utf8")) as Fixture;
}

/** The request a fixture's client sends: its method, path, headers and (gzipped) body. */
export function fixtureRequest(fixture: Fixture, query = ""): { path: string; init: RequestInit } {
  const [method, path] = fixture.request.split(" ");
  const headers: Record<string, string> = {};
  let gzip = false;
  for (const part of fixture.headers.split(/;\s*(?=[A-Z][\w-]+:)/)) {
    const [name, ...rest] = part.split(":");
    const value = rest.join(":").trim();
    if (/^content-encoding$/i.test(name!.trim()) && /gzip/.test(value)) {
      gzip = true;
      headers["content-encoding"] = "gzip";
    } else if (name) headers[name.trim().toLowerCase()] = value;
  }
  const json = JSON.stringify(fixture.body);
  return { path: `${path}${query}`, init: { method, headers, body: gzip ? gzipSync(json) : json } };
}

/** Drops the content pages' cached data (stats-service.ts, map-data.ts), so a test sees its own rows. */
export async function clearContentCache(env: StreamTestEnv): Promise<void> {
  const cached = await env.redis.keys(`${env.prefix}:cache:*`);
  if (cached.length) await env.redis.del(...cached);
}
