/**
 * The SQL trace, loaded into a child with `node --import tsx --import <this> …` (attach.ts), and
 * so into every `ichnos work` child an `ichnos drain --processes N` starts (they inherit
 * `process.execArgv` and the environment). It subscribes to mysql2's `mysql2:query` and
 * `mysql2:execute` tracing channels and to node:http's request diagnostics channels
 * (node:diagnostics_channel; no patching of the driver or of src/), and writes this process's
 * ProcessTrace (format.ts) to $BENCH_SQL_TRACE_DIR on SIGUSR2 and at exit: to a temporary name,
 * then renamed, so a reader never sees half a file. Per statement it costs a few anchored regex
 * tests on the statement's head and two clock reads, plus a process.cpuUsage() every 200 ms.
 *
 * Statements are tied to a request only when one request is in flight from its start to its
 * finish (the locate bench's sequential check pass): under concurrent load that would need
 * AsyncLocalStorage, which would slow the process down, so only totals count then.
 */
import { subscribe, tracingChannel } from "node:diagnostics_channel";
import { renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type ClassScheme, classifier, STATION_UPSERT } from "./classes.ts";
import { type ProcessTrace, type StationUpsert, type StatementClass, traceFile, type TracePoint } from "./format.ts";

interface QueryContext {
  readonly query?: string;
  readonly values?: unknown;
  readonly result?: unknown;
}

const dir = process.env.BENCH_SQL_TRACE_DIR;
const classify = classifier((process.env.BENCH_SQL_TRACE_CLASSES || "statements") as ClassScheme);
const hrMicros = () => Number(process.hrtime.bigint() / 1000n);
const TRANSACTION = /^(START TRANSACTION|COMMIT|ROLLBACK)/;

/**
 * The station ids of an upsert, from its values: `[rows]` for `query` (mysql2 expands the nested
 * array), a flat list for `execute` (cut into rows by the statement's column count). The id is
 * column 18 in both shapes (stations.ts: the 17 field columns, then mac or cellid).
 */
function stationKeys(sql: string, values: unknown): string[] {
  if (!Array.isArray(values)) return [];
  let rows: unknown[];
  if (Array.isArray(values[0])) {
    rows = values[0] as unknown[];
  } else {
    const width = (/^INSERT INTO `[^`]+` \(([^)]*)\)/.exec(sql)?.[1] ?? "").split(",").length;
    rows = [];
    for (let i = 0; i + width <= values.length; i += width) rows.push(values.slice(i, i + width));
  }
  return rows.map((row) => (Array.isArray(row) && Buffer.isBuffer(row[17]) ? (row[17] as Buffer).toString("hex") : ""));
}

if (dir) {
  const classes: Record<string, StatementClass> = {};
  const upserts: StationUpsert[] = [];
  const started = new WeakMap<object, { t: number; name: string; transaction: string | null }>();
  const perRequest: Record<string, Record<string, number>> = {};
  const requests = { started: 0, finished: 0, attributed: 0 };
  let seq = 0;
  let firstQuery: TracePoint | null = null;
  let lastCommit: TracePoint | null = null;
  let cpuAtFirst: NodeJS.CpuUsage | null = null;
  let cpuAtLast: NodeJS.CpuUsage | null = null;
  let open = 0;
  let maxOpen = 0;
  const openChanges: [number, number][] = [];
  let committed = 0;
  let rolledBack = 0;
  let requestsOpen = 0;
  /** Statements by class of the request in flight, while it is the only one. */
  let current: Record<string, number> | null = null;
  const cpuSamples: [number, number][] = [];
  const sampleCpu = () => {
    const u = process.cpuUsage();
    cpuSamples.push([Date.now(), (u.user + u.system) / 1000]);
  };

  const setOpen = (delta: number) => {
    open = Math.max(0, open + delta);
    maxOpen = Math.max(maxOpen, open);
    openChanges.push([performance.timeOrigin + performance.now(), open]);
  };

  const subscriber = (binary: boolean) => ({
    start(ctx: QueryContext) {
      const sql = ctx.query ?? "";
      const name = classify(sql, binary);
      const transaction = TRANSACTION.exec(sql)?.[1] ?? null;
      if (firstQuery === null) {
        firstQuery = { wall: Date.now(), hr: hrMicros() };
        cpuAtFirst = process.cpuUsage();
      }
      if (transaction === "START TRANSACTION") setOpen(1);
      started.set(ctx, { t: performance.now(), name, transaction });
      classes[name] ??= { count: 0, ms: 0, tables: 0 };
      const c = classes[name];
      c.count += 1;
      c.tables += sql.startsWith("SELECT") ? sql.split(" UNION ALL ").length : 1;
      if (current) current[name] = (current[name] ?? 0) + 1;
    },
    end() {},
    asyncStart(ctx: QueryContext) {
      const s = started.get(ctx);
      if (!s) return;
      const ms = performance.now() - s.t;
      classes[s.name]!.ms += ms;
      if (s.transaction === "COMMIT" || s.transaction === "ROLLBACK") {
        setOpen(-1);
        if (s.transaction === "COMMIT") {
          committed += 1;
          lastCommit = { wall: Date.now(), hr: hrMicros() };
          cpuAtLast = process.cpuUsage();
        } else {
          rolledBack += 1;
        }
        return;
      }
      const sql = ctx.query ?? "";
      const table = STATION_UPSERT.exec(sql.slice(0, 200))?.[1];
      if (table) {
        const affected = Number((ctx.result as { affectedRows?: number } | undefined)?.affectedRows ?? 0);
        upserts.push({ table, keys: stationKeys(sql, ctx.values), affected, ms });
      }
    },
    asyncEnd() {},
    error() {},
  });
  // `query` (text protocol) and `execute` (prepared statements, binary protocol).
  tracingChannel<object, QueryContext>("mysql2:query").subscribe(subscriber(false));
  tracingChannel<object, QueryContext>("mysql2:execute").subscribe(subscriber(true));

  subscribe("http.server.request.start", () => {
    requests.started += 1;
    requestsOpen += 1;
    // A request counts only if it was alone from its start to its finish.
    current = requestsOpen === 1 ? {} : null;
  });
  subscribe("http.server.response.finish", () => {
    requests.finished += 1;
    if (requestsOpen === 1 && current) {
      requests.attributed += 1;
      for (const name of new Set([...Object.keys(classes), ...Object.keys(current)])) {
        perRequest[name] ??= {};
        const histogram = perRequest[name];
        const n = String(current[name] ?? 0);
        histogram[n] = (histogram[n] ?? 0) + 1;
      }
    }
    requestsOpen = Math.max(0, requestsOpen - 1);
    current = null;
  });

  sampleCpu();
  setInterval(sampleCpu, 200).unref();

  const write = () => {
    sampleCpu();
    seq += 1;
    const first = cpuAtFirst as NodeJS.CpuUsage | null;
    const last = cpuAtLast as NodeJS.CpuUsage | null;
    const trace: ProcessTrace = {
      pid: process.pid,
      command: process.argv.slice(2).join(" "),
      seq, firstQuery, lastCommit,
      cpuMs: first && last ? (last.user - first.user + last.system - first.system) / 1000 : null,
      cpuSamples, openChanges, classes, upserts,
      transactions: { committed, rolledBack, maxOpen },
      requests: { ...requests, perRequest },
    };
    const file = join(dir, traceFile(process.pid));
    writeFileSync(`${file}.tmp`, JSON.stringify(trace));
    renameSync(`${file}.tmp`, file);
  };
  process.on("SIGUSR2", write);
  process.on("exit", write);
}
