/** The tables `npm run bench:quality` prints: Ichnos beside the peer and the reference, per city and seed. */
import { percent } from "../harness/format.ts";
import type { MachineInfo } from "../harness/machine.ts";
import { reportHeading } from "../harness/report.ts";
import type { MoverOutcomes } from "./movers.ts";
import type { Row } from "./score.ts";
import type { StaticOutcomes } from "./static-stations.ts";

export interface QualityRun {
  readonly kind: string;
  readonly seed: number;
  readonly wifi: number;
  readonly beacons: number;
  readonly cells: number;
  readonly reports: number;
  readonly queries: number;
  readonly seconds: number;
  readonly ichnos: readonly Row[];
  readonly peer: readonly Row[];
  readonly reference: readonly Row[];
  /** Wi-Fi queries hearing a moved AP at its new place, and how many were placed within 500 m of its old one. */
  readonly movers: { readonly queries: number; readonly pulled: number };
  readonly moverRows: MoverOutcomes;
  /** Stations that never moved: blocked, or placed farther than they are heard from where they stand. */
  readonly staticRows: StaticOutcomes;
}

export interface QualityResults {
  readonly machine: MachineInfo | null;
  readonly scale: string;
  readonly runs: readonly QualityRun[];
}

const m = (v: number | null) => (v === null ? "–" : v < 100 ? v.toFixed(1) : Math.round(v).toLocaleString("en-US"));
const pct = (v: number | null) => (v === null ? "–" : percent(v));

export function formatQuality(r: QualityResults): string {
  const lines = r.machine ? [...reportHeading("bench:quality", r.machine), ""] : ["bench:quality", ""];
  for (const run of r.runs) {
    lines.push(`${run.kind} city, seed ${run.seed} (${r.scale}): ${run.wifi} Wi-Fi, ${run.beacons} beacons, ${run.cells} cells; ` +
      `${run.reports} reports, ${run.queries} query positions; ${run.seconds.toFixed(0)} s`);
    lines.push("| type | heard | queries | answered | median m | p90 m | p95 m | inside accuracy | median accuracy m | error/accuracy p95 | peer answered | peer median m | peer p95 m | true centroid median m |");
    lines.push("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (const row of run.ichnos) {
      const peer = run.peer.find((p) => p.type === row.type && p.bucket === row.bucket);
      const ref = run.reference.find((p) => p.type === row.type && p.bucket === row.bucket);
      lines.push(`| ${row.type} | ${row.bucket} | ${row.queries} | ${pct(row.answered)} | ${m(row.median)} | ${m(row.p90)} | ${m(row.p95)} | ` +
        `${pct(row.inside)} | ${m(row.medianAccuracy)} | ${row.scale95 === null ? "–" : row.scale95.toFixed(2)} | ${pct(peer?.answered ?? null)} | ${m(peer?.median ?? null)} | ${m(peer?.p95 ?? null)} | ${m(ref?.median ?? null)} |`);
    }
    lines.push(`movers: ${run.movers.pulled} of ${run.movers.queries} Wi-Fi queries hearing a moved access point were placed by it within 500 m of where it used to stand`);
    const mr = run.moverRows;
    lines.push(`moved access points: ${mr.movers}, heard after the move ${mr.heardAfter}: blocked ${mr.blocked}, relocated ${mr.relocated}, ` +
      `still at the old place ${mr.atOldPlace}, averaged across the move ${mr.averaged}; not caught though heard ≥ 10 times after the move: ${mr.missedAfterTen} ` +
      `(most post-move observations of one not caught: ${mr.mostHeardUncaught})`);
    const { wifi, blue } = run.staticRows;
    const off = (o: number | null) => (o === null ? "–" : `${o.toFixed(1)} m`);
    lines.push(`static stations: access points ${wifi.stored}, blocked ${wifi.blocked}, placed > 300 m from where they stand ${wifi.far}, ` +
      `median distance from where they stand ${off(wifi.medianOffset)}; ` +
      `beacons ${blue.stored}, blocked ${blue.blocked}, placed > 150 m away ${blue.far}, median ${off(blue.medianOffset)}`);
    lines.push("");
  }
  return lines.join("\n");
}
