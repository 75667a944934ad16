/** The printed table and the `--json` document of one `bench:live` run. */
import type { LiveFeedStats } from "../../src/live/live-feed.ts";
import { count as n, percent as pct, verdict } from "../harness/format.ts";
import type { MachineInfo } from "../harness/machine.ts";
import { reportHeading } from "../harness/report.ts";
import type { Spread } from "../harness/stats.ts";
import type { LoadRun } from "../submit-support/load.ts";
import type { DelaySummary } from "./delay-histogram.ts";

export type Feed = "off" | "on";

export interface Delivery {
  /** Clients connected when the load started. */
  readonly clients: number;
  /** Reports accepted in the round × clients: what a lossless feed would have delivered. */
  readonly expected: number;
  readonly received: number;
  readonly missed: number;
  readonly minPerClient: number;
  readonly maxPerClient: number;
  /** Closed by the server with 1013 (too slow), as the clients saw it, and closed otherwise. */
  readonly closedSlow: number;
  readonly closedOther: number;
  readonly malformed: number;
  /** Reports the server counted in `omitted` instead of sending (part of `received`). */
  readonly omitted: number;
  /** The web process's own LiveFeedStats over the round. */
  readonly server: Omit<LiveFeedStats, "clients">;
  /** From the end of the load until the clients had everything, or the drain limit. */
  readonly drainMs: number;
  readonly drained: boolean;
  readonly delay: DelaySummary | null;
}

export interface RoundResult {
  readonly pair: number;
  readonly feed: Feed;
  readonly load: LoadRun;
  /** Entries on the report streams once the load settled: the reports accepted. */
  readonly stored: number;
  /** 2xx responses (and their reports) over the timed run's wall time. */
  readonly requestsPerSecond: number;
  readonly reportsPerSecond: number;
  /** CPU of the feed clients' processes, % of one core over the load (null in feed-off rounds). */
  readonly clientsCpu: number | null;
  readonly delivery: Delivery | null;
  /** The web child's CPU from the load's start to the round's end (feed on: the drain included). */
  readonly webCpuMs: number | null;
}

export interface LiveBenchResults {
  readonly machine: MachineInfo;
  readonly settings: Record<string, number | string>;
  readonly payload: { readonly reportsPerRequest: number; readonly bodies: number; readonly meanJsonBytes: number; readonly meanGzipBytes: number };
  readonly rounds: readonly RoundResult[];
  readonly off: { readonly reports: Spread; readonly requests: Spread };
  readonly on: { readonly reports: Spread; readonly requests: Spread };
  /** Median feed-on reports/s over median feed-off reports/s. */
  readonly share: number;
  /** Every feed-on round's messages together. */
  readonly delay: DelaySummary | null;
  /** Web CPU per frame sent, µs, beyond what the reports cost with the feed off (live.ts fanOutCost). */
  readonly fanOutMicros: number | null;
  readonly messages: {
    readonly expected: number;
    readonly received: number;
    readonly missed: number;
    readonly serverSent: number;
    readonly serverDropped: number;
    readonly serverDisconnected: number;
    readonly closedSlow: number;
    readonly omitted: number;
  };
  readonly targets: { readonly minShare: number; readonly maxP99Ms: number; readonly passShare: boolean; readonly passDelay: boolean };
}

const ms = (x: number) => (x === 0 ? "<1" : x < 10 ? x.toFixed(1) : n(x));
const delayText = (d: DelaySummary | null) => (d ? `${ms(d.p50)} / ${ms(d.p99)} ms` : "-");
const cpuText = (r: RoundResult) => `${r.load.cpu.loader}/${r.load.cpu.server ?? "-"}/${r.load.cpu.redis}/${r.clientsCpu ?? "-"}`;

function roundRow(r: RoundResult): string {
  const d = r.delivery;
  const delivered = d ? `${n(d.received)} / ${n(d.expected)}` : "-";
  const bad = r.load.non2xx + r.load.errors + r.load.timeouts;
  return `  ${String(r.pair).padStart(4)}  ${r.feed.padEnd(4)} ${n(r.requestsPerSecond).padStart(7)} ${n(bad).padStart(7)} ${n(r.reportsPerSecond).padStart(10)}` +
    `  ${`${ms(r.load.p50)} / ${ms(r.load.p99)}`.padStart(13)}  ${cpuText(r).padStart(15)}  ${delivered.padStart(25)}` +
    `  ${delayText(d?.delay ?? null).padStart(19)}  ${d ? `${n(d.server.dropped)} / ${n(d.closedSlow)}` : "-"}`;
}

const spreadText = (s: Spread) => `${n(s.median)} (${n(s.worst)}–${n(s.best)})`;

export function formatTable(r: LiveBenchResults): string {
  const m = r.messages;
  const t = r.targets;
  const undrained = r.rounds.filter((x) => x.delivery && !x.delivery.drained).length;
  const failed = r.rounds.filter((x) => x.load.non2xx + x.load.errors + x.load.timeouts > 0);
  return [
    ...reportHeading("Live feed benchmark", r.machine),
    `submit load: autocannon, ${r.settings.connections} connections, ${r.settings.durationSeconds} s per round (2xx over the round's wall time), ` +
      `${r.payload.reportsPerRequest}-report bodies (${n(r.payload.meanJsonBytes)} B JSON, ${n(r.payload.meanGzipBytes)} B gzipped, pool of ${r.payload.bodies})`,
    `feed on: ${n(Number(r.settings.clients))} WebSocket clients on loopback to /live/feed, in ${r.settings.clientProcesses} child processes; ` +
      `feed off: none. Rounds alternate off, on, … (${r.settings.pairs} pairs) after a ${r.settings.warmupSeconds} s warm-up`,
    "CPU: % of one core during the load (loader = this process with autocannon; server = the web child; redis = INFO cpu; clients = the client children)",
    "delay: Date.now() on receipt − the ms of the entry id (Redis's append time), per message",
    "",
    "  pair  feed   req/s  failed  reports/s   p50 / p99 ms  CPU l/s/r/c %   received / expected msgs   delay p50 / p99  dropped / 1013",
    ...r.rounds.map(roundRow),
    "",
    `  reports/s accepted, feed off (the reference): ${spreadText(r.off.reports)}   req/s ${spreadText(r.off.requests)}`,
    `  reports/s accepted, feed on:                  ${spreadText(r.on.reports)}   req/s ${spreadText(r.on.requests)}`,
    `  feed on / feed off: ${pct(r.share)}   target ≥ ${pct(t.minShare)}   ${verdict(t.passShare)}`,
    r.delay
      ? `  delivery delay, append → client (the messages that arrived): p50 ${ms(r.delay.p50)} ms, p99 ${ms(r.delay.p99)} ms, max ${r.delay.overMinute ? "> 60,000" : ms(r.delay.max)} ms ` +
        `over ${n(r.delay.samples)} messages   target p99 ≤ ${n(t.maxP99Ms)} ms   ${verdict(t.passDelay)}`
      : `  delivery delay: no message was received   target p99 ≤ ${n(t.maxP99Ms)} ms   ${verdict(false)}`,
    `  messages: ${n(m.received)} received of ${n(m.expected)} expected (reports accepted × clients), ` +
      `${n(m.missed)} missed (${m.expected ? pct(m.missed / m.expected, 1) : "-"})`,
    `  server's LiveFeedStats over the feed-on rounds: sent ${n(m.serverSent)} frames, dropped ${n(m.serverDropped)} frames (socket over 256 KiB unsent), reports omitted from frames ${n(m.omitted)}, ` +
      `disconnected ${n(m.serverDisconnected)} clients (1013; the clients saw ${n(m.closedSlow)})` +
      (undrained ? `; ${undrained} round(s) ended with messages missing (nothing moved for 5 s, or the ${r.settings.drainSeconds} s drain limit)` : ""),
    ...(failed.length
      ? [`  failed requests (failed column: non-2xx, errors, timeouts) in ${failed.map((x) => `pair ${x.pair} feed ${x.feed}: ` +
        `${JSON.stringify(x.load.statusCodes)}`).join("; ")}`]
      : []),
    ...(r.fanOutMicros === null ? [] : [`  web CPU per frame sent (one frame per client per 250 ms flush), beyond the feed-off cost of the reports: ${r.fanOutMicros.toFixed(1)} µs`]),
  ].join("\n");
}
