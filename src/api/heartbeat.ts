/**
 * `/__heartbeat__` (SPEC §1.1.1): three backend checks run in parallel, each bounded by a timeout
 * so a hung backend cannot hang the load balancer's probe. The checks are injected so the
 * composition root builds them from real clients and tests can build them from broken ones.
 */
import type { Pool } from "mysql2/promise";
import type { GeoIp } from "../geoip/geoip-reader.ts";
import type { Logger } from "../logger.ts";
import { pingDatabase } from "../db/pool.ts";
import { unreadyConnections } from "../redis/connection-readiness.ts";
import type { RedisClient } from "../redis/create-redis.ts";
import { withTimeout } from "../util/with-timeout.ts";

export interface HeartbeatChecks {
  database(): Promise<{ latestMigration: string | null }>;
  redis(): Promise<void>;
  geoip(): { up: boolean; buildTime: Date | null };
  /**
   * The read replicas' rotation as the background checks last saw it (db/read-pools.ts), in
   * DATABASE_READ_URL order; absent when none are configured.
   */
  replicas?(): readonly { readonly inRotation: boolean; readonly lagSeconds: number | null }[];
}

export interface HeartbeatChecksDeps {
  readonly pool: Pool;
  readonly redis: RedisClient;
  readonly geoip: GeoIp;
  readonly readLatestMigration: (pool: Pool) => Promise<string | null>;
}

export interface HeartbeatBody {
  database: { up: boolean; time: number; alembic_version: string };
  geoip: { up: boolean; time: number; age_in_days: number; version: string };
  redis: { up: boolean; time: number };
  /**
   * Beyond SPEC §1.1.1, only with DATABASE_READ_URL set: each replica's state, never its address.
   * A replica out of rotation does not make the heartbeat fail: its reads go to the primary.
   */
  database_replicas?: { up: boolean; lag_seconds: number | null }[];
}

export interface HeartbeatReport {
  readonly status: 200 | 503;
  readonly body: HeartbeatBody;
}

export interface HeartbeatOptions {
  readonly log: Logger;
  readonly timeoutMs?: number;
  readonly now?: () => Date;
}

// The values SPEC §6.5 shows for broken backends; also used for checks that throw or time out
// (SPEC §1.1.1's `{"up": null, "time": -1}` contradicts the tests; the tests win).
const DATABASE_DOWN = { up: false, time: 0, alembic_version: "unknown" } as const;
const GEOIP_DOWN = { up: false, time: 0, age_in_days: -1, version: "2020-02-26T12:17:00Z" } as const;
const REDIS_DOWN = { up: false, time: 0 } as const;
const DEFAULT_TIMEOUT_MS = 2000;
const DAY_MS = 86_400_000;

export function createHeartbeatChecks(deps: HeartbeatChecksDeps): HeartbeatChecks {
  return {
    async database() {
      await pingDatabase(deps.pool);
      return { latestMigration: await deps.readLatestMigration(deps.pool) };
    },
    async redis() {
      // A client that is not ready (a Cluster that never became ready, a blocking reader of this
      // process that lost its connection) is down, whatever a PING sent elsewhere would say.
      const down = unreadyConnections(deps.redis);
      if (down.length > 0) throw new Error(`Redis connections not ready: ${down.join(", ")}`);
      await deps.redis.ping();
    },
    geoip: () => ({ up: deps.geoip.available, buildTime: deps.geoip.buildTime() }),
  };
}

type Outcome<T> = { ok: true; value: T; ms: number } | { ok: false };

async function runCheck<T>(name: string, check: () => T | Promise<T>, options: HeartbeatOptions): Promise<Outcome<T>> {
  const started = performance.now();
  const ms = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  try {
    const value = await withTimeout(Promise.resolve().then(check), ms, `${name} check timed out after ${ms} ms`);
    return { ok: true, value, ms: Math.round(performance.now() - started) };
  } catch (err) {
    options.log.warn({ err, check: name }, "heartbeat check failed");
    return { ok: false };
  }
}

/** `YYYY-MM-DDTHH:MM:SSZ`, the format Ichnaea reports the GeoIP build time in. */
function formatBuildTime(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

function geoipEntry(outcome: Outcome<{ up: boolean; buildTime: Date | null }>, now: Date): HeartbeatBody["geoip"] {
  if (!outcome.ok || !outcome.value.up) return { ...GEOIP_DOWN };
  const built = outcome.value.buildTime;
  if (!built) return { up: true, time: outcome.ms, age_in_days: GEOIP_DOWN.age_in_days, version: GEOIP_DOWN.version };
  const ageInDays = Math.round((now.getTime() - built.getTime()) / DAY_MS);
  return { up: true, time: outcome.ms, age_in_days: ageInDays, version: formatBuildTime(built) };
}

export async function runHeartbeat(checks: HeartbeatChecks, options: HeartbeatOptions): Promise<HeartbeatReport> {
  const [database, redis, geoip] = await Promise.all([
    runCheck("database", () => checks.database(), options),
    runCheck("redis", () => checks.redis(), options),
    runCheck("geoip", () => checks.geoip(), options),
  ]);
  const body: HeartbeatBody = {
    database: database.ok
      ? { up: true, time: database.ms, alembic_version: database.value.latestMigration ?? DATABASE_DOWN.alembic_version }
      : { ...DATABASE_DOWN },
    geoip: geoipEntry(geoip, options.now?.() ?? new Date()),
    redis: redis.ok ? { up: true, time: redis.ms } : { ...REDIS_DOWN },
  };
  const replicas = checks.replicas?.();
  if (replicas) body.database_replicas = replicas.map((r) => ({ up: r.inRotation, lag_seconds: r.lagSeconds }));
  const allUp = body.database.up && body.geoip.up && body.redis.up;
  return { status: allUp ? 200 : 503, body };
}
