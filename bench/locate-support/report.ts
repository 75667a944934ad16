/** The locate bench's results and their table. */
import type { ProfileSummary } from "../harness/cpu-profile.ts";
import type { CpuShare } from "../harness/cpu.ts";
import { millis as ms, count as n, percent, verdict } from "../harness/format.ts";
import type { MachineInfo } from "../harness/machine.ts";
import { profileSections } from "../harness/profile-report.ts";
import { reportHeading } from "../harness/report.ts";
import type { TraceDelta } from "../harness/sql-trace/snapshot.ts";
import type { Spread } from "../harness/stats.ts";
import type { CeilingRun } from "./ceiling.ts";
import type { KindStats, Latency, LoadRun } from "./load.ts";
import { QUERY_KINDS, type QueryKind, type QueryPool } from "./queries.ts";

export interface MeasuredRound {
  readonly run: LoadRun;
  readonly trace: TraceDelta;
}

export interface LocateBenchResults {
  readonly machine: MachineInfo;
  readonly settings: Record<string, number | string | boolean>;
  readonly data: {
    readonly rows: Record<string, number>;
    readonly loadSeconds: number;
    readonly loadRowsPerSecond: number;
    readonly tableBytes: Record<string, number>;
    readonly bufferPoolBytes: number;
  };
  readonly pool: Pick<QueryPool, "counts" | "meanWifiAps" | "meanUnknownAps" | "meanCells" | "meanJsonBytes" | "ips"> & { readonly size: number };
  readonly check: {
    readonly requests: number;
    readonly byKind: Record<QueryKind, { requests: number; ok200: number; hits: number }>;
    readonly trace: TraceDelta;
    readonly maxPerRequest: Record<string, number>;
  };
  readonly sweep: readonly LoadRun[];
  readonly connections: number;
  readonly rounds: readonly MeasuredRound[];
  readonly ceiling: readonly CeilingRun[];
  readonly sampled: readonly (MeasuredRound & { readonly storedReports: number })[];
  readonly summary: {
    readonly rate: Spread;
    readonly p50: number;
    readonly p95: number;
    readonly p99: number;
    readonly ceilingRate: Spread;
    readonly statementsPerRequest: Record<string, number>;
    readonly passRate: boolean;
    readonly passP99: boolean;
    readonly passRoundTrips: boolean;
  };
  readonly profile: (ProfileSummary & { readonly rate: number; readonly cpu: CpuShare; readonly p99: number }) | null;
}

export const TARGET_RATE = 3000;
export const TARGET_P99_MS = 20;

const pct = (x: number) => percent(x, 1);
const cpu = (c: CpuShare) => `loader ${c.loader}%, web ${c.server ?? "-"}%, mariadb ${c.mysql ?? "-"}%, redis ${c.redis}%`;
const lat = (l: Latency) => `p50 ${ms(l.p50)}  p95 ${ms(l.p95)}  p99 ${ms(l.p99)} ms`;

export function kindLine(kind: QueryKind, k: { requests: number; ok200: number; hits: number }): string {
  return `${kind} ${pct(k.hits / Math.max(1, k.requests))} hit (${pct(k.ok200 / Math.max(1, k.requests))} 200) of ${n(k.requests)}`;
}

export function runLine(r: LoadRun): string {
  return `${n(r.rate)} req/s, ${lat(r.latency)}, errors ${r.errors + r.timeouts} [cpu ${cpu(r.cpu)}]`;
}

export function perRequest(t: TraceDelta): Record<string, number> {
  return Object.fromEntries(Object.entries(t.statements).map(([f, s]) => [f, s.count / Math.max(1, t.requests)]));
}

function statementLines(t: TraceDelta, byKind: Record<QueryKind, KindStats> | null): string[] {
  const lines: string[] = [];
  for (const [family, s] of Object.entries(t.statements).sort((a, b) => b[1].count - a[1].count)) {
    const of = family === "wifi" && byKind ? ` (${(s.count / Math.max(1, byKind.wifi.requests)).toFixed(3)} per Wi-Fi query)`
      : (family === "cell" || family === "area") && byKind ? ` (${(s.count / Math.max(1, byKind.cell.requests)).toFixed(3)} per cell query)` : "";
    lines.push(`    ${family.padEnd(10)} ${(s.count / Math.max(1, t.requests)).toFixed(3)} per request${of}, ` +
      `${(s.tables / s.count).toFixed(2)} tables per statement, ${ms(s.ms / s.count)} ms client-side each`);
  }
  return lines;
}

export function formatTable(r: LocateBenchResults): string {
  const m = r.machine;
  const s = r.summary;
  const last = r.rounds.at(-1)!;
  const lines = [
    ...reportHeading("Locate API benchmark", m),
    `data: ${Object.entries(r.data.rows).map(([t, c]) => `${n(c)} ${t}`).join(", ")} loaded in ${r.data.loadSeconds.toFixed(1)} s ` +
      `(${n(r.data.loadRowsPerSecond)} rows/s); tables ${Object.entries(r.data.tableBytes).map(([t, b]) => `${t} ${n(b / 2 ** 20)} MiB`).join(", ")}; ` +
      `InnoDB buffer pool ${n(r.data.bufferPoolBytes / 2 ** 20)} MiB`,
    `queries: ${n(r.pool.size)} bodies (${QUERY_KINDS.map((k) => `${k} ${n(r.pool.counts[k])}`).join(", ")}); Wi-Fi ${r.pool.meanWifiAps.toFixed(1)} APs ` +
      `(${r.pool.meanUnknownAps.toFixed(2)} unknown), cell ${r.pool.meanCells.toFixed(2)} towers; ${n(r.pool.meanJsonBytes)} B JSON; ` +
      `X-Forwarded-For from ${n(r.pool.ips)} public IPv4 addresses GeoLite2 resolves`,
    "",
    `Check pass (${n(r.check.requests)} requests one at a time, every statement tied to its request):`,
    `  hit rate: ${QUERY_KINDS.map((k) => kindLine(k, r.check.byKind[k])).join("; ")}`,
    `  most statements in one request: ${Object.entries(r.check.maxPerRequest).map(([f, c]) => `${f} ${c}`).join(", ")}`,
    "",
    `Connection sweep (${r.settings.sweepSeconds} s each):`,
    ...r.sweep.map((run) => `  ${String(run.connections).padStart(4)} connections: ${runLine(run)}`),
    "",
    `Measured at ${r.connections} connections, ${r.rounds.length} rounds (key store_sample_locate 0, maxreq 0):`,
    ...r.rounds.map((x, i) => `  round ${i + 1}: ${runLine(x.run)}`),
    ...r.ceiling.map((c, i) => `  ceiling ${i + 1}: ${n(c.rate)} req/s (bare mysql2 IN lookups of the same keys, ${c.concurrency} in flight, pool ${c.poolSize}), ` +
      `per lookup ${lat(c.latency)}, ${n((c.statements * 1000) / c.ms)} statements/s [cpu ${cpu(c.cpu)}]`),
    `  hit rate (last round): ${QUERY_KINDS.map((k) => kindLine(k, last.run.byKind[k])).join("; ")}`,
    `  latency by type (last round): ${QUERY_KINDS.map((k) => `${k} ${lat(last.run.byKind[k].latency)}`).join("; ")}`,
    "  MySQL statements (last round):",
    ...statementLines(last.trace, last.run.byKind),
    ...(r.sampled.length ? [
      "",
      `With query reports (a key with store_sample_locate 100), ${r.connections} connections:`,
      ...r.sampled.map((x, i) => `  round ${i + 1}: ${runLine(x.run)}; ${n(x.storedReports)} query reports appended ` +
        `(${pct(x.storedReports / Math.max(1, x.run.byKind.wifi.ok200 + x.run.byKind.cell.ok200))} of the Wi-Fi + cell 200s)`),
    ] : []),
    "",
    `requests/s: ${n(s.rate.median)} (${n(s.rate.worst)}–${n(s.rate.best)})   target ≥ ${n(TARGET_RATE)}   ${verdict(s.passRate)}`,
    `p99 latency: ${ms(s.p99)} ms (p50 ${ms(s.p50)}, p95 ${ms(s.p95)}; median of rounds)   target ≤ ${TARGET_P99_MS} ms   ${verdict(s.passP99)}`,
    `DB round trips: ${Object.entries(r.check.maxPerRequest).filter(([f]) => ["wifi", "blue", "cell", "area"].includes(f)).map(([f, c]) => `${f} ≤ ${c}`).join(", ")} per request` +
      `   target ≤ 1 per station type   ${verdict(s.passRoundTrips)}`,
    `ceiling: ${n(s.ceilingRate.median)} req/s; web / ceiling ${pct(s.rate.median / Math.max(1, s.ceilingRate.median))}`,
  ];
  if (r.profile) lines.push("", ...formatProfile(r.profile));
  return lines.join("\n");
}

function formatProfile(pr: NonNullable<LocateBenchResults["profile"]>): string[] {
  return [
    `CPU profile of the web process (--cpu-prof, ${pr.seconds.toFixed(1)} s at ${n(pr.rate)} req/s, p99 ${ms(pr.p99)} ms, ` +
      `cpu ${cpu(pr.cpu)}, idle ${pct(pr.idle)} of the samples): ${pr.file}`,
    ...profileSections(pr, { areas: 14, digits: 1 }),
  ];
}
