/** The printed table and the `--json` document of one `bench:log` run. */
import { count as n, percent as pct, verdict } from "../harness/format.ts";
import type { MachineInfo } from "../harness/machine.ts";
import { reportHeading } from "../harness/report.ts";
import type { RateSummary } from "./stats.ts";

export interface Comparison {
  readonly subject: RateSummary;
  readonly ceiling: RateSummary;
  /** subject median / ceiling median. */
  readonly ratio: number;
}

export interface LogBenchResults {
  readonly machine: MachineInfo;
  readonly settings: Record<string, number | string>;
  readonly statistic: string;
  readonly append: Comparison & {
    readonly redisBenchmarkPipelined: RateSummary | null;
    readonly redisBenchmark: RateSummary | null;
    readonly commands: readonly string[];
    readonly target: { readonly minRatio: number; readonly pass: boolean };
  };
  readonly consume: {
    readonly single: Comparison;
    readonly partitioned: Comparison;
    readonly breakdown: { readonly rate: number; readonly batches: number; readonly perBatchMs: Record<string, number> } | null;
    readonly target: { readonly minRate: number; readonly passSingle: boolean; readonly passPartitioned: boolean };
  };
}

export function compare(subject: RateSummary, ceiling: RateSummary): Comparison {
  return { subject, ceiling, ratio: subject.median / ceiling.median };
}

function row(label: string, s: RateSummary | null): string {
  if (!s) return `  ${label.padEnd(50)} ${"skipped".padStart(10)}`;
  const range = `(${n(s.worst)}–${n(s.best)})`.padEnd(20);
  const cpu = `client ${s.cpu.client}%, redis ${s.cpu.redis}%${s.cpu.mysql === null ? "" : `, mysqld ${s.cpu.mysql}%`}`;
  return `  ${label.padEnd(50)} ${n(s.median).padStart(10)}/s  ${range} ${cpu}`;
}

export function formatTable(r: LogBenchResults): string {
  const m = r.machine;
  const s = r.settings;
  const a = r.append;
  const c = r.consume;
  return [
    ...reportHeading("Event log benchmark", m, { commitSetting: true }),
    `entries ${n(Number(s.entries))} per run, payload ${s.payloadBytes} B JSON; ${r.statistic}; (worst–best) in brackets;`,
    "CPU is the mean over the rounds in % of one core (client = this process + redis-benchmark)",
    "",
    `Append: batches of ${s.appendBatch}, ${s.concurrency} batches in flight, one stream`,
    row("appender.append (EVALSHA: INCRBY + XADD v,n,d)", a.subject),
    row("ceiling: bare ioredis pipeline of XADD v,n,d", a.ceiling),
    row("server ceiling: redis-benchmark XADD -c 50 -P 100", a.redisBenchmarkPipelined),
    row("server ceiling: redis-benchmark XADD -c 50", a.redisBenchmark),
    `  appender / bare ioredis: ${pct(a.ratio)}   target ≥ ${pct(a.target.minRatio)}   ${verdict(a.target.pass)}`,
    "",
    `Consume + checkpoint: no-op MySQL projection, batch ${s.consumeBatch}, runtime start → drained`,
    row("runtime, 1 stream", c.single.subject),
    row("ceiling: bare XREADGROUP + XACK, 1 stream", c.single.ceiling),
    `  runtime / bare: ${pct(c.single.ratio)}   target ≥ ${n(c.target.minRate)}/s   ${verdict(c.target.passSingle)}`,
    row(`runtime, ${s.partitions} partitions (${s.partitions} parallel loops)`, c.partitioned.subject),
    row(`ceiling: bare XREADGROUP + XACK, ${s.partitions} partitions`, c.partitioned.ceiling),
    `  runtime / bare: ${pct(c.partitioned.ratio)}   target ≥ ${n(c.target.minRate)}/s   ${verdict(c.target.passPartitioned)}`,
    ...(c.breakdown ? formatBreakdown(c.breakdown) : []),
  ].join("\n");
}

function formatBreakdown(b: NonNullable<LogBenchResults["consume"]["breakdown"]>): string[] {
  const total = b.perBatchMs.total ?? 1;
  return [
    "",
    `Where a batch's time goes (runtime, 1 stream, one instrumented run: ${n(b.rate)}/s, ${b.batches} batches), ms per batch:`,
    ...Object.entries(b.perBatchMs).map(([step, ms]) =>
      `  ${step.padEnd(32)} ${ms.toFixed(3).padStart(8)}  ${step === "total" ? "" : pct(ms / total)}`),
  ];
}
