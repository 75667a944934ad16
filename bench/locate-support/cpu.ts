/**
 * Where the CPU went during a run, in % of one core: the load generator (this process), the web
 * child (from /proc/<pid>/stat), MariaDB (mariadbd/mysqld from /proc, when it runs on this
 * machine) and Redis (INFO cpu). On a 2-core box the four share the cores, and this tells which of
 * them a number is bound by.
 */
import { readdirSync, readFileSync } from "node:fs";
import type { RedisClient } from "../../src/redis/create-redis.ts";

export interface CpuSample {
  readonly wallMs: number;
  readonly loaderMs: number;
  readonly serverMs: number | null;
  readonly mysqlMs: number | null;
  readonly redisMs: number;
}

export interface CpuShare {
  readonly loader: number;
  readonly server: number | null;
  readonly mysql: number | null;
  readonly redis: number;
}

const TICK_MS = 10; // USER_HZ is 100 on Linux

function procCpuMs(pid: number | "self"): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ").map(Number);
    return (f[11]! + f[12]!) * TICK_MS;
  } catch {
    return null;
  }
}

let mysqlPid: number | null | undefined;
function findMysqlPid(): number | null {
  try {
    for (const name of readdirSync("/proc")) {
      if (!/^\d+$/.test(name)) continue;
      const comm = readFileSync(`/proc/${name}/comm`, "utf8").trim();
      if (comm === "mariadbd" || comm === "mysqld") return Number(name);
    }
  } catch {
    // no /proc: the column stays empty
  }
  return null;
}

/** `serverPid` 0: no server process (the bare mysql2 ceiling runs in this process). */
export async function sampleCpu(redis: RedisClient, serverPid: number): Promise<CpuSample> {
  mysqlPid ??= findMysqlPid();
  const wallMs = performance.now();
  const usage = process.cpuUsage();
  const loaderMs = procCpuMs("self") ?? (usage.user + usage.system) / 1000;
  const serverMs = serverPid ? procCpuMs(serverPid) : null;
  const mysqlMs = mysqlPid === null ? null : procCpuMs(mysqlPid);
  const info = String(await redis.info("cpu"));
  const field = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return { wallMs, loaderMs, serverMs, mysqlMs, redisMs: (field("used_cpu_sys") + field("used_cpu_user")) * 1000 };
}

export function cpuShare(before: CpuSample, after: CpuSample): CpuShare {
  const wall = after.wallMs - before.wallMs;
  const pct = (ms: number) => Math.round((ms / wall) * 100);
  const opt = (a: number | null, b: number | null) => (a === null || b === null ? null : pct(b - a));
  return {
    loader: pct(after.loaderMs - before.loaderMs),
    server: opt(before.serverMs, after.serverMs),
    mysql: opt(before.mysqlMs, after.mysqlMs),
    redis: pct(after.redisMs - before.redisMs),
  };
}

export function meanShare(shares: readonly CpuShare[]): CpuShare {
  const mean = (xs: (number | null)[]) => {
    const v = xs.filter((x): x is number => x !== null);
    return v.length ? Math.round(v.reduce((a, b) => a + b, 0) / v.length) : null;
  };
  return {
    loader: mean(shares.map((s) => s.loader)) ?? 0,
    server: mean(shares.map((s) => s.server)),
    mysql: mean(shares.map((s) => s.mysql)),
    redis: mean(shares.map((s) => s.redis)) ?? 0,
  };
}
