/**
 * How the bench drives a feed-clients child (clients-child.ts). The child is a server child of
 * the harness (children.ts: it says `ready` with a URL and stops on `stop`), and that URL is a
 * small HTTP control API on loopback, so the bench can ask it to open or close its clients and
 * to report what they received, without another IPC channel:
 *   POST /open?url=<ws url>&count=N  → OpenResult, once every handshake succeeded or failed
 *   POST /reset                      → zeroes the counters and the delay histogram
 *   GET  /count                      → ClientsCount (cheap: polled while messages drain)
 *   GET  /report                     → ClientsReport
 *   POST /close                      → closes every client, once they are all closed
 */
import type { SparseHistogram } from "./delay-histogram.ts";

export interface OpenResult {
  readonly open: number;
  readonly failed: number;
  readonly firstError: string | null;
}

export interface ClientsCount {
  readonly open: number;
  readonly received: number;
  /** Fewest messages one open client received since the reset (0 with no client open). */
  readonly minPerClient: number;
}

export interface ClientsReport {
  /** Clients whose socket is open now. */
  readonly open: number;
  /** Reports received since the last reset, over all clients (omitted ones included). */
  readonly received: number;
  /** Fewest and most messages one client received since the reset. */
  readonly minPerClient: number;
  readonly maxPerClient: number;
  /** Closed by the server as too slow (1013) since the reset, and closed for any other reason. */
  readonly closedSlow: number;
  readonly closedOther: number;
  /** Frames that were not a public feed frame (`{"reports":[…],"omitted":N}`). */
  readonly malformed: number;
  /** Reports the server counted in frames' `omitted` instead of sending them (included in `received`). */
  readonly omitted: number;
  /** Date.now() − the entry id's ms on receipt, per message. */
  readonly delays: SparseHistogram;
}

async function call<T>(base: string, method: "GET" | "POST", path: string): Promise<T> {
  const res = await fetch(`${base}${path}`, { method });
  if (!res.ok) throw new Error(`feed clients ${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

export interface ClientsControl {
  open(feedUrl: string, count: number): Promise<OpenResult>;
  reset(): Promise<void>;
  count(): Promise<ClientsCount>;
  report(): Promise<ClientsReport>;
  close(): Promise<void>;
}

export function clientsControl(base: string): ClientsControl {
  return {
    open: (feedUrl, count) => call(base, "POST", `/open?url=${encodeURIComponent(feedUrl)}&count=${count}`),
    reset: () => call(base, "POST", "/reset"),
    count: () => call(base, "GET", "/count"),
    report: () => call(base, "GET", "/report"),
    close: () => call(base, "POST", "/close"),
  };
}
