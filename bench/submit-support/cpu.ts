/**
 * Where the CPU went during a load run, in % of one core: the load generator (this process plus
 * the children it has waited for, i.e. wrk), the server child under load (from /proc/<pid>/stat)
 * and Redis (INFO cpu). On a 2-core box the three compete for the cores, and this is what tells
 * which of them a number is bound by.
 */
import { readFileSync } from "node:fs";
import type { RedisClient } from "../../src/redis/create-redis.ts";

export interface CpuSample {
  readonly wallMs: number;
  readonly loaderMs: number;
  readonly serverMs: number;
  readonly redisMs: number;
}

export interface CpuShare {
  readonly loader: number;
  readonly server: number;
  readonly redis: number;
}

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** utime+stime (+cutime+cstime: children waited for) of a process, from /proc/<pid>/stat. */
function procCpuMs(pid: number | "self", withChildren: boolean): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ").map(Number);
    return (f[11]! + f[12]! + (withChildren ? f[13]! + f[14]! : 0)) * TICK_MS;
  } catch {
    if (pid !== "self") return Number.NaN;
    const usage = process.cpuUsage();
    return (usage.user + usage.system) / 1000;
  }
}

export async function sampleCpu(redis: RedisClient, serverPid: number): Promise<CpuSample> {
  const wallMs = performance.now();
  const loaderMs = procCpuMs("self", true);
  const serverMs = procCpuMs(serverPid, false);
  const info = String(await redis.info("cpu"));
  const field = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return { wallMs, loaderMs, serverMs, redisMs: (field("used_cpu_sys") + field("used_cpu_user")) * 1000 };
}

export function cpuShare(before: CpuSample, after: CpuSample): CpuShare {
  const wall = after.wallMs - before.wallMs;
  const pct = (ms: number) => Math.round((ms / wall) * 100);
  return {
    loader: pct(after.loaderMs - before.loaderMs),
    server: pct(after.serverMs - before.serverMs),
    redis: pct(after.redisMs - before.redisMs),
  };
}

export function meanShare(shares: readonly CpuShare[]): CpuShare {
  const mean = (xs: number[]) => Math.round(xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length));
  return {
    loader: mean(shares.map((s) => s.loader)),
    server: mean(shares.map((s) => s.server)),
    redis: mean(shares.map((s) => s.redis)),
  };
}
