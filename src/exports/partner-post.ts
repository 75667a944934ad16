/**
 * The `geosubmit` exporter's request (SPEC §4.5): POST `{"items": [report, …]}` (reports only, no
 * API keys), gzip level 5, to the partner's URL, with a timeout. A timeout, a connection error,
 * 429 or a 5xx will pass: `RetryLaterError`, retried for as long as it takes. Another 4xx never
 * will: `PartnerRefusedError`, which the runtime retries MAX_DELIVERIES times, then dead-letters.
 */
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { gzip } from "node:zlib";
import type { Report } from "../domain/report.ts";
import { RetryLaterError } from "../stream/retry-later.ts";

const gzipAsync = promisify(gzip);

export class PartnerRefusedError extends Error {
  readonly status: number;
  constructor(status: number, body: string) {
    super(`the partner refused the reports with ${status}: ${body.slice(0, 300)}`);
    this.name = "PartnerRefusedError";
    this.status = status;
  }
}

let version: string | undefined;
/** `ichnos/<version>`, from package.json, read once on first use. */
export function partnerUserAgent(): string {
  version ??= (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;
  return `ichnos/${version}`;
}

export async function postToPartner(url: string, reports: readonly Report[], timeoutMs: number): Promise<void> {
  const body = await gzipAsync(JSON.stringify({ items: reports }), { level: 5 });
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST", body,
      headers: { "content-type": "application/json", "content-encoding": "gzip", "user-agent": partnerUserAgent() },
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    const what = (err as Error).name === "TimeoutError" ? `no answer within ${timeoutMs} ms (PARTNER_TIMEOUT)` : (err as Error).message;
    throw new RetryLaterError(`could not send ${reports.length} reports to ${new URL(url).origin}: ${what}`, { cause: err });
  }
  const text = await res.text().catch(() => "");
  if (res.ok) return;
  if (res.status === 429 || res.status >= 500) {
    throw new RetryLaterError(`the partner at ${new URL(url).origin} answered ${res.status}; retrying later`);
  }
  throw new PartnerRefusedError(res.status, text);
}
