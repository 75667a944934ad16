/** The web process's part of the composition root: everything the routes need, from config. */
import type { WebDeps } from "../api/app.ts";
import { createApiKeyResolver } from "../api/api-key-resolver.ts";
import type { HeartbeatChecks } from "../api/heartbeat.ts";
import { createUsageTracker } from "../api/usage-tracker.ts";
import { loadApiKey } from "../db/api-key-lookup.ts";
import { createAppender } from "../stream/append.ts";
import { createReportSubmitter } from "../submit/report-submitter.ts";
import type { Services } from "./services.ts";

export function createWebDeps(services: Services, checks: HeartbeatChecks): WebDeps {
  const { config, log, redis, pool, keys } = services;
  return {
    log,
    checks,
    submit: {
      log,
      keys: createApiKeyResolver({ load: (key) => loadApiKey(pool, key), log }),
      usage: createUsageTracker(redis, config.redisPrefix, log),
      submitter: createReportSubmitter(createAppender(redis, keys), keys),
      maxBodyBytes: config.maxBodyBytes,
      maxItems: config.maxSubmitItems,
      trustProxy: config.trustProxy,
    },
    events: config.adminToken ? { log, redis, keys, adminToken: config.adminToken } : undefined,
  };
}
