/**
 * Reading a V8 .cpuprofile (node --cpu-prof): the functions with the most self time, and the
 * project's own functions (src/) by inclusive time, as shares of the busy samples (idle excluded;
 * GC and "(program)", V8's own work outside JS, are listed like functions). Only the samples
 * inside a time window count: the profile's clock is CLOCK_MONOTONIC in µs, the same clock as
 * `process.hrtime` in any process on the machine, so the bench passes the load run's start and
 * end and the child's start-up and shutdown stay out. Functions in node_modules and node: modules
 * carry their line; the repository's .ts files only their path (tsx's output puts every function
 * on line 1 as far as V8 is concerned).
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly hitCount?: number;
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
  readonly startTime: number;
  readonly endTime: number;
}

export interface HotFunction {
  readonly name: string;
  /** file:line, shortened: a package name, `node:` module or path inside the repository. */
  readonly where: string;
  /** Share of the busy samples, 0–1. */
  readonly share: number;
}

export interface ProfileSummary {
  readonly file: string;
  /** Length of the analysed window. */
  readonly seconds: number;
  readonly busySamples: number;
  /** Share of all samples that were idle (the event loop waiting). */
  readonly idle: number;
  readonly self: readonly HotFunction[];
  /** Self time summed by package / area (h3, srvx, ioredis, node:zlib, src/…, GC). */
  readonly byArea: readonly HotFunction[];
  /** src/ functions by inclusive time (each sample counted once per function on its stack). */
  readonly inclusive: readonly HotFunction[];
}

function shorten(url: string, line: number): string {
  if (!url) return "";
  const path = url.replace(/^file:\/\//, "");
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(path);
  if (pkg) return `${pkg[1]}/${pkg[2]!.split("/").at(-1)}:${line + 1}`;
  // tsx's output for the repository's .ts files reports every function on line 1: no line then.
  const repo = /\/((?:src|bench|consumers)\/.*)$/.exec(path);
  if (repo) return repo[1]!;
  return `${path}:${line + 1}`;
}

function area(url: string, name: string): string {
  if (!url) return name.startsWith("(") ? name : "(native)";
  const path = url.replace(/^file:\/\//, "");
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path);
  if (pkg) return pkg[1]!;
  const repo = /\/(src\/[^/]+(?:\/[^/]+)?)\//.exec(path) ?? /\/(src)\//.exec(path);
  if (repo) return repo[1]!;
  if (path.startsWith("node:")) return path.replace(/^node:internal\//, "node:").split("/").slice(0, 2).join("/");
  return path;
}

const top = (counts: Map<string, { name: string; where: string; n: number }>, total: number, limit: number) =>
  [...counts.values()].sort((a, b) => b.n - a.n).slice(0, limit)
    .map(({ name, where, n }) => ({ name, where, share: n / total }));

/** Microseconds on the profile's clock (CLOCK_MONOTONIC). */
export const monotonicMicros = () => Number(process.hrtime.bigint() / 1000n);

export async function summarizeProfile(file: string, window: readonly [number, number], limit = 15): Promise<ProfileSummary> {
  const profile = JSON.parse(await readFile(file, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  const self = new Map<string, { name: string; where: string; n: number }>();
  const areas = new Map<string, { name: string; where: string; n: number }>();
  const inclusive = new Map<string, { name: string; where: string; n: number }>();
  const bump = (m: typeof self, key: string, name: string, where: string) => {
    const e = m.get(key);
    if (e) e.n += 1;
    else m.set(key, { name, where, n: 1 });
  };
  let idle = 0;
  let busy = 0;
  let t = profile.startTime;
  for (const [i, id] of profile.samples.entries()) {
    t += profile.timeDeltas[i] ?? 0;
    if (t < window[0] || t > window[1]) continue;
    const node = byId.get(id)!;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === "(idle)") {
      idle += 1;
      continue;
    }
    busy += 1;
    const name = functionName || "(anonymous)";
    const where = shorten(url, lineNumber);
    bump(self, `${name}@${where}`, name, where);
    const a = area(url, name);
    bump(areas, a, a, "");
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const f = byId.get(cur)!.callFrame;
      if (!/\/src\//.test(f.url) || /node_modules/.test(f.url)) continue;
      const w = shorten(f.url, f.lineNumber);
      const key = `${f.functionName || "(anonymous)"}@${w}`;
      if (seen.has(key)) continue;
      seen.add(key);
      bump(inclusive, key, f.functionName || "(anonymous)", w);
    }
  }
  return {
    file,
    seconds: (Math.min(window[1], profile.endTime) - Math.max(window[0], profile.startTime)) / 1e6,
    busySamples: busy,
    idle: idle / Math.max(1, idle + busy),
    self: top(self, busy, limit),
    byArea: top(areas, busy, limit),
    inclusive: top(inclusive, busy, limit),
  };
}

/**
 * The .cpuprofile of a process's main thread in a --cpu-prof-dir, or null. tsx's loader hooks run
 * on a thread of their own, which writes a profile too (so no --cpu-prof-name: a fixed name lets
 * it overwrite the main thread's); the main thread's id is 0.
 */
export async function mainThreadProfile(dir: string, pid: number): Promise<string | null> {
  const pattern = new RegExp(`^CPU\\.\\d+\\.\\d+\\.${pid}\\.0\\.\\d+\\.cpuprofile$`);
  const name = (await readdir(dir)).find((f) => pattern.test(f));
  return name ? join(dir, name) : null;
}
