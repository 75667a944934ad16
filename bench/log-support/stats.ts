/**
 * bench:log's rounds summed up: rates over rounds with the CPU beside them. Its JSON has always
 * named the bench's own share `client` (this process + redis-benchmark), so the harness's shares
 * are given that name here.
 */
import { type CpuShare, meanShare } from "../harness/cpu.ts";
import { spread } from "../harness/stats.ts";

export interface LogCpu {
  readonly client: number;
  readonly redis: number;
  readonly mysql: number | null;
}

/** One measured run of any method. */
export interface Run {
  readonly rate: number;
  readonly cpu: CpuShare;
}

/** Rates over rounds: the table shows the median, with worst and best beside it. */
export interface RateSummary {
  readonly median: number;
  readonly worst: number;
  readonly best: number;
  readonly rounds: number[];
  /** Mean over the rounds. */
  readonly cpu: LogCpu;
}

export const logCpu = (c: CpuShare): LogCpu => ({ client: c.loader, redis: c.redis, mysql: c.mysql });

export function summarize(runs: readonly Run[]): RateSummary {
  const rates = runs.map((r) => r.rate);
  return { ...spread(rates), rounds: rates, cpu: logCpu(meanShare(runs.map((r) => r.cpu))) };
}
