/**
 * One POST to the provider (SPEC §3.12 "Outbound request"): `User-Agent: ichnaea`, an overall
 * deadline shared by every attempt, at most one retry (only when no response arrived at all) and
 * at most one redirect (307/308, which keep the POST and its body; other 3xx count as errors).
 */
import { withTimeout } from "../../util/with-timeout.ts";
import type { OutboundRequest } from "./schemas.ts";

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export interface ProviderReply {
  readonly status: number;
  readonly text: string;
}

export class ProviderTimeout extends Error {
  override readonly name = "ProviderTimeout";
}

const RETRIES = 1;
const REDIRECTS = 1;

async function postOnce(fetch: FetchLike, url: string, body: string, signal: AbortSignal): Promise<Response> {
  let lastError: unknown;
  for (let attempt = 0; attempt <= RETRIES; attempt++) {
    try {
      return await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", "user-agent": "ichnaea" },
        body,
        redirect: "manual",
        signal,
      });
    } catch (err) {
      if (signal.aborted) throw err;
      lastError = err;
    }
  }
  throw lastError;
}

async function post(fetch: FetchLike, request: OutboundRequest, signal: AbortSignal): Promise<ProviderReply> {
  const body = JSON.stringify(request.body);
  let url = request.url;
  let response = await postOnce(fetch, url, body, signal);
  for (let hop = 0; hop < REDIRECTS && (response.status === 307 || response.status === 308); hop++) {
    const location = response.headers.get("location");
    if (!location) break;
    await response.body?.cancel();
    url = new URL(location, url).toString();
    response = await postOnce(fetch, url, body, signal);
  }
  return { status: response.status, text: await response.text() };
}

/** The provider's status and body text; rejects on network trouble and with ProviderTimeout. */
export async function callProvider(fetch: FetchLike, request: OutboundRequest, timeoutMs: number): Promise<ProviderReply> {
  const controller = new AbortController();
  // withTimeout bounds the wait even for a fetch that ignores its signal; the abort frees the socket.
  const timer = setTimeout(() => controller.abort(new ProviderTimeout(`no answer within ${timeoutMs} ms`)), timeoutMs);
  try {
    return await withTimeout(post(fetch, request, controller.signal), timeoutMs + 50, `no answer within ${timeoutMs} ms`);
  } catch (err) {
    if (controller.signal.aborted) throw new ProviderTimeout(`no answer within ${timeoutMs} ms`, { cause: err });
    throw err;
  } finally {
    clearTimeout(timer);
  }
}
