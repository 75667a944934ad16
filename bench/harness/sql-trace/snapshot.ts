/**
 * One long-lived traced process (bench:locate's web child) measured run by run: the bench asks
 * for a snapshot before and after each run (SIGUSR2) and keeps the difference.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { type ProcessTrace, type StatementClass, traceFile } from "./format.ts";

/** Sends SIGUSR2 and waits for the snapshot with a higher sequence number than `after`. */
export async function snapshot(dir: string, pid: number, after: number): Promise<ProcessTrace> {
  process.kill(pid, "SIGUSR2");
  const file = join(dir, traceFile(pid));
  for (let i = 0; i < 200; i++) {
    try {
      const trace = JSON.parse(await readFile(file, "utf8")) as ProcessTrace;
      if (trace.seq > after) return trace;
    } catch {
      // not written yet
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`process ${pid} wrote no SQL trace snapshot to ${dir}`);
}

/** What happened between two snapshots. */
export interface TraceDelta {
  readonly requests: number;
  readonly statements: Record<string, StatementClass>;
  readonly attributed: number;
  readonly perRequest: Record<string, Record<string, number>>;
}

export function diffTrace(before: ProcessTrace, after: ProcessTrace): TraceDelta {
  const statements: Record<string, StatementClass> = {};
  for (const [name, s] of Object.entries(after.classes)) {
    const b = before.classes[name] ?? { count: 0, ms: 0, tables: 0 };
    if (s.count - b.count > 0) statements[name] = { count: s.count - b.count, ms: s.ms - b.ms, tables: s.tables - b.tables };
  }
  const perRequest: Record<string, Record<string, number>> = {};
  for (const [name, h] of Object.entries(after.requests.perRequest)) {
    for (const [n, count] of Object.entries(h)) {
      const d = count - (before.requests.perRequest[name]?.[n] ?? 0);
      if (d <= 0) continue;
      perRequest[name] ??= {};
      perRequest[name][n] = d;
    }
  }
  return {
    requests: after.requests.finished - before.requests.finished, statements,
    attributed: after.requests.attributed - before.requests.attributed, perRequest,
  };
}

/** The most statements of a class any attributed request issued. */
export const maxPerRequest = (d: TraceDelta, name: string): number =>
  Math.max(0, ...Object.entries(d.perRequest[name] ?? {}).filter(([, c]) => c > 0).map(([n]) => Number(n)));
