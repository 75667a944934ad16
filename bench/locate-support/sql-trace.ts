/**
 * Loaded first by the locate bench's web child (web-child.ts imports it before the web process
 * is built), in the manner of bench/pipeline-support/sql-trace.ts: it subscribes to mysql2's
 * `mysql2:query` / `mysql2:execute` tracing channels and to node:http's
 * `http.server.request.start` / `http.server.response.finish` diagnostics channels (no patching
 * of the driver or of src/), and counts:
 *   - statements by the station type they read (the table after the first FROM: wifi_shard_*,
 *     blue_shard_*, cell_<radio>, cell_area*), with their client-side latency and how many tables
 *     the statement's UNION ALL covers;
 *   - per request, when only one request is in flight from its start to its finish (the bench's
 *     sequential check pass), how many statements of each type it issued: a histogram, from which
 *     the bench reads the maximum per request. Under concurrent load statements cannot be tied to
 *     requests without AsyncLocalStorage (which would slow the process down), so only totals count.
 * On SIGUSR2 it writes a snapshot to $BENCH_LOCATE_TRACE_DIR/trace.<pid>.json (written to a
 * temporary name and renamed, so a reader never sees half a file); the bench diffs snapshots.
 * Cost per statement: one regex on its first 300 characters and two clock reads.
 */
import { subscribe, tracingChannel } from "node:diagnostics_channel";
import { renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { LocateTrace } from "./trace-format.ts";

interface QueryContext {
  readonly query?: string;
}

const dir = process.env.BENCH_LOCATE_TRACE_DIR;

function classify(sql: string): string {
  const head = sql.slice(0, 300);
  if (/^SET SESSION /.test(head)) return "session setup (new connection)";
  const m = /\bFROM `?(wifi_shard_[0-9a-f]|blue_shard_[0-9a-f]|cell_area_nr|cell_area|cell_(?:gsm|wcdma|lte|nr)|api_key)`?/.exec(head);
  if (!m) return `other: ${head.slice(0, 50).replace(/\s+/g, " ")}`;
  const table = m[1]!;
  if (table.startsWith("wifi_")) return "wifi";
  if (table.startsWith("blue_")) return "blue";
  if (table.startsWith("cell_area")) return "area";
  if (table === "api_key") return "api_key";
  return "cell";
}

if (dir) {
  const trace: LocateTrace = {
    pid: process.pid, seq: 0, statements: {}, requestsStarted: 0, requestsFinished: 0,
    attributed: 0, perRequest: {}, open: 0,
  };
  const started = new WeakMap<object, { t: number; family: string }>();
  let current: Record<string, number> | null = null;

  const subscriber = {
    start(ctx: QueryContext) {
      const sql = ctx.query ?? "";
      const family = classify(sql);
      started.set(ctx, { t: performance.now(), family });
      trace.statements[family] ??= { count: 0, ms: 0, tables: 0 };
      const s = trace.statements[family];
      s.count += 1;
      s.tables += sql.split(" UNION ALL ").length;
      if (current) current[family] = (current[family] ?? 0) + 1;
    },
    end() {},
    asyncStart(ctx: QueryContext) {
      const s = started.get(ctx);
      if (s) trace.statements[s.family]!.ms += performance.now() - s.t;
    },
    asyncEnd() {},
    error() {},
  };
  tracingChannel<object, QueryContext>("mysql2:query").subscribe(subscriber);
  tracingChannel<object, QueryContext>("mysql2:execute").subscribe(subscriber);

  subscribe("http.server.request.start", () => {
    trace.requestsStarted += 1;
    trace.open += 1;
    // A request counts only if it was alone from its start to its finish.
    current = trace.open === 1 ? {} : null;
  });
  subscribe("http.server.response.finish", () => {
    trace.requestsFinished += 1;
    if (trace.open === 1 && current) {
      trace.attributed += 1;
      const families = new Set([...Object.keys(trace.statements), ...Object.keys(current)]);
      for (const f of families) {
        trace.perRequest[f] ??= {};
        const h = trace.perRequest[f];
        const n = String(current[f] ?? 0);
        h[n] = (h[n] ?? 0) + 1;
      }
    }
    trace.open = Math.max(0, trace.open - 1);
    current = null;
  });

  const write = () => {
    trace.seq += 1;
    const file = join(dir, `trace.${process.pid}.json`);
    writeFileSync(`${file}.tmp`, JSON.stringify(trace));
    renameSync(`${file}.tmp`, file);
  };
  process.on("SIGUSR2", write);
  process.on("exit", write);
}
