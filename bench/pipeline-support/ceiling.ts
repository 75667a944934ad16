/**
 * The raw upsert ceiling: the station rows the pipeline wrote, written again by nothing but
 * multi-row `INSERT … ON DUPLICATE KEY UPDATE` statements (the project's own statement builder,
 * `upsertStations`, one autocommit statement each: no locking read, no checkpoint, no counters,
 * no Redis) into empty copies of the station tables (`CREATE TABLE … LIKE`: same columns and
 * indexes). The replay is statement for statement what the trace recorded: the same tables, the
 * same keys in the same batches in the same order per table, so the same inserts and updates.
 * The values are each station's final row, with `samples` set to the row's occurrence number so
 * that every repeat really changes the row (an identical row would skip InnoDB's write). As in the
 * pipeline, each table is written by one connection at a time, and `connections` statements run
 * at once (workers take the next table that nobody is writing).
 */
import { createPool, type Pool, type PoolConnection } from "../../src/db/pool.ts";
import { encodeCellId } from "../../src/domain/observation/cell-id.ts";
import type { StationKind } from "../../src/domain/observation/types.ts";
import type { CellStation, StationRow } from "../../src/domain/station/station-row.ts";
import { loadAllStations, upsertStations } from "../../src/db/stations.ts";
import type { StationUpsert } from "../harness/sql-trace/format.ts";

export interface CeilingRun {
  readonly statements: number;
  readonly rows: number;
  readonly connections: number;
  readonly ms: number;
  readonly rowsPerSecond: number;
  /** Sum of the statements' latencies, ms. */
  readonly statementMs: number;
}

const kindOf = (table: string): StationKind => (table.startsWith("wifi_") ? "wifi" : table.startsWith("blue_") ? "blue" : "cell");
const idOf = (kind: StationKind, row: StationRow): Buffer =>
  kind === "cell" ? encodeCellId(row as CellStation) : Buffer.from((row as { mac: string }).mac, "hex");

interface Prepared {
  readonly table: string;
  readonly kind: StationKind;
  readonly statements: { row: StationRow; id: Buffer }[][];
}

/** Builds every statement's rows up front, so the timed loop does only what a writer must. */
async function prepare(pool: Pool, upserts: readonly StationUpsert[]): Promise<Prepared[]> {
  const byTable = new Map<string, StationUpsert[]>();
  for (const u of upserts) {
    const list = byTable.get(u.table);
    if (list) list.push(u);
    else byTable.set(u.table, [u]);
  }
  const prepared: Prepared[] = [];
  for (const [table, list] of byTable) {
    const kind = kindOf(table);
    const final = new Map<string, { row: StationRow; id: Buffer }>();
    for (const row of await loadAllStations(pool, kind, table)) {
      const id = idOf(kind, row);
      final.set(id.toString("hex"), { row, id });
    }
    const seen = new Map<string, number>();
    const statements = list.map((u) => u.keys.flatMap((key) => {
      const f = final.get(key);
      if (!f) return [];
      const n = (seen.get(key) ?? 0) + 1;
      seen.set(key, n);
      return [{ row: { ...f.row, samples: n }, id: f.id }];
    }));
    await pool.query(`DROP TABLE IF EXISTS \`ceil_${table}\``);
    await pool.query(`CREATE TABLE \`ceil_${table}\` LIKE \`${table}\``);
    prepared.push({ table, kind, statements });
  }
  return prepared;
}

/** `pool` prepares and cleans up; the writers get a pool of their own with `connections` connections. */
export async function runCeiling(pool: Pool, databaseUrl: string, upserts: readonly StationUpsert[], connections: number): Promise<CeilingRun> {
  const prepared = await prepare(pool, upserts);
  const next = new Map(prepared.map((p) => [p.table, 0]));
  const busy = new Set<string>();
  const rows = prepared.reduce((n, p) => n + p.statements.reduce((m, s) => m + s.length, 0), 0);
  const statements = prepared.reduce((n, p) => n + p.statements.length, 0);
  let cursor = 0;
  let statementMs = 0;
  const take = (): Prepared | null => {
    for (let i = 0; i < prepared.length; i++) {
      const p = prepared[(cursor + i) % prepared.length]!;
      if (!busy.has(p.table) && next.get(p.table)! < p.statements.length) {
        cursor = (cursor + i + 1) % prepared.length;
        return p;
      }
    }
    return null;
  };
  const waiting: (() => void)[] = [];
  const writers = createPool(databaseUrl, connections);
  const conns: PoolConnection[] = await Promise.all(Array.from({ length: connections }, () => writers.getConnection()));
  try {
    const started = performance.now();
    const worker = async (conn: PoolConnection) => {
      for (;;) {
        const p = take();
        if (!p) {
          if (prepared.every((q) => next.get(q.table)! >= q.statements.length)) return;
          await new Promise<void>((resolve) => waiting.push(resolve));
          continue;
        }
        busy.add(p.table);
        const i = next.get(p.table)!;
        next.set(p.table, i + 1);
        const t = performance.now();
        await upsertStations(conn, p.kind, `ceil_${p.table}`, p.statements[i]!);
        statementMs += performance.now() - t;
        busy.delete(p.table);
        for (const resolve of waiting.splice(0)) resolve();
      }
    };
    await Promise.all(conns.map(worker));
    const ms = performance.now() - started;
    return { statements, rows, connections, ms, rowsPerSecond: (rows * 1000) / ms, statementMs };
  } finally {
    for (const c of conns) c.release();
    await writers.end();
    for (const p of prepared) await pool.query(`DROP TABLE IF EXISTS \`ceil_${p.table}\``);
  }
}
