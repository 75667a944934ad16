/**
 * Browsers of the live feed, in a child process of their own so that receiving hundreds of
 * thousands of messages a second does not run in the load generator's event loop. Opens
 * WebSocket clients to `/live/feed` on request and, for every report in a frame, records how long
 * after its append it arrived (Date.now() − the ms of the entry id, both clocks this machine's). The
 * bench drives it through the control API of clients-protocol.ts.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import WebSocket from "crossws/websocket";
import { onStopRequest, sendReady } from "../harness/child-protocol.ts";
import type { ClientsCount, ClientsReport, OpenResult } from "./clients-protocol.ts";
import { createDelayHistogram } from "./delay-histogram.ts";

const SLOW_CLIENT_CLOSE = 1013;
/** Handshakes in flight at once: a thousand at a time would only queue in the server's accept backlog. */
const OPENING_AT_ONCE = 50;
const FRAME_PREFIX = '{"reports":[';
const ID_PREFIX = '{"id":"';
const OMITTED = '"omitted":';

interface Client {
  readonly ws: WebSocket;
  received: number;
}

const clients = new Set<Client>();
const delays = createDelayHistogram();
let received = 0;
let closedSlow = 0;
let closedOther = 0;
let malformed = 0;
let omitted = 0;
let closing = false;

/**
 * A frame is `{"reports":[{"id":"1796000000000-0",…},…],"omitted":N}`: the append time of each
 * report is read from the text by scanning for its id, without JSON.parse, since at these
 * rates a parse per frame would make this process, not the server, set the delays. Reports
 * the server left out of a full frame (`omitted`) count as received, without a delay.
 */
function onMessage(client: Client, data: unknown): void {
  const now = Date.now();
  const text = typeof data === "string" ? data : "";
  const omittedAt = text.lastIndexOf(OMITTED);
  if (!text.startsWith(FRAME_PREFIX) || omittedAt < 0) {
    malformed += 1;
    return;
  }
  let count = Number(text.slice(omittedAt + OMITTED.length, -1)) || 0;
  omitted += count;
  for (let at = text.indexOf(ID_PREFIX); at >= 0 && at < omittedAt; at = text.indexOf(ID_PREFIX, at + ID_PREFIX.length)) {
    const start = at + ID_PREFIX.length;
    const ms = Number(text.slice(start, text.indexOf("-", start)));
    if (Number.isFinite(ms)) delays.record(now - ms);
    count += 1;
  }
  client.received += count;
  received += count;
}

function openOne(url: string): Promise<string | null> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url);
    const client: Client = { ws, received: 0 };
    let opened = false;
    ws.onopen = () => {
      opened = true;
      clients.add(client);
      resolve(null);
    };
    ws.onmessage = (e) => onMessage(client, e.data);
    ws.onerror = (e) => {
      if (!opened) resolve(String((e as { message?: unknown }).message ?? "WebSocket error"));
    };
    ws.onclose = (e) => {
      if (!opened) return resolve(`closed before open (${e.code})`);
      clients.delete(client);
      if (e.code === SLOW_CLIENT_CLOSE) closedSlow += 1;
      else if (!closing) closedOther += 1;
    };
  });
}

async function open(url: string, count: number): Promise<OpenResult> {
  let next = 0;
  let failed = 0;
  let firstError: string | null = null;
  const worker = async () => {
    while (next < count) {
      next += 1;
      const error = await openOne(url);
      if (error === null) continue;
      failed += 1;
      firstError ??= error;
    }
  };
  await Promise.all(Array.from({ length: Math.min(OPENING_AT_ONCE, count) }, worker));
  return { open: clients.size, failed, firstError };
}

function reset(): void {
  for (const c of clients) c.received = 0;
  received = 0;
  closedSlow = 0;
  closedOther = 0;
  malformed = 0;
  omitted = 0;
  delays.reset();
}

function perClient(): { min: number; max: number } {
  let min = Number.POSITIVE_INFINITY;
  let max = 0;
  for (const c of clients) {
    min = Math.min(min, c.received);
    max = Math.max(max, c.received);
  }
  return { min: clients.size ? min : 0, max };
}

const count = (): ClientsCount => ({ open: clients.size, received, minPerClient: perClient().min });

function report(): ClientsReport {
  const { min, max } = perClient();
  return {
    open: clients.size, received, minPerClient: min, maxPerClient: max,
    closedSlow, closedOther, malformed, omitted, delays: delays.sparse(),
  };
}

/** Closes every client and resolves once all of them are closed (or after 10 s). */
async function closeAll(): Promise<void> {
  closing = true;
  const waits = [...clients].map((c) => new Promise<void>((resolve) => {
    c.ws.addEventListener("close", () => resolve());
    c.ws.close(1000, "bench round over");
  }));
  await Promise.race([Promise.all(waits), new Promise((r) => setTimeout(r, 10_000))]);
  clients.clear();
  closing = false;
}

async function route(req: IncomingMessage): Promise<unknown> {
  const url = new URL(req.url ?? "/", "http://x");
  const key = `${req.method} ${url.pathname}`;
  if (key === "POST /open") return open(url.searchParams.get("url") ?? "", Number(url.searchParams.get("count") ?? 0));
  if (key === "POST /reset") return reset();
  if (key === "GET /count") return count();
  if (key === "GET /report") return report();
  if (key === "POST /close") return closeAll();
  throw new Error(`no route ${key}`);
}

const control = createServer((req: IncomingMessage, res: ServerResponse) => {
  route(req).then(
    (body) => res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(body ?? {})),
    (err: unknown) => res.writeHead(500).end(String(err)),
  );
});
control.listen(0, "127.0.0.1", () => {
  const address = control.address();
  if (address === null || typeof address === "string") throw new Error("control server has no port");
  sendReady(`http://127.0.0.1:${address.port}`);
});

onStopRequest(async () => {
  await closeAll();
  await new Promise<void>((resolve) => control.close(() => resolve()));
});
