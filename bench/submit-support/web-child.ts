/**
 * The web process under test, in a child process of its own so the load generator does not
 * share its event loop: the same composition as `ichnos web` (serve-command.ts: createServices,
 * createGeoIp, createHeartbeatChecks, createWebDeps, createWebApp, startHttpServer), configured
 * by loadConfig from the environment the bench passes (scratch REDIS_PREFIX and DATABASE_URL,
 * HOST 127.0.0.1, PORT 0). Tells the parent its URL over IPC; stops on "stop", SIGTERM, SIGINT
 * or when the parent goes away.
 */
import { createWebApp } from "../../src/api/app.ts";
import { createHeartbeatChecks } from "../../src/api/heartbeat.ts";
import { startHttpServer } from "../../src/api/serve.ts";
import { createServices } from "../../src/cli/services.ts";
import { createWebDeps } from "../../src/cli/web-deps.ts";
import { loadConfig } from "../../src/config.ts";
import { readLatestMigration } from "../../src/db/migrate.ts";
import { createGeoIp } from "../../src/geoip/geoip-reader.ts";
import { createLogger } from "../../src/logger.ts";
import { onStopRequest, sendReady } from "./child-protocol.ts";

const config = loadConfig(process.env);
const log = createLogger(config.logLevel);
const services = createServices(config, log);
const geoip = await createGeoIp({ path: config.geoipPath, log });
const checks = createHeartbeatChecks({ pool: services.pool, redis: services.redis, geoip, readLatestMigration });
const server = await startHttpServer(createWebApp(createWebDeps(services, checks, geoip)), {
  host: config.host, port: config.port, log, requestTimeoutMs: config.requestTimeoutMs, idleTimeoutMs: config.idleTimeoutMs,
});

onStopRequest(async () => {
  await server.close();
  await services.close();
});
sendReady(server.url);
