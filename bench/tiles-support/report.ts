/** The printed table and the `--json` document of one `bench:tiles` run. */
import type { DatamapShard } from "../../src/domain/datamap/grid.ts";
import type { ProfileSummary } from "../harness/cpu-profile.ts";
import { millis as ms, count as n, percent } from "../harness/format.ts";
import type { MachineInfo } from "../harness/machine.ts";
import { profileSections } from "../harness/profile-report.ts";
import { reportHeading } from "../harness/report.ts";
import type { Spread } from "../harness/stats.ts";
import type { Latency } from "../locate-support/load.ts";
import type { Sweep, ZoomPlan } from "./sweep.ts";
import type { TileBodies } from "./tile-bodies.ts";
import type { TileRun } from "./tile-load.ts";

/** Warm serving under this share of the static ceiling gets a profiled run (unless --no-profile). */
export const PROFILE_BELOW = 0.4;

export interface Round {
  readonly pair: number;
  readonly condition: "warm" | "static";
  readonly run: TileRun;
}

export interface ZoomBodies {
  readonly z: number;
  /** Mean over the sweep's tiles of this zoom. */
  readonly bytes: number;
  readonly drawnCells: number;
}

export interface TilesBenchResults {
  readonly machine: MachineInfo;
  readonly settings: Record<string, number | string>;
  readonly data: {
    readonly cells: number;
    readonly byCity: Record<string, number>;
    readonly rural: number;
    readonly rows: Record<DatamapShard, number>;
    readonly seedSeconds: number;
    readonly tableBytes: number;
  };
  readonly sweep: { readonly zooms: readonly ZoomPlan[]; readonly tiles: number; readonly bodyBytes: number; readonly headers: Record<string, string> };
  readonly perZoomBodies: readonly ZoomBodies[];
  readonly cold: { readonly concurrent: TileRun; readonly sequential: TileRun; readonly cachedAfter: number };
  readonly warmup: { readonly warm: TileRun; readonly static: TileRun };
  readonly rounds: readonly Round[];
  /** Tiles/s over the rounds. */
  readonly warm: Spread;
  readonly static: Spread;
  /** Median warm over median static. */
  readonly share: number;
  readonly profile: (ProfileSummary & { readonly run: TileRun }) | null;
}

export function zoomBodies(sweep: Sweep, bodies: TileBodies): ZoomBodies[] {
  return sweep.zooms.map((z) => {
    const of = sweep.tiles.flatMap((t, i) => (t.z === z.z ? [i] : []));
    const mean = (values: readonly number[]) => of.reduce((a, i) => a + values[i]!, 0) / Math.max(1, of.length);
    return { z: z.z, bytes: mean(bodies.lengths), drawnCells: mean(bodies.drawnCells) };
  });
}

/** CPU of the server process per tile answered, µs. */
export const serverMicrosPerTile = (r: TileRun) => (r.cpu.server === null ? null : (r.cpu.server / 100) * r.ms * 1000 / Math.max(1, r.ok));

const cpuText = (r: TileRun) => `${r.cpu.loader}/${r.cpu.server ?? "-"}/${r.cpu.mysql ?? "-"}/${r.cpu.redis}`;
const lat = (l: Latency) => `${ms(l.p50)} / ${ms(l.p99)}`;
const failures = (r: TileRun) => r.non200 + r.errors + r.timeouts + r.mismatched;

export function runLine(r: TileRun): string {
  const micros = serverMicrosPerTile(r);
  return `${n(r.rate)} tiles/s, p50 ${ms(r.latency.p50)} p99 ${ms(r.latency.p99)} ms, ${n(r.bodyBytes)} B/tile, ` +
    `non-200 ${r.non200}, errors ${r.errors + r.timeouts}, mismatched ${r.mismatched}` +
    ` [cpu loader/server/mysql/redis ${cpuText(r)}%${micros === null ? "" : `, server ${n(micros)} µs/tile`}]`;
}

function row(label: string, r: TileRun): string {
  const micros = serverMicrosPerTile(r);
  return `  ${label.padEnd(22)} ${n(r.rate).padStart(8)} ${lat(r.latency).padStart(15)} ${n(micros ?? 0).padStart(9)} ${n(r.bodyBytes).padStart(8)} ` +
    `${n(r.wireBytes).padStart(8)} ${cpuText(r).padStart(14)} ${String(failures(r)).padStart(7)}`;
}

const ZOOM_HEADER = `  zoom tiles  covering   cells   body B ${["cold 1 mean / p99", "cold p50 / p99", "warm p50 / p99", "static p50 / p99"].map((h) => h.padStart(18)).join("")}`;

function zoomRows(r: TilesBenchResults): string[] {
  const at = (run: TileRun | undefined, z: number) => run?.byZoom.find((x) => x.z === z);
  const lastWarm = r.rounds.filter((x) => x.condition === "warm").at(-1)?.run;
  const lastStatic = r.rounds.filter((x) => x.condition === "static").at(-1)?.run;
  return r.sweep.zooms.map((zoom) => {
    const b = r.perZoomBodies.find((x) => x.z === zoom.z)!;
    const seq = at(r.cold.sequential, zoom.z);
    const cell = (x: { latency: Latency } | undefined) => (x ? lat(x.latency) : "-").padStart(18);
    return `  ${String(zoom.z).padStart(4)} ${String(zoom.chosen).padStart(5)}${zoom.wholeWorld ? "w" : " "} ${n(zoom.covering).padStart(8)} ` +
      `${n(b.drawnCells).padStart(7)} ${n(b.bytes).padStart(8)}${(seq ? `${ms(seq.latency.mean)} / ${ms(seq.latency.p99)}` : "-").padStart(18)}` +
      `${cell(at(r.cold.concurrent, zoom.z))}${cell(at(lastWarm, zoom.z))}${cell(at(lastStatic, zoom.z))}`;
  });
}

export function formatTable(r: TilesBenchResults): string {
  const d = r.data;
  const spreadText = (s: Spread) => `${n(s.median)} (${n(s.worst)}–${n(s.best)})`;
  const c = r.settings.connections;
  const lines = [
    ...reportHeading("Coverage-map tile benchmark", r.machine),
    `data: ${n(d.cells)} datamap cells (${Object.entries(d.byCity).map(([city, k]) => `${city} ${n(k)}`).join(", ")}; rural tracks ${n(d.rural)}) ` +
      `as ${Object.entries(d.rows).map(([s, k]) => `datamap_${s} ${n(k)}`).join(", ")}, written in ${d.seedSeconds.toFixed(1)} s; tables ${n(d.tableBytes / 2 ** 20)} MiB`,
    `sweep: ${n(r.sweep.tiles)} tiles, zooms 0–${r.sweep.zooms.length - 1}, ${n(r.sweep.bodyBytes / r.sweep.tiles)} B of JSON per tile on average ` +
      `(${r.sweep.headers.contentType}, ${r.sweep.headers.cacheControl}); URLs cycled in sweep order`,
    `load: autocannon in the bench process, ${c} connections, pipelining 1; warm and static rounds of ${r.settings.durationSeconds} s, ` +
      `alternated (${r.settings.pairs} pairs) after a ${r.settings.warmupSeconds} s warm-up of each`,
    "CPU: % of one core during the run (loader = this process with autocannon; server = the web or static child; mysql = mariadbd; redis = INFO cpu)",
    "",
    "                          tiles/s  p50 / p99 ms  µs/tile   body B   wire B  CPU l/s/m/r %  failed",
    row(`cold, ${c} connections`, r.cold.concurrent),
    row("cold, 1 connection", r.cold.sequential),
    ...r.rounds.map((x) => row(`pair ${x.pair} ${x.condition}`, x.run)),
    "  (µs/tile: the server child's CPU per tile; wire B: status line, headers and body; failed: non-200, errors, timeouts, wrong length)",
    "",
    `  warm (Ichnos, cached: memory, Redis): ${spreadText(r.warm)} tiles/s`,
    `  static (node:http, the same bytes):   ${spreadText(r.static)} tiles/s`,
    `  warm / static: ${percent(r.share)}${r.share < PROFILE_BELOW ? ` (under ${percent(PROFILE_BELOW)})` : ""}`,
    `  cold (a fresh web process, cache keys deleted, each URL once: every tile computed from MySQL): ${n(r.cold.concurrent.rate)} tiles/s at ${c} connections, ` +
      `${n(r.cold.sequential.rate)} tiles/s one at a time; ${n(r.cold.cachedAfter)} tiles cached after`,
    "",
    `Per zoom, ms (the sweep's tiles; cold 1 = one at a time, mean and p99: what a tile costs to compute; the other columns at ${c} connections, warm and static of the last pair):`,
    ZOOM_HEADER,
    ...zoomRows(r),
    "  (tiles: w = every tile of the world; covering: tiles holding a seeded cell; cells: drawn per tile after merging to the zoom's cell size)",
  ];
  if (r.profile) lines.push("", ...formatProfile(r.profile));
  return lines.join("\n");
}

function formatProfile(pr: NonNullable<TilesBenchResults["profile"]>): string[] {
  return [
    `CPU profile of the web process serving warm tiles (--cpu-prof, ${pr.seconds.toFixed(1)} s, ${runLine(pr.run)}, idle ${percent(pr.idle, 1)} of the samples): ${pr.file}`,
    ...profileSections(pr, { areas: 14, digits: 1 }),
  ];
}
