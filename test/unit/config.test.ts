import { test } from "uvu";
import * as assert from "uvu/assert";
import { ConfigError, loadConfig } from "../../src/config.ts";
import { parseDuration, parseSize } from "../../src/util/units.ts";

test("defaults make a local Redis and MySQL work with no variables set", () => {
  const config = loadConfig({});
  assert.is(config.port, 8000);
  assert.is(config.redisUrl, "redis://127.0.0.1:6379");
  assert.is(config.redisPrefix, "ichnos");
  assert.is(config.databaseUrl, "mysql://root@127.0.0.1:3306/ichnos");
  assert.is(config.adminToken, undefined);
  assert.is(config.trustProxy, 0);
  assert.is(config.maxEntryBytes, 256 * 1024);
  assert.is(config.consumerBatchBytes, 4 * 1024 ** 2);
  assert.is(config.redisTimeoutMs, 1000);
  assert.is(config.requestTimeoutMs, 30_000);
  assert.is(config.streamRetentionMs, 7 * 86_400_000);
  assert.is(config.streamMaxBytes, 1024 ** 3);
  assert.ok(Object.isFrozen(config));
});

test("values are parsed with their units", () => {
  const config = loadConfig({
    PORT: "9000", STREAM_RETENTION: "36h", STREAM_MAX_BYTES: "256MiB", CLAIM_IDLE: "1500ms", TRUST_PROXY: "yes",
    REDIS_CLUSTER_NODES: "10.0.0.1:7000, 10.0.0.2:7000", LOG_LEVEL: "DEBUG", ADMIN_TOKEN: "s3cret",
  });
  assert.is(config.port, 9000);
  assert.is(config.streamRetentionMs, 36 * 3_600_000);
  assert.is(config.streamMaxBytes, 256 * 1024 ** 2);
  assert.is(config.claimIdleMs, 1500);
  assert.is(config.trustProxy, 1);
  assert.equal(config.redisClusterNodes, ["10.0.0.1:7000", "10.0.0.2:7000"]);
  assert.is(config.logLevel, "debug");
  assert.is(config.adminToken, "s3cret");
});

test("TRUST_PROXY takes a number of proxy hops; true and false stay as 1 and 0", () => {
  assert.is(loadConfig({ TRUST_PROXY: "2" }).trustProxy, 2);
  assert.is(loadConfig({ TRUST_PROXY: "0" }).trustProxy, 0);
  assert.is(loadConfig({ TRUST_PROXY: "false" }).trustProxy, 0);
  assert.throws(() => loadConfig({ TRUST_PROXY: "-1" }), /TRUST_PROXY="-1": expected the number of trusted proxies/);
  assert.throws(() => loadConfig({ TRUST_PROXY: "33" }), /from 0 to 32/);
});

test("byte and time limits are range-checked", () => {
  assert.throws(() => loadConfig({ MAX_ENTRY_BYTES: "1KiB" }), /MAX_ENTRY_BYTES="1KiB": must be between 4 KiB and 64 MiB/);
  assert.throws(() => loadConfig({ REDIS_TIMEOUT: "2m" }), /REDIS_TIMEOUT="2m": must be at most 60000 ms/);
  assert.is(loadConfig({ CONSUMER_BATCH_BYTES: "64KiB" }).consumerBatchBytes, 65_536);
});

test("BACKUP_URL must be an s3:// URL; the archive settings have defaults", () => {
  assert.is(loadConfig({}).backupUrl, undefined);
  assert.is(loadConfig({}).backupMaxAgeMs, 300_000);
  assert.is(loadConfig({ BACKUP_URL: "s3://ichnos-backup/reports", S3_FORCE_PATH_STYLE: "true" }).s3ForcePathStyle, true);
  assert.throws(() => loadConfig({ BACKUP_URL: "https://example.com/x" }), /BACKUP_URL="https:\/\/example.com\/x": .*not an s3:\/\/bucket\/prefix URL/);
});

test("an unparseable REDIS_URL is reported by name", () => {
  const err = (() => { try { loadConfig({ REDIS_URL: "localhost:6379" }); } catch (e) { return e; } })();
  assert.instance(err, ConfigError);
  assert.equal((err as ConfigError).problems.length, 1);
  assert.match((err as ConfigError).message, /REDIS_URL="localhost:6379": /);
});

test("an unknown LOG_LEVEL is reported by name with the accepted levels", () => {
  assert.throws(() => loadConfig({ LOG_LEVEL: "verbose" }), /LOG_LEVEL="verbose": unknown level; use one of fatal, error, warn, info, debug, trace, silent/);
});

test("every problem is reported at once", () => {
  try {
    loadConfig({ PORT: "eighty", DATABASE_URL: "postgres://x/y", MAX_DELIVERIES: "0", STREAM_RETENTION: "soon", REDIS_PREFIX: "a{b}" });
    assert.unreachable("should have thrown");
  } catch (err) {
    const names = (err as ConfigError).problems.map((p) => p.split("=")[0]);
    assert.equal(names, ["PORT", "REDIS_PREFIX", "DATABASE_URL", "STREAM_RETENTION", "MAX_DELIVERIES"]);
  }
});

test("a DATABASE_URL must name a database", () => {
  assert.throws(() => loadConfig({ DATABASE_URL: "mysql://root@127.0.0.1:3306/" }), /DATABASE_URL=.*names no database/);
});

test("durations and sizes", () => {
  assert.is(parseDuration("250ms"), 250);
  assert.is(parseDuration("90"), 90_000);
  assert.is(parseDuration("7d"), 604_800_000);
  assert.is(parseSize("1GB"), 1e9);
  assert.is(parseSize("2KiB"), 2048);
  assert.throws(() => parseDuration("3 weeks"));
  assert.throws(() => parseSize("lots"));
});

test("USAGE_FLUSH: 1 s by default, 0 allowed (each count at once), more than 60 s refused", () => {
  assert.is(loadConfig({}).usageFlushMs, 1000);
  assert.is(loadConfig({ USAGE_FLUSH: "0" }).usageFlushMs, 0);
  assert.is(loadConfig({ USAGE_FLUSH: "250ms" }).usageFlushMs, 250);
  assert.throws(() => loadConfig({ USAGE_FLUSH: "2m" }), /USAGE_FLUSH="2m": must be at most 60s/);
});

test("ACCESS_LOG: info by default, debug or off; anything else is refused with the choices", () => {
  assert.is(loadConfig({}).accessLog, "info");
  assert.is(loadConfig({ ACCESS_LOG: "DEBUG" }).accessLog, "debug");
  assert.is(loadConfig({ ACCESS_LOG: "off" }).accessLog, "off");
  assert.throws(() => loadConfig({ ACCESS_LOG: "warn" }), /ACCESS_LOG="warn": use one of info, debug, off/);
});

test("METRICS_PORT: unset means no listener; 0 is any free port; a port out of range is refused", () => {
  assert.is(loadConfig({}).metricsPort, undefined);
  assert.is(loadConfig({ METRICS_PORT: "9100" }).metricsPort, 9100);
  assert.is(loadConfig({ METRICS_PORT: "0" }).metricsPort, 0);
  assert.throws(() => loadConfig({ METRICS_PORT: "70000" }), /METRICS_PORT="70000": expected a number from 0 to 65535/);
  assert.throws(() => loadConfig({ METRICS_PORT: "metrics" }), /METRICS_PORT="metrics": expected a whole number/);
});

test.run();
