/**
 * The web child's SQL trace (sql-trace.ts): the snapshot it writes on SIGUSR2, how the bench asks
 * for one, and the difference between two snapshots (one load run).
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";

export interface StatementFamily {
  count: number;
  /** Sum of client-side latencies (call → callback), ms. */
  ms: number;
  /** Tables read, summed over the statements (a UNION ALL over 3 shards counts 3). */
  tables: number;
}

export interface LocateTrace {
  readonly pid: number;
  seq: number;
  /** By station type: wifi, blue, cell, area, api_key, or `other: <sql>`. */
  readonly statements: Record<string, StatementFamily>;
  requestsStarted: number;
  requestsFinished: number;
  /** Requests that were alone in flight from start to finish, so their statements are known. */
  attributed: number;
  /** family → statements in one attributed request → requests. */
  readonly perRequest: Record<string, Record<string, number>>;
  open: number;
}

/** Sends SIGUSR2 and waits for the snapshot with a higher sequence number than `after`. */
export async function snapshot(dir: string, pid: number, after: number): Promise<LocateTrace> {
  process.kill(pid, "SIGUSR2");
  const file = join(dir, `trace.${pid}.json`);
  for (let i = 0; i < 200; i++) {
    try {
      const trace = JSON.parse(await readFile(file, "utf8")) as LocateTrace;
      if (trace.seq > after) return trace;
    } catch {
      // not written yet
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`the web child (pid ${pid}) wrote no SQL trace snapshot to ${dir}`);
}

export interface TraceDelta {
  readonly requests: number;
  readonly statements: Record<string, StatementFamily>;
  readonly attributed: number;
  readonly perRequest: Record<string, Record<string, number>>;
}

export function diffTrace(before: LocateTrace, after: LocateTrace): TraceDelta {
  const statements: Record<string, StatementFamily> = {};
  for (const [family, s] of Object.entries(after.statements)) {
    const b = before.statements[family] ?? { count: 0, ms: 0, tables: 0 };
    if (s.count - b.count > 0) statements[family] = { count: s.count - b.count, ms: s.ms - b.ms, tables: s.tables - b.tables };
  }
  const perRequest: Record<string, Record<string, number>> = {};
  for (const [family, h] of Object.entries(after.perRequest)) {
    for (const [n, count] of Object.entries(h)) {
      const d = count - (before.perRequest[family]?.[n] ?? 0);
      if (d <= 0) continue;
      perRequest[family] ??= {};
      perRequest[family][n] = d;
    }
  }
  return { requests: after.requestsFinished - before.requestsFinished, statements, attributed: after.attributed - before.attributed, perRequest };
}

/** The most statements of a family any attributed request issued. */
export const maxPerRequest = (d: TraceDelta, family: string): number =>
  Math.max(0, ...Object.entries(d.perRequest[family] ?? {}).filter(([, c]) => c > 0).map(([n]) => Number(n)));
