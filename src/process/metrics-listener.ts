/**
 * `ichnos work`'s small HTTP listener on METRICS_PORT: `/metrics` for Prometheus and
 * `/__lbheartbeat__` for liveness probes, nothing else. A plain node:http server: a worker serves
 * no API, so it needs none of the web app's routes, limits or headers.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "../logger.ts";
import { readExposition, type MetricsRegistry } from "../metrics/registry.ts";
import { mayScrape } from "../metrics/scrape-access.ts";

export interface MetricsListenerOptions {
  readonly host: string;
  readonly port: number;
  readonly registry: MetricsRegistry;
  readonly adminToken: string | undefined;
  readonly log: Logger;
}

export interface MetricsListener {
  /** The bound address, e.g. `http://127.0.0.1:9100/` (the real port when asked for port 0). */
  readonly url: string;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, type: string, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(body), ...headers });
  res.end(res.req.method === "HEAD" ? undefined : body);
}

async function answer(req: IncomingMessage, res: ServerResponse, options: MetricsListenerOptions): Promise<void> {
  const path = new URL(req.url ?? "/", "http://x").pathname;
  if (req.method !== "GET" && req.method !== "HEAD") return send(res, 405, "text/plain", "Method Not Allowed\n", { allow: "GET, HEAD" });
  if (path === "/__lbheartbeat__") return send(res, 200, "application/json", JSON.stringify({ status: "OK" }));
  if (path !== "/metrics") return send(res, 404, "text/plain", "Not Found\n");
  if (!mayScrape(req.headers.authorization, options.adminToken)) {
    return send(res, 401, "text/plain", "Authorization: Bearer <ADMIN_TOKEN> required\n", { "www-authenticate": 'Bearer realm="ichnos"' });
  }
  const { body, contentType } = await readExposition(options.registry);
  send(res, 200, contentType, body);
}

export async function startMetricsListener(options: MetricsListenerOptions): Promise<MetricsListener> {
  const server = createServer((req, res) => {
    answer(req, res, options).catch((err) => {
      options.log.error({ err }, "metrics scrape failed");
      if (!res.headersSent) send(res, 500, "text/plain", "Internal Server Error\n");
      else res.destroy();
    });
  });
  // A scraper's keep-alive connection must not hold the worker's shutdown.
  server.keepAliveTimeout = 5000;
  const listen = (host: string) => new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  try {
    await listen(options.host);
  } catch (err) {
    // As the web port (api/serve.ts): `::` falls back to IPv4 on a machine without IPv6.
    const code = (err as NodeJS.ErrnoException).code;
    if (options.host !== "::" || (code !== "EAFNOSUPPORT" && code !== "EADDRNOTAVAIL")) throw err;
    await listen("0.0.0.0");
  }
  const address = server.address() as AddressInfo;
  const url = `http://${address.family === "IPv6" ? `[${address.address}]` : address.address}:${address.port}/`;
  options.log.info({ url }, "metrics listener started");
  return {
    url,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
