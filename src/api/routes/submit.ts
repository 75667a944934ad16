/**
 * `/v2/geosubmit`, `/v1/geosubmit`, `/v1/submit` (SPEC §4.1–4.2). Order of checks (SPEC §1.4.6):
 * key → daily limit → body → schema → entry size → sampling → append. Answers 200 `{}` (v1, v2)
 * or 204 (v0). The entry size is checked before sampling so that whether a request is refused
 * never depends on the sampling draw.
 */
import type { H3 } from "h3";
import { shouldStoreSample } from "../../domain/api-key.ts";
import { normalizeSubmission, type SubmitSchema } from "../../domain/submit/normalize.ts";
import type { Logger } from "../../logger.ts";
import type { AppendFailures, SubmitMetrics } from "../../metrics/submit-metrics.ts";
import { type EncodedReports, EntryTooLargeError, type ReportSubmitter, type SubmitInput } from "../../submit/report-submitter.ts";
import { defineApiRoute } from "../api-route.ts";
import { type ApiKeyResolver, keyLabel } from "../api-key-resolver.ts";
import { clientIp } from "../client-ip.ts";
import { firstQueryValue } from "../query.ts";
import { dailyLimitExceeded, parseError, serviceUnavailable } from "../errors.ts";
import { readJsonBody } from "../read-body.ts";
import { overDailyLimit, type UsageTracker } from "../usage-tracker.ts";

export interface SubmitDeps {
  readonly log: Logger;
  readonly keys: ApiKeyResolver;
  readonly usage: UsageTracker;
  readonly submitter: ReportSubmitter;
  readonly maxBodyBytes: number;
  readonly maxItems: number;
  /** `MAX_ENTRY_BYTES`: a report whose stream entry would be larger fails its request (400). */
  readonly maxEntryBytes: number;
  readonly trustProxy: number;
  readonly metrics: SubmitMetrics;
  readonly appendFailed: AppendFailures;
  readonly now?: () => number;
  readonly random?: () => number;
}

const SUBMIT_ROUTES: readonly { path: string; schema: SubmitSchema; counter: string; noContent: boolean }[] = [
  { path: "/v2/geosubmit", schema: "v2", counter: "v2.geosubmit", noContent: false },
  { path: "/v1/geosubmit", schema: "v1", counter: "v1.geosubmit", noContent: false },
  { path: "/v1/submit", schema: "v0", counter: "v1.submit", noContent: true },
];

/** The request's entries, or a 400 naming the first item whose entry is over the limit. */
function encodeOrReject(submitter: ReportSubmitter, input: SubmitInput, itemIndex: readonly number[]): EncodedReports {
  try {
    return submitter.encode(input);
  } catch (err) {
    if (!(err instanceof EntryTooLargeError)) throw err;
    throw parseError({ validation: { [`items.${itemIndex[err.index] ?? err.index}`]: err.message } });
  }
}

function itemCount(data: unknown): number {
  const items = (data as { items?: unknown } | null)?.items;
  return Array.isArray(items) ? items.length : 0;
}

export function registerSubmitRoutes(app: H3, deps: SubmitDeps): void {
  const now = deps.now ?? Date.now;
  const random = deps.random ?? Math.random;
  for (const route of SUBMIT_ROUTES) {
    defineApiRoute(app, route.path, async (event) => {
      const resolved = await deps.keys.resolve(firstQueryValue(event, "key"));
      event.context.apiKey = keyLabel(resolved);
      const { status, key } = resolved;
      if (status === "found" && key.validKey) {
        const over = await overDailyLimit(deps.usage, "submit", { validKey: key.validKey, maxreq: key.maxreq }, route.counter,
          clientIp(event, deps.trustProxy), new Date(now()));
        if (over) throw dailyLimitExceeded();
      }
      const body = await readJsonBody(event, deps.maxBodyBytes);
      if (body.empty) throw parseError();
      if (itemCount(body.data) > deps.maxItems) {
        throw parseError({ validation: { items: `At most ${deps.maxItems} reports per request; send the rest in further requests.` } });
      }
      const received = now();
      const result = normalizeSubmission(route.schema, body.data, received);
      if (!result.ok) throw parseError({ validation: result.validation });

      const encoded = encodeOrReject(deps.submitter, {
        reports: result.reports, apiKey: key.validKey, userAgent: event.req.headers.get("user-agent"), receivedMs: received,
        maxEntryBytes: deps.maxEntryBytes,
      }, result.itemIndex);
      const reports = result.reports.length;
      deps.metrics.dropped("unusable", itemCount(body.data) - reports);
      if (shouldStoreSample(key, "submit", random())) {
        try {
          await deps.submitter.append(encoded);
        } catch (err) {
          deps.metrics.dropped("append_failed", reports);
          deps.appendFailed("submit");
          deps.log.error({ err, reports }, "could not append reports; is Redis reachable?");
          throw serviceUnavailable();
        }
        deps.metrics.accepted(reports);
      } else deps.metrics.dropped("sampled", reports);
      if (route.noContent) {
        event.res.status = 204;
        return null;
      }
      return {};
    });
  }
}
