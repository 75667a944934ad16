/**
 * The external fallback position source (SPEC §3.12): cache, then rate limit, then one call to
 * the key's provider. Failures stay inside: a broken provider or Redis means "no fallback
 * result", logged and counted (metrics/locate-metrics.ts), never an error for the locate request.
 */
import { type ApiKey, canFallback } from "../../domain/api-key.ts";
import type { PositionResult } from "../../domain/locate/result.ts";
import { roundHalfEven } from "../../geo/round.ts";
import type { Logger } from "../../logger.ts";
import type { RedisClient } from "../../redis/create-redis.ts";
import { createFallbackCache } from "./cache.ts";
import type { FallbackMetrics } from "../../metrics/locate-metrics.ts";
import { callProvider, type FetchLike, ProviderTimeout } from "./provider-call.ts";
import type { FallbackQuery } from "./query.ts";
import { createFallbackRateLimit } from "./rate-limit.ts";
import {
  buildOutboundRequest, type FallbackAnswer, type FallbackSchema, NOT_FOUND, parseFallbackResult,
  resolveFallbackSchema,
} from "./schemas.ts";
import { hasFallbackNetworks } from "./should-search.ts";

export interface FallbackSource {
  /** A position from the provider or its cache; null for not-found, skipped and failed lookups. */
  search(query: FallbackQuery, key: ApiKey): Promise<PositionResult | null>;
}

export interface FallbackSourceOptions {
  readonly redis: RedisClient;
  readonly prefix: string;
  readonly log: Logger;
  /** Cache statuses, lookups by HTTP status (and `timeout`/`error`/`invalid`) with their time, limited calls. */
  readonly metrics: FallbackMetrics;
  readonly fetch?: FetchLike;
  /** SPEC §3.12: 5 s. */
  readonly timeoutMs?: number;
  readonly redisTimeoutMs?: number;
  readonly now?: () => number;
}

/** The body as JSON, or undefined (which no schema accepts) when it is not JSON. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** SPEC §3.12 step 5: a provider's lacf guess is worth less than its network match. */
function toResult(answer: FallbackAnswer): PositionResult | null {
  if (answer.kind === "notFound") return null;
  return {
    // SPEC §3.5: results are rounded to 7 decimals on construction.
    lat: roundHalfEven(answer.lat, 7),
    lon: roundHalfEven(answer.lon, 7),
    accuracy: roundHalfEven(answer.accuracy, 7),
    score: answer.fallback === "lacf" ? 5.0 : 10.0,
    source: "fallback",
    fallback: answer.fallback,
    usedNetworks: [],
  };
}

export function createFallbackSource(options: FallbackSourceOptions): FallbackSource {
  const { redis, prefix, log, fetch = globalThis.fetch, timeoutMs = 5000, redisTimeoutMs = 1000, now = Date.now } = options;
  const cache = createFallbackCache({ redis, prefix, log, timeoutMs: redisTimeoutMs });
  const rateLimit = createFallbackRateLimit({ redis, prefix, log, now, timeoutMs: redisTimeoutMs });
  const counters = options.metrics;

  /** The provider's definite answer, or null for an error (which is not cached). */
  async function lookup(schema: FallbackSchema, query: FallbackQuery, key: ApiKey): Promise<FallbackAnswer | null> {
    const context = { fallbackName: key.fallbackName, schema };
    const started = performance.now();
    try {
      const reply = await callProvider(fetch, buildOutboundRequest(schema, key.fallbackUrl ?? "", query.json), timeoutMs);
      counters.lookup(String(reply.status), (performance.now() - started) / 1000);
      if (reply.status === 404) return NOT_FOUND;
      if (reply.status < 200 || reply.status > 299) {
        log.warn({ ...context, status: reply.status, ms: Math.round(performance.now() - started) }, "fallback provider answered with an error");
        return null;
      }
      const answer = parseFallbackResult(schema, parseJson(reply.text));
      if (answer === null) {
        counters.lookup("invalid");
        log.warn({ ...context, status: reply.status }, "fallback provider answer is invalid");
      }
      return answer;
    } catch (err) {
      const timedOut = err instanceof ProviderTimeout;
      counters.lookup(timedOut ? "timeout" : "error", (performance.now() - started) / 1000);
      log.warn({ ...context, err, ms: Math.round(performance.now() - started) }, timedOut ? "fallback provider timed out" : "fallback lookup failed");
      return null;
    }
  }

  async function search(query: FallbackQuery, key: ApiKey): Promise<PositionResult | null> {
    // The locate route decides (SPEC §3.4); this guard only keeps a wrong call from going out.
    if (!canFallback(key) || !hasFallbackNetworks(query.counts)) return null;
    const schema = resolveFallbackSchema(key.fallbackSchema);
    if (schema === null) {
      log.warn({ fallbackName: key.fallbackName, schema: key.fallbackSchema }, "unknown fallback schema; not searched");
      return null;
    }
    const cached = await cache.get(schema, query, key);
    counters.cache(cached.status);
    // SPEC §3.12 step 2: a cached answer, even a not-found, spends no rate-limit budget.
    if (cached.status === "hit") return toResult(cached.answer);
    if (!(await rateLimit.allow(key))) {
      counters.rateLimited();
      return null;
    }
    const answer = await lookup(schema, query, key);
    if (answer === null) return null;
    await cache.set(schema, query, key, answer);
    return toResult(answer);
  }

  return {
    async search(query, key) {
      try {
        return await search(query, key);
      } catch (err) {
        log.error({ err, fallbackName: key.fallbackName }, "fallback search failed");
        return null;
      }
    },
  };
}
