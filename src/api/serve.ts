/**
 * Puts the web app on a socket. Shutdown belongs to the caller (STACK-NOTES §1): srvx would
 * otherwise install SIGINT/SIGTERM handlers that close only the HTTP server, leaving a process
 * that holds Redis and MySQL pools and so ignores SIGTERM.
 */
import { type IncomingMessage, type OutgoingHttpHeader, type OutgoingHttpHeaders, Server, ServerResponse, STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
import { type H3, serve } from "h3";
import type { Logger } from "../logger.ts";

export interface HttpServerOptions {
  readonly host: string;
  readonly port: number;
  readonly log: Logger;
  /** Longest a client may take to send a whole request, headers and body (REQUEST_TIMEOUT). */
  readonly requestTimeoutMs?: number;
  /** Longest a keep-alive connection may sit idle between requests (IDLE_TIMEOUT). */
  readonly idleTimeoutMs?: number;
  /**
   * WebSocket upgrades (the live feed): true when the handler took the request; any other
   * upgrade request is refused by closing its socket.
   */
  readonly upgrade?: (req: IncomingMessage, socket: Duplex, head: Buffer) => boolean;
}

/** The defaults of REQUEST_TIMEOUT and IDLE_TIMEOUT, for callers without a config. */
const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
const DEFAULT_IDLE_TIMEOUT_MS = 5000;

/**
 * Node checks requestTimeout only every connectionsCheckingInterval (30 s by default), so a 1 s
 * limit would really be up to 31 s. A tenth of the limit keeps the overshoot to 10%, and at most
 * one check a second keeps the sweep over open connections cheap.
 */
const checkingInterval = (requestTimeoutMs: number) => Math.max(50, Math.min(1000, Math.floor(requestTimeoutMs / 10)));

/**
 * Every status line with its reason phrase: srvx passes the web Response's statusText to
 * writeHead, and that is empty for most responses (`new Response(null, { status: 200 })`, h3's
 * plain-object answers), which Node then sends as `HTTP/1.1 400 ` with nothing after the code.
 */
class ReasonPhraseResponse<R extends IncomingMessage = IncomingMessage> extends ServerResponse<R> {
  override writeHead(statusCode: number, reason?: string | OutgoingHttpHeaders | OutgoingHttpHeader[], headers?: OutgoingHttpHeaders | OutgoingHttpHeader[]): this {
    const phrase = (typeof reason === "string" && reason) || this.statusMessage || (STATUS_CODES[statusCode] ?? "");
    return super.writeHead(statusCode, phrase, typeof reason === "string" ? headers : (headers ?? reason));
  }
}

export interface HttpServer {
  /** The bound address, e.g. `http://127.0.0.1:41234/` (the real port when asked for port 0). */
  readonly url: string;
  /** Stops accepting, closes idle keep-alive connections, resolves when in-flight requests end. */
  close(): Promise<void>;
}

function answerThenHangUp(res: ServerResponse): void {
  if (!res.headersSent) {
    res.setHeader("connection", "close");
    return;
  }
  const socket = res.socket;
  res.once("finish", () => socket?.end());
}

/**
 * Node's close() only drops connections that are idle at that moment; a keep-alive connection
 * serving a request then stays open until the client's keep-alive timeout (measured: 3.3 s with
 * fetch). So responses in flight when closing, and any that still arrive on open connections,
 * end their connection once answered.
 */
function trackInFlight(server: Server): { hangUpAll(): void } {
  const inFlight = new Set<ServerResponse>();
  let closing = false;
  server.on("request", (_req: IncomingMessage, res: ServerResponse) => {
    if (closing) answerThenHangUp(res);
    inFlight.add(res);
    res.once("close", () => inFlight.delete(res));
  });
  return {
    hangUpAll() {
      closing = true;
      for (const res of inFlight) answerThenHangUp(res);
    },
  };
}

/** HOST's default: every IPv6 address and, through IPv4-mapped addresses, every IPv4 one. */
export const DUAL_STACK_HOST = "::";
const IPV4_ANY_HOST = "0.0.0.0";
/** What listening on `::` fails with on a machine (or container) without IPv6. */
const NO_IPV6_CODES: ReadonlySet<string> = new Set(["EAFNOSUPPORT", "EADDRNOTAVAIL"]);

function isNoIpv6Error(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return typeof code === "string" && NO_IPV6_CODES.has(code);
}

async function listen(app: H3, options: HttpServerOptions, host: string): Promise<ReturnType<typeof serve>> {
  const requestTimeout = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const server = serve(app, {
    hostname: host,
    port: options.port,
    silent: true,
    gracefulShutdown: false,
    node: {
      ServerResponse: ReasonPhraseResponse,
      requestTimeout,
      // The headers are part of the request; Node refuses a headersTimeout above requestTimeout.
      headersTimeout: requestTimeout,
      connectionsCheckingInterval: checkingInterval(requestTimeout),
      keepAliveTimeout: options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
    },
  });
  await server.ready();
  return server;
}

export async function startHttpServer(app: H3, options: HttpServerOptions): Promise<HttpServer> {
  let server: ReturnType<typeof serve>;
  let host = options.host;
  try {
    server = await listen(app, options, host);
  } catch (err) {
    // `::` is the default so that IPv6 clients reach Ichnos; without IPv6, IPv4 alone still works.
    if (host !== DUAL_STACK_HOST || !isNoIpv6Error(err)) throw err;
    options.log.warn({ err }, "no IPv6 on this machine: listening on IPv4 only (0.0.0.0)");
    host = IPV4_ANY_HOST;
    server = await listen(app, options, host);
  }
  const url = server.url ?? `http://${host.includes(":") ? `[${host}]` : host}:${options.port}/`;
  const node = server.node?.server;
  const tracker = node instanceof Server ? trackInFlight(node) : undefined;
  if (node instanceof Server) {
    const upgrade = options.upgrade;
    node.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (!upgrade?.(req, socket, head)) socket.destroy();
    });
  }
  options.log.info({ url }, "http server listening");

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      tracker?.hangUpAll();
      const closed = server.close();
      // Node 19+ does this inside close() too; explicit so it does not rest on that default.
      if (node instanceof Server) node.closeIdleConnections();
      await closed;
      options.log.info({ url }, "http server closed");
    })();
    return closing;
  };
  return { url, close };
}
