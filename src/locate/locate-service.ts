/**
 * The locate and region searchers (SPEC §3.4): position sources internal → GeoIP → external
 * fallback, region sources internal → GeoIP; the best combined result is the answer (SPEC §3.5),
 * null meaning 404. A position answered from the internal source may become a `query` report
 * (SPEC §3.9); appending it can fail without failing the request (DESIGN §5). Each search is
 * counted as upstream's `locate.query`, `locate.result` and `locate.source` metrics (SPEC §8.2).
 */
import { type ApiKey, shouldStoreSample } from "../domain/api-key.ts";
import { accuracyClass, meetsAccuracy } from "../domain/locate/accuracy.ts";
import { bestPosition, bestRegion, positionsSatisfy } from "../domain/locate/combine-results.ts";
import { estimateGeoIp, type GeoIpEstimate, geoIpPosition, geoIpRegion } from "../domain/locate/geoip-result.ts";
import type { LocateRequest } from "../domain/locate/parse-locate-request.ts";
import { type ApiType, createQuery, parseClientIp, type Query } from "../domain/locate/query.ts";
import type { PositionResult, RegionResult } from "../domain/locate/result.ts";
import type { RegionLookup } from "../geo/region-lookup.ts";
import type { GeoIp } from "../geoip/geoip-reader.ts";
import type { LocateMetrics, NetworkCount, QueryShape } from "../metrics/locate-metrics.ts";
import type { AppendFailures } from "../metrics/submit-metrics.ts";
import { EntryTooLargeError, type ReportSubmitter } from "../submit/report-submitter.ts";
import type { FallbackSource } from "./fallback/fallback-source.ts";
import type { FallbackQuery } from "./fallback/query.ts";
import { shouldSearchFallback } from "./fallback/should-search.ts";
import { createInternalSource, hasNetworks, type InternalSourceDeps } from "./internal-source.ts";
import { buildQueryReport, queryReportPosition } from "./query-report.ts";

export interface LocateServiceDeps extends InternalSourceDeps {
  readonly geoip: Pick<GeoIp, "lookup">;
  readonly regions: Pick<RegionLookup, "maxRadius" | "mccRegions">;
  readonly fallback: Pick<FallbackSource, "search">;
  readonly submitter: ReportSubmitter;
  /** `MAX_ENTRY_BYTES`: a larger query report is dropped (and counted), the answer unaffected. */
  readonly maxEntryBytes: number;
  readonly metrics: LocateMetrics;
  /** Counts a query report Redis did not take beside the submit API's failed appends. */
  readonly appendFailed: AppendFailures;
  readonly now?: () => number;
  readonly random?: () => number;
  /** SPEC §2.4 `global_locate_sample_rate`; 100 when absent. */
  readonly globalSampleRate?: () => Promise<number>;
}

/** What the HTTP layer knows about the request beyond its body. */
export interface LocateContext {
  readonly userAgent?: string | null;
}

export interface LocateService {
  /** The query for a parsed request (SPEC §3.3); the GeoIP lookup decides `geoip_only`. */
  createQuery(request: LocateRequest, clientIp: string | null, apiType: ApiType): Query;
  locate(query: Query, key: ApiKey, context?: LocateContext): Promise<PositionResult | null>;
  region(query: Query, key: ApiKey): Promise<RegionResult | null>;
}

const networkCounts = (query: Query): FallbackQuery["counts"] => ({ blue: query.blue.length, wifi: query.wifi.length, cell: query.cell.length });

/** The query's upstream metric tags (`geoip:false`, `blue:one` …) as labels. */
function queryShape(query: Query): QueryShape {
  const tags = new Map(query.metricTags().map((t) => t.split(":") as [string, string]));
  const count = (kind: string) => (tags.get(kind) ?? "none") as NetworkCount;
  return { geoip: tags.get("geoip") !== "false", blue: count("blue"), cell: count("cell"), wifi: count("wifi") };
}

const meets = (accuracy: number | undefined, query: Query) => accuracy !== undefined && meetsAccuracy(accuracyClass(accuracy), query.expectedAccuracy);

export function createLocateService(deps: LocateServiceDeps): LocateService {
  const { geoip, regions, fallback, submitter, log } = deps;
  const now = deps.now ?? Date.now;
  const random = deps.random ?? Math.random;
  const internal = createInternalSource(deps);
  const { metrics } = deps;

  function estimate(ip: string | null): GeoIpEstimate | null {
    const record = ip === null ? null : geoip.lookup(ip);
    return record === null ? null : estimateGeoIp(record, regions);
  }
  // The lookup made for `geoip_only` when the query was built serves the search too.
  const estimates = new WeakMap<Query, GeoIpEstimate | null>();
  /** SPEC §3.4: GeoIP is searched iff `ipf` and the query has an IP — even after a good answer. */
  const geoipFor = (query: Query): GeoIpEstimate | null => {
    if (!query.fallbacks.ipf) return null;
    return estimates.has(query) ? (estimates.get(query) ?? null) : estimate(query.ip);
  };

  async function storeQuery(query: Query, key: ApiKey, results: readonly PositionResult[], context: LocateContext): Promise<void> {
    // A key that stores nothing needs neither the report nor the global rate from Redis.
    if ((key.storeSampleLocate ?? 0) <= 0) return;
    const best = queryReportPosition(query, results);
    if (best === null) return;
    const rate = deps.globalSampleRate ? await deps.globalSampleRate() : 100;
    if (!shouldStoreSample(key, "locate", random(), rate)) return;
    const receivedMs = now();
    try {
      await submitter.submit({
        reports: [buildQueryReport(query, best, receivedMs)], apiKey: key.validKey, userAgent: context.userAgent ?? null, receivedMs,
        maxEntryBytes: deps.maxEntryBytes,
      });
    } catch (err) {
      if (err instanceof EntryTooLargeError) {
        metrics.queryReportDropped("too_large");
        log.warn({ bytes: err.bytes, limit: err.limit }, "query report over MAX_ENTRY_BYTES; dropped");
      } else {
        metrics.queryReportDropped("append_failed");
        deps.appendFailed("locate");
        log.warn({ err }, "could not append the query report; dropped");
      }
    }
  }

  return {
    createQuery(request, clientIp, apiType) {
      const ip = parseClientIp(clientIp);
      const found = estimate(ip);
      const query = createQuery({ request, clientIp: ip, apiType, hasGeoip: found !== null });
      estimates.set(query, found);
      return query;
    },
    async locate(query, key, context = {}) {
      const at = new Date(now());
      const expected = query.expectedAccuracy;
      // Upstream counts results and sources only for a query that could expect anything.
      const counted = expected !== "none";
      const sourceMetric = (source: "internal" | "geoip" | "fallback", found: readonly PositionResult[]) => {
        if (counted) metrics.source("locate", source, expected, positionsSatisfy(found, expected));
      };
      metrics.query("locate", queryShape(query));
      const internalResults = hasNetworks(query) ? await internal.positions(query, at) : [];
      if (hasNetworks(query)) sourceMetric("internal", internalResults);
      const results = [...internalResults];
      const ip = geoipFor(query);
      if (ip) results.push(geoIpPosition(ip, query.geoipOnly === true));
      if (query.fallbacks.ipf && query.ip !== null) sourceMetric("geoip", results.slice(internalResults.length));
      const counts = networkCounts(query);
      if (shouldSearchFallback(key, counts, positionsSatisfy(results, expected))) {
        // The outbound body is built only when a provider is asked.
        const found = await fallback.search({ json: query.toJson(), counts }, key);
        if (found) results.push(found);
        sourceMetric("fallback", found ? [found] : []);
      }
      await storeQuery(query, key, internalResults, context);
      const best = bestPosition(results);
      if (counted) metrics.result("locate", expected, meets(best?.accuracy, query), key.allowFallback === true);
      return best;
    },
    async region(query, key) {
      const expected = query.expectedAccuracy;
      const counted = expected !== "none";
      metrics.query("region", queryShape(query));
      const results = hasNetworks(query) ? await internal.regions(query, new Date(now())) : [];
      if (counted && hasNetworks(query)) metrics.source("region", "internal", expected, results.some((r) => meets(r.accuracy, query)));
      const ip = geoipFor(query);
      if (ip) results.push(geoIpRegion(ip, query.geoipOnly === true));
      if (counted && query.fallbacks.ipf && query.ip !== null) metrics.source("region", "geoip", expected, ip !== null && meets(results.at(-1)?.accuracy, query));
      const best = bestRegion(results);
      if (counted) metrics.result("region", expected, meets(best?.accuracy, query), key.allowFallback === true);
      return best;
    },
  };
}
