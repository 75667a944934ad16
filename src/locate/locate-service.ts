/**
 * The locate and region searchers (SPEC §3.4): position sources internal → GeoIP → external
 * fallback, region sources internal → GeoIP; the best combined result is the answer (SPEC §3.5),
 * null meaning 404. A position answered from the internal source may become a `query` report
 * (SPEC §3.9); appending it can fail without failing the request (DESIGN §5).
 */
import { type ApiKey, shouldStoreSample } from "../domain/api-key.ts";
import { bestPosition, bestRegion, positionsSatisfy } from "../domain/locate/combine-results.ts";
import { estimateGeoIp, type GeoIpEstimate, geoIpPosition, geoIpRegion } from "../domain/locate/geoip-result.ts";
import type { LocateRequest } from "../domain/locate/parse-locate-request.ts";
import { type ApiType, createQuery, parseClientIp, type Query } from "../domain/locate/query.ts";
import type { PositionResult, RegionResult } from "../domain/locate/result.ts";
import type { RegionLookup } from "../geo/region-lookup.ts";
import type { GeoIp } from "../geoip/geoip-reader.ts";
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
  /** Query reports that could not be appended since start (DESIGN §5: counted, not surfaced). */
  droppedQueryReports(): number;
}

const networkCounts = (query: Query): FallbackQuery["counts"] => ({ blue: query.blue.length, wifi: query.wifi.length, cell: query.cell.length });

export function createLocateService(deps: LocateServiceDeps): LocateService {
  const { geoip, regions, fallback, submitter, log } = deps;
  const now = deps.now ?? Date.now;
  const random = deps.random ?? Math.random;
  const internal = createInternalSource(deps);
  let dropped = 0;

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
      dropped += 1;
      if (err instanceof EntryTooLargeError) {
        log.warn({ bytes: err.bytes, limit: err.limit, dropped }, "query report over MAX_ENTRY_BYTES; dropped");
      } else log.warn({ err, dropped }, "could not append the query report; dropped");
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
      const internalResults = hasNetworks(query) ? await internal.positions(query, at) : [];
      const results = [...internalResults];
      const ip = geoipFor(query);
      if (ip) results.push(geoIpPosition(ip, query.geoipOnly === true));
      const counts = networkCounts(query);
      if (shouldSearchFallback(key, counts, positionsSatisfy(results, query.expectedAccuracy))) {
        // The outbound body is built only when a provider is asked.
        const found = await fallback.search({ json: query.toJson(), counts }, key);
        if (found) results.push(found);
      }
      await storeQuery(query, key, internalResults, context);
      return bestPosition(results);
    },
    async region(query, _key) {
      const results = hasNetworks(query) ? await internal.regions(query, new Date(now())) : [];
      const ip = geoipFor(query);
      if (ip) results.push(geoIpRegion(ip, query.geoipOnly === true));
      return bestRegion(results);
    },
    droppedQueryReports: () => dropped,
  };
}
