/**
 * Where the CPU went during a measured window, in % of one core:
 *   - loader: this process plus the children it has waited for (redis-benchmark, wrk);
 *   - server: one process under load, when the bench names one (a web child, s3rver), from /proc;
 *   - redis: the Redis server, main and background threads (INFO cpu);
 *   - mysql: the local mariadbd/mysqld, when it runs on this machine (from /proc).
 * On a 2-core box these compete for the cores, and this is what tells a number bound by the
 * bench's own process from one bound by a server.
 */
import { readdirSync, readFileSync } from "node:fs";
import type { RedisClient } from "../../src/redis/create-redis.ts";

export interface CpuSample {
  readonly wallMs: number;
  readonly loaderMs: number;
  readonly serverMs: number | null;
  readonly redisMs: number;
  readonly mysqlMs: number | null;
}

export interface CpuShare {
  readonly loader: number;
  readonly server: number | null;
  readonly redis: number;
  readonly mysql: number | null;
}

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** utime+stime (and cutime+cstime: children waited for) of a process, from /proc/<pid>/stat. */
export function procCpuMs(pid: number | "self", withChildren: boolean): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name: state is the 3rd field of the line, utime the 14th.
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ").map(Number);
    return (f[11]! + f[12]! + (withChildren ? f[13]! + f[14]! : 0)) * TICK_MS;
  } catch {
    return null;
  }
}

function findMysqlPid(): number | null {
  try {
    for (const name of readdirSync("/proc")) {
      if (!/^\d+$/.test(name)) continue;
      const comm = readFileSync(`/proc/${name}/comm`, "utf8").trim();
      if (comm === "mariadbd" || comm === "mysqld") return Number(name);
    }
  } catch {
    // no /proc (not Linux): the column stays empty
  }
  return null;
}

let mysqlPid: number | null | undefined;

function mysqlCpuMs(): number | null {
  mysqlPid ??= findMysqlPid();
  return mysqlPid === null ? null : procCpuMs(mysqlPid, false);
}

function loaderCpuMs(): number {
  const usage = process.cpuUsage();
  return procCpuMs("self", true) ?? (usage.user + usage.system) / 1000;
}

/** The local figures are taken at the call, before the INFO round trip. */
export async function sampleCpu(redis: RedisClient, serverPid?: number): Promise<CpuSample> {
  const wallMs = performance.now();
  const loaderMs = loaderCpuMs();
  const serverMs = serverPid ? procCpuMs(serverPid, false) : null;
  const mysqlMs = mysqlCpuMs();
  return { wallMs, loaderMs, serverMs, mysqlMs, redisMs: redisCpuMsOf(String(await redis.info("cpu"))) };
}

/** A Redis server's CPU so far (main and background threads), ms, from its `INFO cpu` text. */
export function redisCpuMsOf(info: string): number {
  const field = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return (field("used_cpu_sys") + field("used_cpu_user")) * 1000;
}

/** CPU ms of each process between two samples (null where a process could not be read). */
export function cpuSpent(before: CpuSample, after: CpuSample): { loader: number; server: number | null; redis: number; mysql: number | null } {
  const delta = (a: number | null, b: number | null) => (a === null || b === null ? null : b - a);
  return {
    loader: after.loaderMs - before.loaderMs,
    server: delta(before.serverMs, after.serverMs),
    redis: after.redisMs - before.redisMs,
    mysql: delta(before.mysqlMs, after.mysqlMs),
  };
}

export function cpuShare(before: CpuSample, after: CpuSample): CpuShare {
  const wall = after.wallMs - before.wallMs;
  const pct = (ms: number) => Math.round((ms / wall) * 100);
  const spent = cpuSpent(before, after);
  return {
    loader: pct(spent.loader),
    server: spent.server === null ? null : pct(spent.server),
    redis: pct(spent.redis),
    mysql: spent.mysql === null ? null : pct(spent.mysql),
  };
}

/** Mean share over rounds; a column is null when no round could read it. */
export function meanShare(shares: readonly CpuShare[]): CpuShare {
  const mean = (xs: readonly (number | null)[]) => {
    const v = xs.filter((x): x is number => x !== null);
    return v.length ? Math.round(v.reduce((a, b) => a + b, 0) / v.length) : null;
  };
  return {
    loader: mean(shares.map((s) => s.loader)) ?? 0,
    server: mean(shares.map((s) => s.server)),
    redis: mean(shares.map((s) => s.redis)) ?? 0,
    mysql: mean(shares.map((s) => s.mysql)),
  };
}
