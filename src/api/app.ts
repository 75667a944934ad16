/**
 * The web application: route families, the one error hook, and the headers every response gets.
 * Built from its dependencies only; nothing here connects or listens (see serve.ts).
 */
import { registerVendorRoutes } from "./routes/vendor.ts";
import { type DownloadsDeps, registerDownloadsRoutes } from "./routes/downloads.ts";
import { type MapDeps, registerMapRoutes } from "./routes/map.ts";
import { registerOpenApiRoutes } from "./routes/openapi.ts";
import { registerPageRoutes } from "./routes/pages.ts";
import { registerStatsRoutes, type StatsDeps } from "./routes/stats.ts";
import { H3, type H3Event, HTTPError, HTTPResponse } from "h3";
import { randomUUID } from "node:crypto";
import { withLogFields } from "../log-context.ts";
import type { Logger } from "../logger.ts";
import type { HeartbeatChecks } from "./heartbeat.ts";
import { ApiError } from "./errors.ts";
import { registerContentRoutes } from "./routes/content.ts";
import type { GivenVersion } from "./content/version-info.ts";
import { type EventsDeps, registerEventsRoutes } from "./routes/events.ts";
import { type LocateDeps, registerLocateRoutes } from "./routes/locate.ts";
import { registerMonitorRoutes } from "./routes/monitor.ts";
import { type MetricsDeps, registerMetricsRoutes } from "./routes/metrics.ts";
import type { RequestLog } from "./request-log.ts";
import { registerSubmitRoutes, type SubmitDeps } from "./routes/submit.ts";

export interface WebDeps {
  readonly log: Logger;
  readonly checks: HeartbeatChecks;
  /** The submit API; absent in processes or tests that serve only the monitor routes. */
  readonly submit?: SubmitDeps;
  /** The locate and region APIs; absent in processes or tests that do not serve them. */
  readonly locate?: LocateDeps;
  /** The operator event feed (`/v1/events`); absent when ADMIN_TOKEN is unset. */
  readonly events?: EventsDeps;
  /** What `/__version__` names beyond package.json (config.ts `build`). */
  readonly version?: GivenVersion;
  /** MAP_TILES_URL: the raster base map the CSP must allow. */
  readonly mapTilesUrl?: string;
  /** The coverage map (`/map`, its data and borders); absent in processes or tests without it. */
  readonly map?: MapDeps;
  /** The statistics' JSON (`/stats_*.json`); absent in processes or tests without them. */
  readonly stats?: StatsDeps;
  /** The public cell exports (`/downloads`); absent in processes or tests without them. */
  readonly downloads?: DownloadsDeps;
  /** `/metrics`; absent in processes or tests without a registry. */
  readonly metrics?: MetricsDeps;
  /** The access log and HTTP metrics (request-log.ts); absent: neither. */
  readonly requests?: RequestLog;
}

/** A route family (`src/api/routes/<family>.ts`) adds its routes to the app. */
export type RouteFamily = (app: H3, deps: WebDeps) => void;

/**
 * Registration order. Add later families here (locate, submit, content pages, static files);
 * a catch-all such as static files must come last so the specific routes stay reachable.
 */
export const ROUTE_FAMILIES: readonly RouteFamily[] = [
  registerMonitorRoutes,
  (app, deps) => deps.metrics && registerMetricsRoutes(app, deps.metrics),
  (app, deps) => deps.submit && registerSubmitRoutes(app, deps.submit),
  (app, deps) => deps.locate && registerLocateRoutes(app, deps.locate),
  (app, deps) => deps.events && registerEventsRoutes(app, deps.events),
  (app, deps) => deps.stats && registerStatsRoutes(app, deps.stats),
  (app, deps) => registerPageRoutes(app, { stats: deps.stats?.stats }),
  registerOpenApiRoutes,
  (app, deps) => deps.map && registerMapRoutes(app, deps.map),
  (app, deps) => deps.downloads && registerDownloadsRoutes(app, deps.downloads),
  registerVendorRoutes,
  (app, deps) => registerContentRoutes(app, deps.version),
];

const HSTS = "max-age=31536000; includeSubDomains";
/**
 * SPEC §1.2: self plus the map's tile host. Everything the pages load is served by Ichnos
 * itself (no CDN), so only a configured raster base map (MAP_TILES_URL) adds a host.
 */
export function contentSecurityPolicy(mapTilesUrl?: string): string {
  const tiles = mapTilesUrl ? ` ${new URL(mapTilesUrl.replace(/\{[a-z]\}/g, "0")).origin}` : "";
  return [
    "default-src 'self'",
    `img-src 'self' data:${tiles}`,
    "script-src 'self'",
    "style-src 'self'",
    "connect-src 'self'",
  ].join("; ");
}

function addSecurityHeaders(response: Response, log: Logger, csp: string): void {
  const headers = response.headers;
  try {
    headers.set("strict-transport-security", HSTS);
    headers.set("x-content-type-options", "nosniff");
    if (headers.get("content-type")?.startsWith("text/html")) {
      headers.set("content-security-policy", csp);
      headers.set("x-frame-options", "DENY");
      headers.set("x-xss-protection", "1; mode=block");
    }
  } catch (err) {
    // Responses with immutable headers (Response.redirect, proxied fetch responses) cannot take
    // them; h3 ignores the hook's return value, so the only option is to say so.
    log.warn({ err }, "could not add security headers");
  }
}

// What a proxy may hand over as the request's id (nginx's $request_id, a load balancer's trace id).
const GIVEN_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Every request gets an id, the proxy's `X-Request-ID` when it sent a usable one: it is on every
 * log line written while the request is handled and in the response's `X-Request-ID` header, so a
 * client's report and the server's log lines can be matched.
 */
function requestId(event: H3Event): string {
  const given = event.req.headers.get("x-request-id");
  const id = given && GIVEN_REQUEST_ID.test(given) ? given : randomUUID();
  event.context.reqId = id;
  event.res.headers.set("x-request-id", id);
  return id;
}

function notFound(): HTTPResponse {
  return new HTTPResponse("<h1>404 Not Found</h1>", {
    status: 404,
    headers: { "content-type": "text/html; charset=utf-8" },
  });
}

/**
 * The one error hook. 404 is Ichnaea's HTML page; other HTTP errors keep h3's small JSON body
 * (SPEC §1.1: 405 uses the framework's default); anything unexpected is logged and hidden.
 * The API error envelope (SPEC §1.6) is produced here, and only here, from ApiError.
 */
function handleError(error: HTTPError, event: H3Event, log: Logger): unknown {
  if (error instanceof ApiError) {
    // A plain object keeps the CORS headers the route already set (a new Response would not).
    event.res.status = error.status;
    return error.toEnvelope();
  }
  if (error.status === 404) return notFound();
  if (!error.unhandled) return undefined;
  const err = error.cause instanceof Error ? error.cause : error;
  // A client that hung up mid-request is not a server error worth an alert.
  const level = event.req.signal?.aborted ? "debug" : "error";
  // The error hook runs after the request's log context has ended: name the request here.
  log[level]({ err, method: event.req.method, path: event.url.pathname, reqId: event.context.reqId }, level === "debug" ? "client closed the connection mid-request" : "unhandled error");
  return new HTTPError({ status: 500, statusText: "Internal Server Error", message: "Internal Server Error" });
}

export function createWebApp(deps: WebDeps): H3 {
  const csp = contentSecurityPolicy(deps.mapTilesUrl);
  const app = new H3({
    silent: true,
    onError: (error, event) => handleError(error, event, deps.log),
    onRequest: (event) => deps.requests?.started(event),
    onResponse: (response, event) => {
      addSecurityHeaders(response, deps.log, csp);
      // Answers h3 gives before any middleware runs (405) carry the request's id too.
      if (!response.headers.has("x-request-id")) {
        try {
          response.headers.set("x-request-id", typeof event.context.reqId === "string" ? event.context.reqId : requestId(event));
        } catch {
          // Immutable headers (see addSecurityHeaders): nothing to add them to.
        }
      }
      deps.requests?.finished(response, event);
    },
  });
  app.use((event, next) => withLogFields({ reqId: requestId(event) }, next));
  for (const register of ROUTE_FAMILIES) register(app, deps);
  return app;
}
