/**
 * The one reader of `process.env`. Every variable is validated here, all problems are reported in
 * one error, and the result is frozen so nothing downstream can drift from what was checked.
 */
import { parseS3Url } from "./archive/s3-location.ts";
import { parseDuration, parseSize } from "./util/units.ts";

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
/** The level of the one access-log line per HTTP request; `off` writes none. */
export const ACCESS_LOG_LEVELS = ["info", "debug", "off"] as const;
export type AccessLogLevel = (typeof ACCESS_LOG_LEVELS)[number];

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly logLevel: LogLevel;
  /** ACCESS_LOG: the level of the per-request line, or `off`. */
  readonly accessLog: AccessLogLevel;
  /** `ichnos work`'s port for `/metrics` and `/__lbheartbeat__`; undefined: no listener (0: any free port). */
  readonly metricsPort: number | undefined;
  readonly redisUrl: string;
  readonly redisClusterNodes: readonly string[];
  readonly redisPrefix: string;
  readonly databaseUrl: string;
  readonly databasePoolSize: number;
  /** Read replicas for locate's station reads and the content pages (DATABASE_READ_URL); empty: all on the primary. */
  readonly databaseReadUrls: readonly string[];
  /** A replica further behind its primary than this (its own Seconds_Behind_Master) gets no reads. */
  readonly databaseReadMaxLagMs: number;
  /** How often each replica's replication status is read in the background. */
  readonly databaseReadCheckIntervalMs: number;
  readonly adminToken: string | undefined;
  /**
   * How many proxies in front of Ichnos append to `X-Forwarded-For`: the client address is the
   * entry this many places from the right (0 = ignore the header, use the socket peer).
   */
  readonly trustProxy: number;
  readonly geoipPath: string | undefined;
  readonly streamPartitions: number;
  readonly streamRetentionMs: number;
  readonly streamMaxBytes: number;
  readonly trimIntervalMs: number;
  readonly consumerBatch: number;
  readonly consumerBlockMs: number;
  readonly claimIdleMs: number;
  readonly maxDeliveries: number;
  readonly shutdownTimeoutMs: number;
  /** Largest request body accepted, after decompression. */
  readonly maxBodyBytes: number;
  /** Most reports one submit request may carry. */
  readonly maxSubmitItems: number;
  /** Observation entries per station-projector transaction. */
  readonly stationBatch: number;
  /** How often workers re-read `export_config` to start and stop export groups. */
  readonly exportsReloadMs: number;
  /** How often the `stat` roll-up of the daily counters runs. */
  readonly statRollupIntervalMs: number;
  /** InnoDB lock wait per statement before a batch is rolled back and retried. */
  readonly lockWaitTimeoutMs: number;
  /** How often a web process sends the usage counts of keys without a daily limit (0: per request). */
  readonly usageFlushMs: number;
  /** Largest stream entry a submit may append (the encoded report with its envelope). */
  readonly maxEntryBytes: number;
  /** Most payload bytes one consumer batch holds (at least one entry is always read). */
  readonly consumerBatchBytes: number;
  /** Most payload bytes one `/v1/events` page holds (at least one entry is always returned). */
  readonly eventsPageBytes: number;
  /** Longest a web request waits on Redis before it is answered without it. */
  readonly redisTimeoutMs: number;
  /** Longest a client may take to send a whole request, headers and body. */
  readonly requestTimeoutMs: number;
  /** How long an idle keep-alive connection stays open. */
  readonly idleTimeoutMs: number;
  /** A consumer whose liveness key has not been refreshed for this long is taken as dead. */
  readonly consumerLivenessMs: number;
  /** `s3://bucket/prefix` of the seeded `backup` export when its row has no URL. */
  readonly backupUrl: string | undefined;
  /**
   * A raster base map under the coverage map, `https://…/{z}/{x}/{y}.png`; unset: the map shows
   * the country borders Ichnos ships and needs no internet.
   */
  readonly mapTilesUrl: string | undefined;
  /** What `/__version__` names beyond package.json: ICHNOS_COMMIT, ICHNOS_BUILD, ICHNOS_SOURCE. */
  readonly build: { readonly commit?: string; readonly build?: string; readonly source?: string };
  /** Longest a report waits to be archived when fewer than a batch are waiting. */
  readonly backupMaxAgeMs: number;
  /** Path-style S3 requests (MinIO, s3rver). */
  readonly s3ForcePathStyle: boolean;
  /** AWS_REGION as set; the S3 client falls back to us-east-1 (the SDK reads its other settings itself). */
  readonly awsRegion: string | undefined;
  /** How long a `geosubmit` export waits for its partner's answer. */
  readonly partnerTimeoutMs: number;
  /** `s3://bucket[/prefix]` the public cell exports go to (under `export/`); unset: CELL_EXPORT_DIR. */
  readonly assetBucket: string | undefined;
  /** Public base URL of ASSET_BUCKET, without a trailing slash: `/downloads` links to `<it>/export/<file>`. */
  readonly assetUrl: string | undefined;
  /** The directory the cell exports go to when no ASSET_BUCKET is set. */
  readonly cellExportDir: string;
  /** How long cell exports are kept (by the time in their name); 0 keeps everything. */
  readonly cellExportRetentionMs: number;
}

export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
    this.problems = problems;
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/** Documented defaults: they make `npm start` work against a local Redis and MySQL. */
export const CONFIG_DEFAULTS = {
  PORT: "8000",
  // Dual-stack: IPv6 and (IPv4-mapped) IPv4; the server falls back to 0.0.0.0 without IPv6.
  HOST: "::",
  LOG_LEVEL: "info",
  ACCESS_LOG: "info",
  REDIS_URL: "redis://127.0.0.1:6379",
  REDIS_PREFIX: "ichnos",
  DATABASE_URL: "mysql://root@127.0.0.1:3306/ichnos",
  DATABASE_POOL_SIZE: "10",
  DATABASE_READ_MAX_LAG: "30s",
  DATABASE_READ_CHECK_INTERVAL: "5s",
  TRUST_PROXY: "false",
  STREAM_PARTITIONS: "4",
  STREAM_RETENTION: "7d",
  STREAM_MAX_BYTES: "1GiB",
  TRIM_INTERVAL: "60s",
  CONSUMER_BATCH: "500",
  CONSUMER_BLOCK: "2s",
  CLAIM_IDLE: "60s",
  MAX_DELIVERIES: "5",
  SHUTDOWN_TIMEOUT: "15s",
  MAX_BODY_BYTES: "10MiB",
  MAX_SUBMIT_ITEMS: "1000",
  STATION_BATCH: "10",
  EXPORTS_RELOAD: "30s",
  STAT_ROLLUP_INTERVAL: "10m",
  LOCK_WAIT_TIMEOUT: "10s",
  USAGE_FLUSH: "1s",
  MAX_ENTRY_BYTES: "256KiB",
  CONSUMER_BATCH_BYTES: "4MiB",
  EVENTS_PAGE_BYTES: "4MiB",
  REDIS_TIMEOUT: "1s",
  REQUEST_TIMEOUT: "30s",
  IDLE_TIMEOUT: "5s",
  CONSUMER_LIVENESS: "15s",
  BACKUP_MAX_AGE: "5m",
  S3_FORCE_PATH_STYLE: "false",
  PARTNER_TIMEOUT: "60s",
  CELL_EXPORT_DIR: "data/cell-exports",
  CELL_EXPORT_RETENTION: "7d",
} as const;

/** A URL with its password masked, for problems about URLs that may carry credentials. */
function maskPassword(url: string): string {
  return url.replace(/(\/\/[^:/@]*:)[^@]*@/, "$1***@");
}

/**
 * DATABASE_READ_URL: one or more comma-separated `mysql://` URLs, each naming a database. Unlike
 * the other settings, a bad URL is reported with its password masked.
 */
function parseReadUrls(value: string | undefined, problems: string[]): string[] {
  if (value === undefined) return [];
  const urls = value.split(",").map((u) => u.trim()).filter((u) => u !== "");
  for (const [i, u] of urls.entries()) {
    const what = `DATABASE_READ_URL ${urls.length > 1 ? `entry ${i + 1} ` : ""}(${maskPassword(u)})`;
    let parsed: URL;
    try {
      parsed = new URL(u);
    } catch {
      problems.push(`${what}: not a URL; expected mysql://user:password@host:port/database`);
      continue;
    }
    if (parsed.protocol !== "mysql:" && parsed.protocol !== "mariadb:") problems.push(`${what}: expected a mysql: or mariadb: URL, got ${parsed.protocol}`);
    else if (!parsed.hostname && !parsed.searchParams.get("socket")) problems.push(`${what}: the URL has no host`);
    else if (parsed.pathname.replace(/^\//, "") === "") problems.push(`${what}: the URL names no database`);
  }
  return urls;
}

export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const raw = (name: keyof typeof CONFIG_DEFAULTS): string => {
    const value = env[name];
    return value === undefined || value.trim() === "" ? CONFIG_DEFAULTS[name] : value.trim();
  };
  const optional = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };
  const check = <T>(name: string, value: string, parse: (v: string) => T, fallback: T): T => {
    try {
      return parse(value);
    } catch (err) {
      problems.push(`${name}=${JSON.stringify(value)}: ${(err as Error).message}`);
      return fallback;
    }
  };
  const int = (min: number, max: number) => (v: string) => {
    if (!/^\d+$/.test(v)) throw new Error("expected a whole number");
    const n = Number(v);
    if (n < min || n > max) throw new Error(`expected a number from ${min} to ${max}`);
    return n;
  };
  const url = (protocols: string[]) => (v: string) => {
    let parsed: URL;
    try {
      parsed = new URL(v);
    } catch {
      throw new Error(`not a URL; expected e.g. ${protocols[0]}//host:port`);
    }
    if (!protocols.includes(parsed.protocol)) {
      throw new Error(`expected a ${protocols.join(" or ")} URL, got ${parsed.protocol}`);
    }
    if (!parsed.hostname) throw new Error("the URL has no host");
    return v;
  };
  const duration = (min: number, max = Number.POSITIVE_INFINITY) => (v: string) => {
    const ms = parseDuration(v);
    if (ms < min) throw new Error(`must be at least ${min} ms`);
    if (ms > max) throw new Error(`must be at most ${max} ms`);
    return ms;
  };
  const size = (min: number, max: number, hint: string) => (v: string) => {
    const n = parseSize(v);
    if (n < min || n > max) throw new Error(`must be between ${hint}`);
    return n;
  };
  const bool = (v: string) => {
    if (/^(1|true|yes|on)$/i.test(v)) return true;
    if (/^(0|false|no|off)$/i.test(v)) return false;
    throw new Error("expected true or false");
  };
  // `true`/`false` are kept from when this was a switch: true means one proxy.
  const proxyHops = (v: string) => {
    if (/^\d+$/.test(v)) {
      const n = Number(v);
      if (n > 32) throw new Error("expected a number of proxies from 0 to 32");
      return n;
    }
    if (/^(true|yes|on)$/i.test(v)) return 1;
    if (/^(false|no|off)$/i.test(v)) return 0;
    throw new Error("expected the number of trusted proxies (0-32), or true (= 1) / false (= 0)");
  };

  const logLevel = check("LOG_LEVEL", raw("LOG_LEVEL").toLowerCase(), (v) => {
    if (!(LOG_LEVELS as readonly string[]).includes(v)) {
      throw new Error(`unknown level; use one of ${LOG_LEVELS.join(", ")}`);
    }
    return v as LogLevel;
  }, "info" as LogLevel);

  const clusterNodes = optional("REDIS_CLUSTER_NODES");
  const config: Config = {
    port: check("PORT", raw("PORT"), int(0, 65535), 8000),
    host: raw("HOST"),
    logLevel,
    accessLog: check("ACCESS_LOG", raw("ACCESS_LOG").toLowerCase(), (v) => {
      if (!(ACCESS_LOG_LEVELS as readonly string[]).includes(v)) throw new Error(`use one of ${ACCESS_LOG_LEVELS.join(", ")}`);
      return v as AccessLogLevel;
    }, "info" as AccessLogLevel),
    metricsPort: optional("METRICS_PORT") === undefined ? undefined : check("METRICS_PORT", optional("METRICS_PORT")!, int(0, 65535), undefined),
    redisUrl: check("REDIS_URL", raw("REDIS_URL"), url(["redis:", "rediss:"]), ""),
    redisClusterNodes: clusterNodes
      ? check("REDIS_CLUSTER_NODES", clusterNodes, (v) => v.split(",").map((node) => {
          if (!/^[^\s:,]+:\d{1,5}$/.test(node.trim())) throw new Error(`"${node}" is not host:port`);
          return node.trim();
        }), [])
      : [],
    redisPrefix: check("REDIS_PREFIX", raw("REDIS_PREFIX"), (v) => {
      // Braces would break the Cluster hash tags the key builder adds.
      if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(v)) throw new Error("use 1-64 letters, digits, _ . : -");
      return v;
    }, "ichnos"),
    databaseUrl: check("DATABASE_URL", raw("DATABASE_URL"), (v) => {
      url(["mysql:", "mariadb:"])(v);
      if (new URL(v).pathname.replace(/^\//, "") === "") throw new Error("the URL names no database");
      return v;
    }, ""),
    databasePoolSize: check("DATABASE_POOL_SIZE", raw("DATABASE_POOL_SIZE"), int(1, 1000), 10),
    databaseReadUrls: parseReadUrls(optional("DATABASE_READ_URL"), problems),
    databaseReadMaxLagMs: check("DATABASE_READ_MAX_LAG", raw("DATABASE_READ_MAX_LAG"), duration(0, 86_400_000), 0),
    databaseReadCheckIntervalMs: check("DATABASE_READ_CHECK_INTERVAL", raw("DATABASE_READ_CHECK_INTERVAL"), duration(100, 600_000), 0),
    adminToken: optional("ADMIN_TOKEN"),
    trustProxy: check("TRUST_PROXY", raw("TRUST_PROXY"), proxyHops, 0),
    geoipPath: optional("GEOIP_PATH"),
    build: { commit: optional("ICHNOS_COMMIT"), build: optional("ICHNOS_BUILD"), source: optional("ICHNOS_SOURCE") },
    mapTilesUrl: optional("MAP_TILES_URL") === undefined ? undefined : check("MAP_TILES_URL", optional("MAP_TILES_URL")!, (v) => {
      url(["https:", "http:"])(v);
      if (!["{z}", "{x}", "{y}"].every((p) => v.includes(p))) throw new Error("must contain {z}, {x} and {y}");
      return v;
    }, ""),
    streamPartitions: check("STREAM_PARTITIONS", raw("STREAM_PARTITIONS"), int(1, 1024), 4),
    streamRetentionMs: check("STREAM_RETENTION", raw("STREAM_RETENTION"), duration(1000), 0),
    streamMaxBytes: check("STREAM_MAX_BYTES", raw("STREAM_MAX_BYTES"), (v) => {
      const n = parseSize(v);
      if (n < 1024) throw new Error("must be at least 1 KiB");
      return n;
    }, 0),
    trimIntervalMs: check("TRIM_INTERVAL", raw("TRIM_INTERVAL"), duration(10), 0),
    consumerBatch: check("CONSUMER_BATCH", raw("CONSUMER_BATCH"), int(1, 10_000), 500),
    consumerBlockMs: check("CONSUMER_BLOCK", raw("CONSUMER_BLOCK"), duration(1), 0),
    claimIdleMs: check("CLAIM_IDLE", raw("CLAIM_IDLE"), duration(1), 0),
    maxDeliveries: check("MAX_DELIVERIES", raw("MAX_DELIVERIES"), int(1, 1000), 5),
    shutdownTimeoutMs: check("SHUTDOWN_TIMEOUT", raw("SHUTDOWN_TIMEOUT"), duration(1), 0),
    maxBodyBytes: check("MAX_BODY_BYTES", raw("MAX_BODY_BYTES"), (v) => {
      const n = parseSize(v);
      if (n < 1024 || n > 1024 ** 3) throw new Error("must be between 1 KiB and 1 GiB");
      return n;
    }, 0),
    maxSubmitItems: check("MAX_SUBMIT_ITEMS", raw("MAX_SUBMIT_ITEMS"), int(1, 1_000_000), 1000),
    stationBatch: check("STATION_BATCH", raw("STATION_BATCH"), int(1, 1000), 10),
    exportsReloadMs: check("EXPORTS_RELOAD", raw("EXPORTS_RELOAD"), duration(100), 0),
    statRollupIntervalMs: check("STAT_ROLLUP_INTERVAL", raw("STAT_ROLLUP_INTERVAL"), duration(1000), 0),
    lockWaitTimeoutMs: check("LOCK_WAIT_TIMEOUT", raw("LOCK_WAIT_TIMEOUT"), duration(1000), 0),
    usageFlushMs: check("USAGE_FLUSH", raw("USAGE_FLUSH"), (v) => {
      const ms = parseDuration(v);
      if (ms > 60_000) throw new Error("must be at most 60s (0 sends each count at once)");
      return ms;
    }, 0),
    maxEntryBytes: check("MAX_ENTRY_BYTES", raw("MAX_ENTRY_BYTES"), size(4096, 64 * 1024 ** 2, "4 KiB and 64 MiB"), 0),
    consumerBatchBytes: check("CONSUMER_BATCH_BYTES", raw("CONSUMER_BATCH_BYTES"), size(1024, 1024 ** 3, "1 KiB and 1 GiB"), 0),
    eventsPageBytes: check("EVENTS_PAGE_BYTES", raw("EVENTS_PAGE_BYTES"), size(1024, 1024 ** 3, "1 KiB and 1 GiB"), 0),
    redisTimeoutMs: check("REDIS_TIMEOUT", raw("REDIS_TIMEOUT"), duration(10, 60_000), 0),
    requestTimeoutMs: check("REQUEST_TIMEOUT", raw("REQUEST_TIMEOUT"), duration(100, 3_600_000), 0),
    idleTimeoutMs: check("IDLE_TIMEOUT", raw("IDLE_TIMEOUT"), duration(100, 3_600_000), 0),
    consumerLivenessMs: check("CONSUMER_LIVENESS", raw("CONSUMER_LIVENESS"), duration(1000, 3_600_000), 0),
    backupUrl: optional("BACKUP_URL") === undefined ? undefined : check("BACKUP_URL", optional("BACKUP_URL")!, (v) => {
      parseS3Url(v);
      return v;
    }, undefined),
    backupMaxAgeMs: check("BACKUP_MAX_AGE", raw("BACKUP_MAX_AGE"), duration(100, 86_400_000), 0),
    s3ForcePathStyle: check("S3_FORCE_PATH_STYLE", raw("S3_FORCE_PATH_STYLE"), bool, false),
    awsRegion: optional("AWS_REGION"),
    partnerTimeoutMs: check("PARTNER_TIMEOUT", raw("PARTNER_TIMEOUT"), duration(100, 600_000), 0),
    assetBucket: optional("ASSET_BUCKET") === undefined ? undefined : check("ASSET_BUCKET", optional("ASSET_BUCKET")!, (v) => {
      parseS3Url(v);
      return v;
    }, undefined),
    assetUrl: optional("ASSET_URL") === undefined ? undefined : check("ASSET_URL", optional("ASSET_URL")!, (v) => {
      url(["https:", "http:"])(v);
      return v.replace(/\/+$/, "");
    }, undefined),
    cellExportDir: raw("CELL_EXPORT_DIR"),
    cellExportRetentionMs: check("CELL_EXPORT_RETENTION", raw("CELL_EXPORT_RETENTION"), (v) => {
      const ms = parseDuration(v);
      // Under an hour is a unit slip (a bare "7" is seven seconds) that would delete all but the newest diff.
      if (ms !== 0 && ms < 3_600_000) throw new Error("must be 0 (keep everything) or at least 1h");
      return ms;
    }, 0),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
}
