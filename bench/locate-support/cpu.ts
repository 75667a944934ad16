/**
 * Where the CPU went during a run, in % of one core: the load generator (this process), the web
 * child (from /proc/<pid>/stat), MariaDB (mariadbd/mysqld from /proc, when it runs on this
 * machine) and Redis (INFO cpu). On a 2-core box the four share the cores, and this tells which of
 * them a number is bound by.
 */
import type { RedisClient } from "../../src/redis/create-redis.ts";
import { mysqlCpuMs, procCpuMs } from "../support/cpu.ts";

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

/** `serverPid` 0: no server process (the bare mysql2 ceiling runs in this process). */
export async function sampleCpu(redis: RedisClient, serverPid: number): Promise<CpuSample> {
  const wallMs = performance.now();
  const usage = process.cpuUsage();
  const loaderMs = procCpuMs("self", false) ?? (usage.user + usage.system) / 1000;
  const serverMs = serverPid ? procCpuMs(serverPid, false) : null;
  const mysqlMs = mysqlCpuMs();
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
