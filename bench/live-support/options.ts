/**
 * Options of `npm run bench:live` (flags over environment variables over defaults, see
 * harness/options.ts): `npm run bench:live -- --clients 1000 --rounds 2 --duration 10 --json`.
 */
import { type BenchOptions, type OptionTable, readOptions } from "../harness/options.ts";

const LIVE_OPTIONS = {
  /** WebSocket clients connected to /live/feed in the feed-on rounds. */
  clients: { kind: "int", env: "BENCH_LIVE_CLIENTS", default: 1000 },
  /** Child processes the clients are spread over. */
  clientProcesses: { kind: "int", default: 2, metavar: "P", note: "child processes the clients are spread over" },
  /** Pairs of rounds: feed off, feed on, feed off, feed on, … */
  rounds: { kind: "int", env: "BENCH_ROUNDS", default: 2, metavar: "R", note: "pairs of rounds (off, on), alternated" },
  /** Seconds of submit load per round. */
  duration: { kind: "int", env: "BENCH_DURATION", default: 10, metavar: "S" },
  /** Seconds of submit load before the rounds, with no client connected. */
  warmup: { kind: "int", default: 5, metavar: "S" },
  /** autocannon connections of the submit load. */
  connections: { kind: "int", env: "BENCH_CONNECTIONS", default: 10 },
  /** Seconds a feed-on round waits after the load for the clients to receive what is still on its way. */
  drain: { kind: "int", default: 60, metavar: "S", note: "longest wait, after the load, for the messages still on their way" },
  /** Reports per request body. */
  reportsPerRequest: { kind: "int", flag: "reports", default: 50 },
  /** Distinct request bodies, cycled through by all connections. */
  bodies: { kind: "int", default: 200 },
  /** Extra node flags for the web child only, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`. */
  webFlags: { kind: "text", default: "", metavar: '="<node flags>"' },
} as const satisfies OptionTable;

export type LiveBenchOptions = Omit<BenchOptions<typeof LIVE_OPTIONS>, "webFlags"> & { readonly webFlags: readonly string[] };

export function readLiveOptions(): LiveBenchOptions {
  const options = readOptions("live", LIVE_OPTIONS);
  return { ...options, webFlags: options.webFlags.split(/\s+/).filter(Boolean) };
}
