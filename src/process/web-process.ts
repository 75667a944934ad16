/**
 * A web process, composed in one place for `ichnos web` and `start`, the tests and the
 * benchmarks: GeoIP, the heartbeat's checks, the routes' dependencies and the HTTP server. Tests
 * change it only through `overrides` (overrides.ts).
 */
import { createWebApp } from "../api/app.ts";
import { createHeartbeatChecks } from "../api/heartbeat.ts";
import { startHttpServer, type HttpServer } from "../api/serve.ts";
import type { Services } from "../cli/services.ts";
import { createWebDeps } from "../cli/web-deps.ts";
import { readLatestMigration } from "../db/migrate.ts";
import { createGeoIp } from "../geoip/geoip-reader.ts";
import { createLiveService, type LiveService } from "../live/live-service.ts";
import { overriddenServices, type ProcessOverrides } from "./overrides.ts";

export interface WebProcess {
  readonly server: HttpServer;
  /** The live feed's connections and what it sent or dropped. */
  readonly live: Pick<LiveService, "stats">;
  /** Stops taking requests, then sends what the routes buffered (usage counts); idempotent. */
  stop(): Promise<void>;
}

export interface WebProcessOptions {
  readonly overrides?: ProcessOverrides;
}

/** Listens on HOST:PORT (PORT 0: any free port, see `server`). */
export async function createWebProcess(given: Services, options: WebProcessOptions = {}): Promise<WebProcess> {
  const overrides = options.overrides ?? {};
  const services = overriddenServices(given, overrides);
  const { config, log, redis, pool } = services;
  const geoip = await createGeoIp({ path: config.geoipPath, log });
  const checks = createHeartbeatChecks({ pool, redis, geoip, readLatestMigration });
  const deps = createWebDeps(services, checks, geoip, overrides.clock);
  // Each web process follows the reports streams for its own browsers (live/live-service.ts).
  const live = createLiveService({ redis, keys: services.keys, log, adminToken: config.adminToken });
  const server = await startHttpServer(createWebApp(deps), {
    host: config.host, port: config.port, log, requestTimeoutMs: config.requestTimeoutMs, idleTimeoutMs: config.idleTimeoutMs,
    upgrade: (req, socket, head) => live.handleUpgrade(req, socket, head),
  });
  let stopping: Promise<void> | null = null;
  return {
    server,
    live,
    stop() {
      stopping ??= (async () => {
        await live.stop();
        await server.close();
        await deps.close();
        geoip.close();
      })();
      return stopping;
    },
  };
}
