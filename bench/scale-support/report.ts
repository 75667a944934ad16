/** The table `npm run bench:scale` prints (or, with --json, the same results as one document). */
import { count as n, millis, percent } from "../harness/format.ts";
import type { MachineInfo } from "../harness/machine.ts";
import { reportHeading } from "../harness/report.ts";
import type { CpuShares } from "./cpu-meter.ts";
import type { Estimate, UnitCosts } from "./estimate.ts";
import type { LocateRun } from "./locate-runs.ts";
import type { PipelineRun } from "./pipeline-runs.ts";
import type { SubmitRun } from "./submit-runs.ts";

export interface ScaleBenchResults {
  readonly machine: MachineInfo;
  readonly reports: number;
  readonly partitions: number;
  readonly pipeline: readonly PipelineRun[];
  readonly submit: readonly SubmitRun[];
  readonly locate: readonly LocateRun[];
  readonly costs: UnitCosts;
  readonly estimate: Estimate;
}

const cpuLine = (c: CpuShares, roles: readonly (keyof CpuShares)[]) => roles.map((r) => `${r} ${c[r]}%`).join(", ");
const range = (r: readonly [number, number] | undefined) => (r ? `${n(r[0])}–${n(r[1])}` : "–");
const us = (ms: number) => `${(ms * 1000).toFixed(ms < 0.01 ? 2 : 1)} µs`;

export function formatTable(r: ScaleBenchResults): string {
  const lines = [...reportHeading("bench:scale", r.machine), ""];
  lines.push(`Pipeline: ${n(r.reports)} reports appended while K \`ichnos work\` processes run, until every group is at lag 0 (${r.partitions} partitions); median of the rounds`);
  lines.push("| Redis | workers | drained in | observations/s | range | vs 1 worker, same Redis | vs one Redis, same workers | batches | worker CPU per observation | CPU (% of one core) |");
  lines.push("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
  for (const p of r.pipeline) {
    const single = r.pipeline.find((x) => x.target === p.target && x.workers === 1);
    const plain = r.pipeline.find((x) => x.target === "one Redis" && x.workers === p.workers);
    lines.push(`| ${p.target} | ${p.workers} | ${(p.windowMs / 1000).toFixed(1)} s | ${n(p.observationsPerSecond)} | ${range(p.range)} | ` +
      `${single ? percent(p.observationsPerSecond / single.observationsPerSecond) : "–"} | ${plain ? percent(p.observationsPerSecond / plain.observationsPerSecond) : "–"} | ` +
      `${n(p.batches)} | ${us(p.cpuMsPerObservation.work)} | ${cpuLine(p.cpu, ["work", "redis", "mysql", "bench"])} |`);
  }
  lines.push("");
  lines.push("Submit: gzipped 50-report uploads, connections split over W `ichnos web` processes; median of the rounds");
  lines.push("| Redis | web processes | reports/s | range | vs 1 web, same Redis | vs one Redis | p99 | errors | CPU (% of one core) |");
  lines.push("|---|---:|---:|---:|---:|---:|---:|---:|---|");
  for (const s of r.submit) {
    const single = r.submit.find((x) => x.target === s.target && x.webs === 1);
    const plain = r.submit.find((x) => x.target === "one Redis" && x.webs === s.webs);
    lines.push(`| ${s.target} | ${s.webs} | ${n(s.reportsPerSecond)} | ${range(s.range)} | ${single ? percent(s.reportsPerSecond / single.reportsPerSecond) : "–"} | ` +
      `${plain ? percent(s.reportsPerSecond / plain.reportsPerSecond) : "–"} | ${millis(s.p99Ms)} ms | ${s.non2xx} | ${cpuLine(s.cpu, ["web", "redis", "bench"])} |`);
  }
  if (r.locate.length > 0) {
    lines.push("");
    lines.push("Locate: one `ichnos web`, station reads from the primary, then from a replica (DATABASE_READ_URL)");
    lines.push("| reads from | queries/s | vs primary | p99 | hits | CPU (% of one core) |");
    lines.push("|---|---:|---:|---:|---:|---|");
    const primary = r.locate.find((l) => l.reads === "primary");
    for (const l of r.locate) {
      lines.push(`| ${l.reads} | ${n(l.rate)} | ${primary ? percent(l.rate / primary.rate) : "–"} | ${millis(l.p99Ms)} ms | ${percent(l.hitShare)} | ` +
        `web ${l.cpu.web}%, primary ${l.cpu.mysql}%, replica ${l.cpu.replica}%, bench ${l.cpu.bench}% |`);
    }
  }
  const c = r.costs;
  lines.push("");
  lines.push("CPU per operation (1 process, one Redis):");
  lines.push(`- submit, per report: web ${us(c.submit.web)}, Redis ${us(c.submit.redis)}`);
  lines.push(`- pipeline, per observation: workers ${us(c.pipeline.work)}, Redis ${us(c.pipeline.redis)}, MariaDB ${us(c.pipeline.mysql)} (${c.observationsPerReport.toFixed(1)} observations per report)`);
  if (c.locate) lines.push(`- locate, per query: web ${us(c.locate.web)}, MariaDB ${us(c.locate.mysql)}`);
  const e = r.estimate;
  lines.push("");
  lines.push(`MLS production load (SPEC §7), peak taken as ${n(e.peak.observationsPerSecond)} observations/s (${n(e.peak.reportsPerSecond)} reports/s) and ${n(e.peak.locatePerSecond)} locate/s;`);
  lines.push(`cores at 50% utilisation: web ${e.cores.web.toFixed(1)}, workers ${e.cores.work.toFixed(1)}, Redis ${e.cores.redis.toFixed(1)} (${e.redisMasters} cluster master${e.redisMasters === 1 ? "" : "s"}), MariaDB ${e.cores.mysql.toFixed(1)}`);
  if (e.wifiTablesGiB !== null && c.wifiRowBytes !== null) {
    lines.push(`Wi-Fi station tables at 1,450 M networks: ${n(e.wifiTablesGiB)} GiB (${c.wifiRowBytes.toFixed(0)} bytes per row, data and indexes)`);
  }
  return lines.join("\n");
}
