/**
 * `/v1/geolocate` and `/v1/country` (SPEC §3.13). Order of checks (SPEC §1.4.6): key → allowed →
 * daily limit (geolocate only; `/v1/country` is never limited, SPEC §9.15) → body → schema →
 * search. An empty body, or one failing validation while empty, is the request `{}` (§1.5.4).
 */
import type { H3, H3Event } from "h3";
import { type ApiKey, isAllowed } from "../../domain/api-key.ts";
import { type LocateRequest, parseLocateRequest } from "../../domain/locate/parse-locate-request.ts";
import type { PositionResult, RegionResult } from "../../domain/locate/result.ts";
import type { LocateService } from "../../locate/locate-service.ts";
import type { Logger } from "../../logger.ts";
import { defineApiRoute } from "../api-route.ts";
import { type ApiKeyResolver, keyLabel } from "../api-key-resolver.ts";
import { clientIp, requestIp } from "../client-ip.ts";
import { dailyLimitExceeded, invalidApiKey, locationNotFound, parseError } from "../errors.ts";
import { firstQueryValue } from "../query.ts";
import { readJsonBody } from "../read-body.ts";
import { overDailyLimit, type UsageTracker } from "../usage-tracker.ts";

export interface LocateDeps {
  readonly log: Logger;
  readonly keys: ApiKeyResolver;
  readonly usage: UsageTracker;
  readonly locate: LocateService;
  readonly maxBodyBytes: number;
  readonly trustProxy: number;
  readonly now?: () => number;
}

/** SPEC §1.4.4: locate and region refuse missing, unknown and disallowed keys; a DB error passes. */
async function resolveKey(event: H3Event, deps: LocateDeps, kind: "locate" | "region"): Promise<{ key: ApiKey; found: boolean }> {
  const resolved = await deps.keys.resolve(firstQueryValue(event, "key"));
  event.context.apiKey = keyLabel(resolved);
  const { status, key } = resolved;
  if (status === "error") return { key, found: false };
  if (status !== "found" || !isAllowed(key, kind)) throw invalidApiKey();
  return { key, found: true };
}

async function readRequest(event: H3Event, maxBodyBytes: number): Promise<LocateRequest> {
  const body = await readJsonBody(event, maxBodyBytes);
  const parsed = parseLocateRequest(body.data);
  if (parsed.ok) return parsed.request;
  if (!body.empty) throw parseError({ validation: parsed.validation });
  const empty = parseLocateRequest({});
  if (!empty.ok) throw parseError({ validation: empty.validation });
  return empty.request;
}

function positionBody(r: PositionResult): Record<string, unknown> {
  const body: Record<string, unknown> = { location: { lat: r.lat, lng: r.lon }, accuracy: r.accuracy };
  if (r.fallback) body.fallback = r.fallback;
  return body;
}

function regionBody(r: RegionResult): Record<string, unknown> {
  const body: Record<string, unknown> = { country_code: r.regionCode, country_name: r.regionName };
  if (r.fallback) body.fallback = r.fallback;
  return body;
}

export function registerLocateRoutes(app: H3, deps: LocateDeps): void {
  const now = deps.now ?? Date.now;

  defineApiRoute(app, "/v1/geolocate", async (event) => {
    const { key, found } = await resolveKey(event, deps, "locate");
    if (found && key.validKey) {
      const over = await overDailyLimit(deps.usage, "locate", { validKey: key.validKey, maxreq: key.maxreq }, "v1.geolocate",
        clientIp(event, deps.trustProxy), new Date(now()));
      if (over) throw dailyLimitExceeded();
    }
    const request = await readRequest(event, deps.maxBodyBytes);
    const query = deps.locate.createQuery(request, requestIp(event, deps.trustProxy), "locate");
    const result = await deps.locate.locate(query, key, { userAgent: event.req.headers.get("user-agent") });
    if (result === null) throw locationNotFound();
    return positionBody(result);
  });

  defineApiRoute(app, "/v1/country", async (event) => {
    const { key } = await resolveKey(event, deps, "region");
    const request = await readRequest(event, deps.maxBodyBytes);
    const query = deps.locate.createQuery(request, requestIp(event, deps.trustProxy), "region");
    const result = await deps.locate.region(query, key);
    if (result === null) throw locationNotFound();
    return regionBody(result);
  });
}
