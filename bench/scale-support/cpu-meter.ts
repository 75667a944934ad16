/**
 * CPU by role over a measured window, in % of one core (200% is this whole 2-core box): the
 * bench process (load generator), the web and worker children, Redis (every server of a cluster,
 * from each one's INFO cpu), and the MariaDB servers (`mysql`: the machine's or a private primary;
 * `replica`: a private replica; found by their --port in /proc). What tells a figure bound by a process from one bound
 * by the cores all of them share.
 */
import { readdirSync, readFileSync } from "node:fs";
import type { Redis } from "ioredis";
import { procCpuMs, redisCpuMsOf } from "../harness/cpu.ts";

export type Role = "bench" | "web" | "work" | "redis" | "mysql" | "replica";

export interface CpuSources {
  /** Process ids per role at the time of sampling (children come and go between runs). */
  readonly pids: () => Partial<Record<Exclude<Role, "redis" | "bench">, readonly number[]>>;
  /** One plain connection per Redis server. */
  readonly redisNodes: readonly Redis[];
}

interface Sample {
  readonly wallMs: number;
  readonly ms: Record<Role, number>;
}

export type CpuShares = Readonly<Record<Role, number>>;

async function redisCpuMs(nodes: readonly Redis[]): Promise<number> {
  const infos = await Promise.all(nodes.map((n) => n.info("cpu")));
  return infos.reduce((sum, info) => sum + redisCpuMsOf(info), 0);
}

const sumCpu = (pids: readonly number[] | undefined) => (pids ?? []).reduce((n, pid) => n + (procCpuMs(pid, false) ?? 0), 0);

async function sample(sources: CpuSources): Promise<Sample> {
  const wallMs = performance.now();
  const pids = sources.pids();
  const ms = {
    bench: procCpuMs("self", true) ?? 0, web: sumCpu(pids.web), work: sumCpu(pids.work), mysql: sumCpu(pids.mysql), replica: sumCpu(pids.replica), redis: 0,
  };
  ms.redis = await redisCpuMs(sources.redisNodes);
  return { wallMs, ms };
}

export interface CpuWindow {
  /** Ends the window: shares in % of one core, and CPU ms spent per role. */
  end(): Promise<{ shares: CpuShares; spentMs: Record<Role, number>; wallMs: number }>;
}

/**
 * Starts a window. A process that exits inside it loses its last figures, so every run stops its
 * children only after `end()`.
 */
export async function startCpuWindow(sources: CpuSources): Promise<CpuWindow> {
  const before = await sample(sources);
  return {
    async end() {
      const after = await sample(sources);
      const wallMs = after.wallMs - before.wallMs;
      const roles: Role[] = ["bench", "web", "work", "redis", "mysql", "replica"];
      const spentMs = Object.fromEntries(roles.map((r) => [r, Math.max(0, after.ms[r] - before.ms[r])])) as Record<Role, number>;
      const shares = Object.fromEntries(roles.map((r) => [r, Math.round((spentMs[r] / wallMs) * 100)])) as Record<Role, number>;
      return { shares, spentMs, wallMs };
    },
  };
}

/** The pids of the MariaDB servers listening on `ports` (3306: the machine's, started without --port). */
export function mysqlPids(ports: readonly number[]): number[] {
  const found: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const comm = readFileSync(`/proc/${name}/comm`, "utf8").trim();
      if (comm !== "mariadbd" && comm !== "mysqld") continue;
      const args = readFileSync(`/proc/${name}/cmdline`, "utf8").split("\0");
      const port = Number(args.find((a) => a.startsWith("--port="))?.slice(7) ?? 3306);
      if (ports.includes(port)) found.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}
