/** The printed table and the `--json` document of one `bench:pipeline` run. */
import type { ProfileSummary } from "../harness/cpu-profile.ts";
import { count as n, percent as pct, seconds as s, verdict } from "../harness/format.ts";
import type { MachineInfo } from "../harness/machine.ts";
import { reportHeading } from "../harness/report.ts";
import type { StatementClass } from "../harness/sql-trace/format.ts";
import type { GeneratedReports, WorldSummary } from "../harness/world/city-reports.ts";
import type { CeilingRun } from "./ceiling.ts";
import type { GroupFamily, Kind, ObservationCount } from "./outcome.ts";
import type { DrainRun } from "./run-drain.ts";

export interface PhaseResult {
  readonly wallMs: number;
  readonly windowMs: number;
  readonly cpu: DrainRun["cpu"];
  readonly observationsPerSecond: number;
  readonly transactions: number;
}

export interface PipelineBenchResults {
  readonly machine: MachineInfo;
  readonly settings: Record<string, number>;
  readonly city: WorldSummary;
  readonly generated: Omit<GeneratedReports, "uploads"> & { readonly uploads: number; readonly generateMs: number };
  readonly append: { readonly ms: number; readonly entries: number; readonly perPartition: readonly number[] };
  readonly drain: PhaseResult & {
    readonly maxOpen: number;
    readonly meanOpen: number;
    readonly classes: Record<string, StatementClass>;
    /** Last commit of each group family, ms after the drain's first query. */
    readonly families: readonly (GroupFamily & { readonly atMs: number })[];
    /** Global Handler_* deltas over the drain (every client of the server counts). */
    readonly handlers: Record<string, number>;
  };
  readonly observations: ObservationCount;
  readonly stations: {
    /** Rows in the station tables after the drain (= rows inserted: the tables started empty). */
    readonly rows: Record<Kind, number>;
    /** Rows in all station upsert statements (each station at most once per statement). */
    readonly upsertRows: number;
    readonly statements: number;
    readonly affected: number;
    readonly meanRowsPerStatement: number;
    readonly upsertMs: number;
  };
  readonly rates: { readonly observationsPerSecond: number; readonly stationRowsPerSecond: number };
  readonly ceiling: CeilingRun;
  readonly ratio: number;
  readonly targets: {
    readonly minObservationsPerSecond: number;
    readonly minRatio: number;
    readonly passObservations: boolean;
    readonly passRatio: boolean;
  };
  readonly breakdown: {
    readonly splitter: PhaseResult;
    readonly projectors: PhaseResult & { readonly classes: Record<string, StatementClass> };
    readonly observations: number;
  } | null;
  readonly profile: ProfileSummary | null;
  readonly workerProfiles: DrainRun["workerProfiles"];
}

const cpu = (c: DrainRun["cpu"]) =>
  `cpu drain ${c.drain ?? "-"}%${c.processes.length > 1 ? ` (${c.processes.map((p) => `${p.role.split(" ")[0]} ${p.share ?? "-"}%`).join(" + ")})` : ""}, ` +
  `redis ${c.redis ?? "-"}%, mysqld ${c.mysql ?? "-"}%`;

function classRows(classes: Record<string, StatementClass>, windowMs: number, connections: number): string[] {
  const total = Object.values(classes).reduce((a, c) => a + c.ms, 0);
  return Object.entries(classes).sort(([, a], [, b]) => b.ms - a.ms).slice(0, 14).map(([name, c]) =>
    `  ${name.padEnd(46)} ${n(c.count).padStart(8)} × ${(c.ms / c.count).toFixed(2).padStart(7)} ms = ${s(c.ms).padStart(8)}` +
    `  ${pct(c.ms / total).padStart(4)} of SQL time, ${(c.ms / windowMs / connections * 100).toFixed(0).padStart(3)}% of ${connections} conns × window`);
}

export function formatTable(r: PipelineBenchResults): string {
  const m = r.machine;
  const st = r.settings;
  const g = r.generated;
  const d = r.drain;
  const o = r.observations;
  const lines = [
    ...reportHeading("Pipeline benchmark (stream → committed MySQL rows)", m, { commitSetting: true }),
    `settings: ${n(st.reports!)} reports, ${st.partitions} partitions, --processes ${st.processes} (${m.cores} cores here), STATION_BATCH ${st.stationBatch}, export batch ${st.exportBatch}, ` +
      `DATABASE_POOL_SIZE ${st.poolSize}, CONSUMER_BATCH ${st.consumerBatch}, seed ${st.seed}`,
    `city: ${n(r.city.wifi)} APs, ${n(r.city.cells)} cells (${Object.entries(r.city.cellRadios).map(([k, v]) => `${k} ${n(v)}`).join(", ")}), ` +
      `${n(r.city.beacons)} beacons around ${r.city.centre.lat}, ${r.city.centre.lon}`,
    `reports: ${g.devices} devices on random walks, ${g.meanWifi.toFixed(1)} APs + ${g.meanCells.toFixed(1)} cells each, ${n(g.withBeacon)} with a beacon, ` +
      `${n(g.meanJsonBytes)} B JSON; heard: ${n(g.distinct.wifi)} APs, ${n(g.distinct.cells)} cells, ${n(g.distinct.beacons)} beacons`,
    `append (createReportSubmitter, uploads of 50, 8 in flight): ${s(r.append.ms)}, ${n((r.append.entries * 1000) / r.append.ms)} reports/s`,
    "",
    `Drain: node bin/ichnos.js drain --processes ${st.processes}, all groups (child process${st.processes! > 1 ? ` + ${st.processes! - 1} \`ichnos work\` child(ren) of its own` : ""})`,
    `  working window (first query → last COMMIT) ${s(d.windowMs)}; child wall ${s(d.wallMs)} (start-up, status table, shutdown included)`,
    `  ${cpu(d.cpu)} (% of one core over the window; ${m.cores} cores = ${m.cores * 100}%)`,
    ...d.cpu.processes.map((p) => `    pid ${p.pid} ${p.role}: ${p.share ?? "-"}%`),
    `  transactions ${n(d.transactions)}, open at once: max ${d.maxOpen}, mean ${d.meanOpen.toFixed(1)}`,
    `  observations from the splitter: ${n(o.total)} (wifi ${n(o.observations.wifi)}, blue ${n(o.observations.blue)}, cell ${n(o.observations.cell)}) ` +
      `in ${n(o.entries.wifi + o.entries.blue + o.entries.cell)} obs entries, ${n(o.bytes / 1e6)} MB of JSON (${n(o.bytes / Math.max(1, o.total))} B per observation)`,
    `  station rows: ${n(r.stations.upsertRows)} upserted in ${n(r.stations.statements)} statements (${r.stations.meanRowsPerStatement.toFixed(1)} rows each), ` +
      `${n(r.stations.rows.wifi + r.stations.rows.blue + r.stations.rows.cell)} distinct rows now (wifi ${n(r.stations.rows.wifi)}, blue ${n(r.stations.rows.blue)}, cell ${n(r.stations.rows.cell)})`,
    `  global Handler_* deltas over the drain (all clients): ${Object.entries(d.handlers).map(([k, v]) => `${k} ${n(v)}`).join(", ")}`,
    "",
    `  observations/s end to end           ${n(r.rates.observationsPerSecond).padStart(10)}/s   target ≥ ${n(r.targets.minObservationsPerSecond)}/s   ${verdict(r.targets.passObservations)}`,
    `  station rows written/s              ${n(r.rates.stationRowsPerSecond).padStart(10)}/s`,
    `  raw ceiling: bare upsert replay     ${n(r.ceiling.rowsPerSecond).padStart(10)}/s   (${n(r.ceiling.rows)} rows, ${n(r.ceiling.statements)} statements, ` +
      `${r.ceiling.connections} connections, ${s(r.ceiling.ms)})`,
    `  pipeline / ceiling                  ${pct(r.ratio).padStart(10)}     target ≥ ${pct(r.targets.minRatio)}   ${verdict(r.targets.passRatio)}`,
    "",
    "  Last commit of each group family (s after the first query):",
    ...d.families.map((f) => `    ${f.family.padEnd(18)} ${s(f.atMs).padStart(8)}   ${String(f.groups).padStart(3)} groups, ${n(f.applied).padStart(9)} entries applied`),
    "",
    "  Client-side SQL time by statement (sum over all connections):",
    ...classRows(d.classes, d.windowMs, Math.max(1, d.maxOpen)),
  ];
  if (r.breakdown) {
    const b = r.breakdown;
    lines.push(
      "",
      "Breakdown: the same reports, fresh prefix and database, drained in two steps",
      `  export:internal alone       window ${s(b.splitter.windowMs).padStart(8)}  ${n(b.splitter.observationsPerSecond).padStart(8)} obs/s   ${cpu(b.splitter.cpu)}`,
      `  every other group after it  window ${s(b.projectors.windowMs).padStart(8)}  ${n(b.projectors.observationsPerSecond).padStart(8)} obs/s   ${cpu(b.projectors.cpu)}`,
      `  sum of the two              ${s(b.splitter.windowMs + b.projectors.windowMs).padStart(15)}  ${n((b.observations * 1000) / (b.splitter.windowMs + b.projectors.windowMs)).padStart(8)} obs/s`,
    );
  }
  const profiles = [
    ...(r.profile ? [{ ...r.profile, command: "drain" }] : []),
    ...r.workerProfiles,
  ];
  for (const p of profiles) {
    lines.push(
      "",
      `CPU profile of the ${p.command} process's main thread over the window (${p.seconds.toFixed(1)} s, ${n(p.busySamples)} busy samples, idle ${pct(p.idle)}):`,
      "  self time by area:",
      ...p.byArea.slice(0, 12).map((f) => `    ${pct(f.share).padStart(4)}  ${f.name}`),
      "  self time by function:",
      ...p.self.slice(0, 20).map((f) => `    ${pct(f.share).padStart(4)}  ${f.name}  ${f.where}`),
      "  src/ functions, inclusive:",
      ...p.inclusive.slice(0, 15).map((f) => `    ${pct(f.share).padStart(4)}  ${f.name}  ${f.where}`),
    );
  }
  return lines.join("\n");
}
