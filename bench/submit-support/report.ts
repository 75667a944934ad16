/** The printed table and the `--json` document of one `bench:submit` run. */
import type { ProfileSummary } from "../harness/cpu-profile.ts";
import type { CpuShare } from "../harness/cpu.ts";
import { count as n, percent as pct, verdict } from "../harness/format.ts";
import type { MachineInfo } from "../harness/machine.ts";
import { profileSections } from "../harness/profile-report.ts";
import { reportHeading } from "../harness/report.ts";
import type { Spread } from "../harness/stats.ts";
import type { LoadRun } from "./load.ts";

export interface ServerResult {
  /** 2xx requests per second. */
  readonly requests: Spread;
  readonly p50: Spread;
  readonly p99: Spread;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  /** Mean over the rounds. */
  readonly cpu: CpuShare;
  readonly runs: readonly LoadRun[];
}

export interface SubmitResult extends ServerResult {
  readonly reports: Spread;
  /** Entries found on the report streams after each round, against 2xx × reports per request. */
  readonly stored: readonly { readonly entries: number; readonly expected: number; readonly exact: boolean; readonly ok: boolean }[];
}

export interface ToolResult {
  readonly tool: "autocannon" | "wrk";
  readonly connections: number;
  readonly submit: SubmitResult;
  readonly ceiling: ServerResult;
  /** Median submit req/s over median ceiling req/s. */
  readonly ratio: number;
  /** The decode + encode reference route (autocannon rounds only), and submit's share of it. */
  readonly reference: ServerResult | null;
  readonly referenceRatio: number | null;
  readonly targets: { readonly minReportsPerSecond: number; readonly minRatio: number; readonly passReports: boolean; readonly passRatio: boolean };
}

export interface SweepRow {
  readonly connections: number;
  readonly submit: LoadRun;
  readonly ceiling: LoadRun;
  readonly reference: LoadRun;
}

export interface SubmitBenchResults {
  readonly machine: MachineInfo;
  readonly settings: Record<string, number | string | boolean>;
  readonly statistic: string;
  readonly payload: {
    readonly reportsPerRequest: number;
    readonly bodies: number;
    readonly meanJsonBytes: number;
    readonly meanGzipBytes: number;
    readonly meanWifiPerReport: number;
    /** Mean length of the stored entries' `d` field (the normalised report as JSON). */
    readonly meanEntryBytes: number;
  };
  readonly sweep: readonly SweepRow[];
  readonly autocannon: ToolResult;
  readonly wrk: ToolResult | null;
  readonly memory: {
    /** MEMORY USAGE of the report streams / entries, median over the autocannon rounds. */
    readonly perReportMemoryUsage: number;
    /** INFO used_memory growth over a round / entries, median. */
    readonly perReportUsedMemory: number;
    readonly entriesPerRound: number;
  };
  readonly profile: (ProfileSummary & { readonly rate: number; readonly cpu: CpuShare }) | null;
}

// autocannon records whole milliseconds, so its 0 means "under 1 ms"; wrk's are in µs.
const ms = (x: number) => (x === 0 ? "<1" : x < 10 ? x.toFixed(2) : x.toFixed(1));
const cpuText = (c: CpuShare, loader: string) => `${loader} ${c.loader}%, server ${c.server ?? "-"}%, redis ${c.redis}%`;

function serverRow(label: string, s: ServerResult, loader: string): string {
  const range = `(${n(s.requests.worst)}–${n(s.requests.best)})`.padEnd(18);
  const lat = `p50 ${ms(s.p50.median)} ms, p99 ${ms(s.p99.median)} ms`.padEnd(30);
  return `  ${label.padEnd(40)} ${n(s.requests.median).padStart(8)} req/s ${range} ${lat} ${cpuText(s.cpu, loader)}`;
}

function toolBlock(t: ToolResult, reportsPerRequest: number): string[] {
  const s = t.submit;
  const bad = s.non2xx + s.errors + s.timeouts;
  const stored = s.stored.every((x) => x.ok)
    ? `stored entries = 2xx × ${reportsPerRequest}${s.stored.every((x) => x.exact) ? " exactly" : " (within one request per connection)"} in every round`
    : `STORED ENTRIES DIFFER: ${s.stored.map((x) => `${n(x.entries)} vs ${n(x.expected)}`).join(", ")}`;
  return [
    `${t.tool}, ${t.connections} connections, no pipelining`,
    serverRow("POST /v2/geosubmit (the web process)", s, t.tool),
    serverRow("ceiling: bare h3 route, reads the body", t.ceiling, t.tool),
    ...(t.reference ? [serverRow("reference: h3 + gunzip + parse + stringify", t.reference, t.tool)] : []),
    `  reports/s accepted: ${n(s.reports.median)} (${n(s.reports.worst)}–${n(s.reports.best)})   target ≥ ${n(t.targets.minReportsPerSecond)}   ${verdict(t.targets.passReports)}`,
    `  submit / ceiling req/s: ${pct(t.ratio)}   target ≥ ${pct(t.targets.minRatio)}   ${verdict(t.targets.passRatio)}` +
      (t.referenceRatio === null ? "" : `   (submit / decode + encode reference: ${pct(t.referenceRatio)})`),
    `  non-2xx ${s.non2xx}, errors ${s.errors}, timeouts ${s.timeouts}${bad ? " (!)" : ""}; ${stored}`,
  ];
}

export function formatTable(r: SubmitBenchResults): string {
  const m = r.machine;
  const p = r.payload;
  const cell = (run: LoadRun) => `${n(run.rate).padStart(8)}  ${ms(run.p99).padStart(8)}`;
  const sweep = r.sweep.map((row) => `  ${String(row.connections).padStart(5)}   ${cell(row.submit)}  ${cell(row.ceiling)}  ${cell(row.reference)}`);
  const lines = [
    ...reportHeading("Submit API benchmark", m),
    `body: ${p.reportsPerRequest} NeoStumbler-style reports (${p.meanWifiPerReport} Wi-Fi APs, 2 cells each), ${n(p.meanJsonBytes)} B JSON, ` +
      `${n(p.meanGzipBytes)} B gzipped (mean of ${p.bodies} bodies); stored entry ${n(p.meanEntryBytes)} B of JSON`,
    `${r.statistic}; (worst–best) in brackets; CPU is the mean share of one core during the rounds`,
    `(loader = this process + wrk; server = the server child under load; redis = INFO cpu)`,
    "",
    `Connection sweep (autocannon, ${r.settings.sweepSeconds} s each): 2xx req/s and p99 ms`,
    "  conns     submit       p99   ceiling       p99  reference      p99",
    ...sweep,
    "",
    ...toolBlock(r.autocannon, p.reportsPerRequest),
    ...(r.wrk ? ["", ...toolBlock(r.wrk, p.reportsPerRequest)] : []),
    "",
    `Redis memory per stored report: ${n(r.memory.perReportMemoryUsage)} B (MEMORY USAGE of the report streams), ` +
      `${n(r.memory.perReportUsedMemory)} B (INFO used_memory growth); ~${n(r.memory.entriesPerRound)} entries per round`,
  ];
  if (r.profile) lines.push("", ...formatProfile(r.profile));
  return lines.join("\n");
}

function formatProfile(pr: NonNullable<SubmitBenchResults["profile"]>): string[] {
  return [
    `CPU profile of the web process (--cpu-prof, one autocannon run of ${pr.seconds.toFixed(1)} s at ${n(pr.rate)} req/s, ` +
      `server CPU ${pr.cpu.server ?? "-"}%, idle ${pct(pr.idle)} of the samples): ${pr.file}`,
    ...profileSections(pr, { areas: 12, digits: 0 }),
  ];
}
