/**
 * A fake external fallback provider for the HTTP-level locate tests: a real node:http server on
 * 127.0.0.1 (port 0) that records every request and answers by path — with a canned reply, a
 * delayed one, or never (`hang`) — plus the SQL for an API key that falls back to it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { WebTestEnv } from "./web-setup.ts";

export interface ProviderRequest {
  readonly path: string;
  readonly method: string;
  readonly headers: IncomingMessage["headers"];
  readonly body: Record<string, unknown>;
}

export type ProviderReply = { readonly status: number; readonly body: unknown } | { readonly hang: true };

export interface LoopbackProvider {
  /** `http://127.0.0.1:{port}{path}`. */
  url(path: string): string;
  readonly seen: ProviderRequest[];
  /** Replies by path; an unknown path answers 404. */
  readonly replies: Map<string, ProviderReply>;
  /** Requests seen on one path. */
  calls(path: string): ProviderRequest[];
  close(): Promise<void>;
}

export async function startLoopbackProvider(): Promise<LoopbackProvider> {
  const seen: ProviderRequest[] = [];
  const replies = new Map<string, ProviderReply>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let text = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => {
      text += chunk;
    });
    req.on("end", () => {
      const path = (req.url ?? "/").split("?")[0]!;
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(text || "{}") as Record<string, unknown>;
      } catch {
        body = { unparsable: text };
      }
      seen.push({ path, method: req.method ?? "", headers: req.headers, body });
      const reply = replies.get(path) ?? { status: 404, body: {} };
      if ("hang" in reply) return; // Never answers; closeAllConnections() ends it.
      res.writeHead(reply.status, { "content-type": "application/json" })
        .end(typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    seen,
    replies,
    calls: (path) => seen.filter((s) => s.path === path),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface FallbackKeySpec {
  readonly name: string;
  readonly url: string;
  readonly schema?: string | null;
  readonly ratelimit?: number;
  readonly intervalSeconds?: number;
  readonly cacheExpire?: number | null;
}

/** An `api_key` row that may locate and fall back to `url` (SPEC §2.1 `can_fallback()`). */
export async function insertFallbackKey(env: WebTestEnv, validKey: string, spec: FallbackKeySpec): Promise<void> {
  await env.pool.query(
    `INSERT INTO api_key (valid_key, maxreq, allow_fallback, allow_locate, allow_region, store_sample_locate, store_sample_submit,
                          fallback_name, fallback_schema, fallback_url, fallback_ratelimit, fallback_ratelimit_interval, fallback_cache_expire)
     VALUES (?, 0, 1, 1, 1, 0, 100, ?, ?, ?, ?, ?, ?)`,
    [validKey, spec.name, spec.schema ?? null, spec.url, spec.ratelimit ?? 0, spec.intervalSeconds ?? 60,
      spec.cacheExpire === undefined ? 60 : spec.cacheExpire],
  );
}
