/**
 * The one access-log line per request and its HTTP metrics, written when the answer is ready
 * (app.ts's onResponse hook, which also sees h3's own 404/405 answers). The route is the matched
 * pattern (`/v1/geolocate`, `/downloads/:file`), never the path, so metrics stay bounded; the
 * logged path has no query string, which carries API keys.
 */
import type { H3Event } from "h3";
import type { AccessLogLevel } from "../config.ts";
import type { Logger } from "../logger.ts";
import type { HttpMetrics } from "../metrics/http-metrics.ts";

export interface RequestLogDeps {
  readonly log: Logger;
  /** ACCESS_LOG; `off` writes no line (the metrics still count). */
  readonly level: AccessLogLevel;
  readonly http: HttpMetrics;
}

export interface RequestLog {
  /** Marks the request's start; call first thing (onRequest). */
  started(event: H3Event): void;
  finished(response: Response, event: H3Event): void;
}

/** What no route matched: one label for every unknown path. */
export const UNMATCHED_ROUTE = "unmatched";

export function createRequestLog(deps: RequestLogDeps): RequestLog {
  const { log, level, http } = deps;
  return {
    started(event) {
      event.context.startedAt = performance.now();
    },
    finished(response, event) {
      const started = typeof event.context.startedAt === "number" ? event.context.startedAt : performance.now();
      const ms = performance.now() - started;
      const route = (event.context.matchedRoute as { route?: string } | undefined)?.route ?? UNMATCHED_ROUTE;
      const method = event.req.method;
      http.observe(route, method, response.status, ms / 1000);
      if (level === "off") return;
      log[level]({
        method, path: event.url.pathname, route, status: response.status, ms: Math.round(ms * 10) / 10,
        // Set by the API routes (api-key-resolver.ts keyLabel); other routes take no key.
        key: typeof event.context.apiKey === "string" ? event.context.apiKey : "none",
        reqId: event.context.reqId,
      }, "request");
    },
  };
}
