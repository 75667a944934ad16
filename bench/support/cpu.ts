/**
 * Where the CPU went during a run, in % of one core: the client (this process plus the children it
 * waited for, i.e. redis-benchmark), the Redis server (INFO cpu, main and background threads) and,
 * when it runs on this machine, mariadbd/mysqld (from /proc).
 * On a 2-core box this is what tells a client-bound number from a server-bound one.
 */
import { readdirSync, readFileSync } from "node:fs";
import type { RedisClient } from "../../src/redis/create-redis.ts";

export interface CpuSample {
  readonly wallMs: number;
  readonly clientMs: number;
  readonly redisMs: number;
  readonly mysqlMs: number | null;
}

export interface CpuShare {
  readonly client: number;
  readonly redis: number;
  readonly mysql: number | null;
}

const TICK_MS = 10; // USER_HZ is 100 on Linux

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

/** CPU of the local mariadbd/mysqld, or null when none runs here (or there is no /proc). */
export function mysqlCpuMs(): number | null {
  mysqlPid ??= findMysqlPid();
  return mysqlPid === null ? null : procCpuMs(mysqlPid, false);
}

function clientCpuMs(): number {
  const usage = process.cpuUsage();
  return procCpuMs("self", true) ?? (usage.user + usage.system) / 1000;
}

/** The local figures are taken at the call, before the INFO round trip. */
export async function sampleCpu(redis: RedisClient): Promise<CpuSample> {
  const wallMs = performance.now();
  const clientMs = clientCpuMs();
  const mysqlMs = mysqlCpuMs();
  const info = String(await redis.info("cpu"));
  const field = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return { wallMs, clientMs, mysqlMs, redisMs: (field("used_cpu_sys") + field("used_cpu_user")) * 1000 };
}

export function cpuShare(before: CpuSample, after: CpuSample): CpuShare {
  const wall = after.wallMs - before.wallMs;
  const pct = (ms: number) => Math.round((ms / wall) * 100);
  return {
    client: pct(after.clientMs - before.clientMs),
    redis: pct(after.redisMs - before.redisMs),
    mysql: before.mysqlMs === null || after.mysqlMs === null ? null : pct(after.mysqlMs - before.mysqlMs),
  };
}

/** Mean share over rounds. */
export function meanShare(shares: readonly CpuShare[]): CpuShare {
  const mean = (xs: number[]) => Math.round(xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length));
  const mysql = shares.map((s) => s.mysql).filter((x): x is number => x !== null);
  return {
    client: mean(shares.map((s) => s.client)),
    redis: mean(shares.map((s) => s.redis)),
    mysql: mysql.length === shares.length && mysql.length > 0 ? mean(mysql) : null,
  };
}
