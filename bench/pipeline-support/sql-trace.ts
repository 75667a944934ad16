/**
 * Loaded into the drain child with `node --import tsx --import <this> bin/ichnos.js drain`, and
 * so into every `ichnos work` child of `drain --processes N` (they inherit `process.execArgv` and
 * the environment): it subscribes to mysql2's `mysql2:query` and `mysql2:execute` tracing
 * channels (node:diagnostics_channel; no patching of the driver or of src/) and, at exit, writes
 * this process's ProcessTrace JSON to $BENCH_PIPELINE_TRACE_DIR/trace.<pid>.json (one file per
 * process; the bench merges them). The cost is a regex test and two clock reads per statement,
 * plus a process.cpuUsage() every 200 ms.
 */
import { tracingChannel } from "node:diagnostics_channel";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ProcessTrace, StationUpsert, StatementClass } from "./trace-format.ts";

interface QueryContext {
  readonly query?: string;
  readonly values?: unknown;
  readonly result?: unknown;
  readonly error?: unknown;
}

const dir = process.env.BENCH_PIPELINE_TRACE_DIR;
const hrMicros = () => Number(process.hrtime.bigint() / 1000n);

// Tested against the statement's first 600 characters (mysql2 hands over the formatted SQL, which
// for a 100-row upsert is tens of kB) and whether it ends in FOR UPDATE.
const CLASSES: readonly (readonly [string, RegExp, boolean?])[] = [
  ["START TRANSACTION", /^START TRANSACTION/],
  ["COMMIT", /^COMMIT/],
  ["ROLLBACK", /^ROLLBACK/],
  ["checkpoint: lock (SELECT … FOR UPDATE)", /^SELECT [\s\S]*FROM `?stream_checkpoint`? /, true],
  ["checkpoint: advance (UPDATE)", /^UPDATE `?stream_checkpoint`? /],
  ["checkpoint: other", /stream_checkpoint/],
  ["stations: lock + read (SELECT … FOR UPDATE)", /^SELECT [\s\S]*FROM `(?:(?:wifi|blue)_shard_[0-9a-f]|cell_(?:gsm|wcdma|lte|nr))` /, true],
  ["stations: upsert", /^INSERT INTO `(?:(?:wifi|blue)_shard_[0-9a-f]|cell_(?:gsm|wcdma|lte|nr))` /],
  ["stat_counter", /stat_counter/],
  ["datamap", /datamap_/],
  ["cell areas", /cell_area/],
  ["cell areas: read cells", /^SELECT [\s\S]*FROM `cell_(?:gsm|wcdma|lte|nr)` /, false],
  ["export_config", /export_config/],
  ["named locks (GET_LOCK / RELEASE_LOCK)", /^SELECT (?:GET|RELEASE)_LOCK/],
];

function classify(sql: string): string {
  const head = sql.slice(0, 600);
  const forUpdate = sql.trimEnd().endsWith("FOR UPDATE");
  for (const [name, re, locking] of CLASSES) if (re.test(head) && (locking === undefined || locking === forUpdate)) return name;
  return `other: ${head.slice(0, 40)}`;
}

const classes: Record<string, StatementClass> = {};
const upserts: StationUpsert[] = [];
const started = new WeakMap<object, { t: number; name: string }>();
let firstQuery: ProcessTrace["firstQuery"] = null;
let lastCommit: ProcessTrace["lastCommit"] = null;
let cpuAtFirst: NodeJS.CpuUsage | null = null;
let cpuAtLast: NodeJS.CpuUsage | null = null;
let open = 0;
let maxOpen = 0;
const openChanges: [number, number][] = [];
let committed = 0;
let rolledBack = 0;
const cpuSamples: [number, number][] = [];
const cpuNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const sampleCpu = () => cpuSamples.push([Date.now(), cpuNow()]);

function setOpen(delta: number) {
  open = Math.max(0, open + delta);
  maxOpen = Math.max(maxOpen, open);
  openChanges.push([performance.timeOrigin + performance.now(), open]);
}

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
  sampleCpu();
  setInterval(sampleCpu, 200).unref();
  const subscriber = (binary: boolean) => ({
    start(ctx: QueryContext) {
      const sql = ctx.query ?? "";
      const name = binary && !/^(?:START|COMMIT|ROLLBACK)/.test(sql) ? `${classify(sql)} [execute]` : classify(sql);
      if (firstQuery === null) {
        firstQuery = { wall: Date.now(), hr: hrMicros() };
        cpuAtFirst = process.cpuUsage();
      }
      if (name === "START TRANSACTION") setOpen(1);
      started.set(ctx, { t: performance.now(), name });
    },
    end() {},
    asyncStart(ctx: QueryContext) {
      const s = started.get(ctx);
      if (!s) return;
      const ms = performance.now() - s.t;
      classes[s.name] ??= { count: 0, ms: 0 };
      const c = classes[s.name]!;
      c.count += 1;
      c.ms += ms;
      if (s.name === "COMMIT" || s.name === "ROLLBACK") {
        setOpen(-1);
        if (s.name === "COMMIT") {
          committed += 1;
          lastCommit = { wall: Date.now(), hr: hrMicros() };
          cpuAtLast = process.cpuUsage();
        } else {
          rolledBack += 1;
        }
      } else if (s.name.startsWith("stations: upsert")) {
        const sql = ctx.query ?? "";
        const table = /^INSERT INTO `([^`]+)`/.exec(sql)?.[1] ?? "?";
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

  process.on("exit", () => {
    const first = cpuAtFirst as NodeJS.CpuUsage | null;
    const last = cpuAtLast as NodeJS.CpuUsage | null;
    sampleCpu();
    const trace: ProcessTrace = {
      pid: process.pid,
      command: process.argv.slice(2).join(" "),
      firstQuery,
      lastCommit,
      cpuMs: first && last ? (last.user - first.user + last.system - first.system) / 1000 : null,
      cpuSamples,
      openChanges,
      classes,
      upserts,
      transactions: { committed, rolledBack, maxOpen },
    };
    writeFileSync(join(dir, `trace.${process.pid}.json`), JSON.stringify(trace));
  });
}
