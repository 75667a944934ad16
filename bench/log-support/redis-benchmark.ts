/**
 * The server's own ceiling for XADD of an entry the same size as ours, measured by the C client
 * `redis-benchmark` (50 connections, with and without pipelining).
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { RedisClient } from "../../src/redis/create-redis.ts";
import { cpuShare, type CpuShare, sampleCpu } from "../harness/cpu.ts";
import { rate } from "../harness/stats.ts";

const run = promisify(execFile);

export interface RedisBenchmarkRun {
  readonly rate: number;
  readonly line: string;
  readonly cpu: CpuShare;
}

export interface RedisBenchmarkPlan {
  readonly redisUrl: string;
  readonly key: string;
  readonly requests: number;
  readonly clients: number;
  readonly pipeline: number | null;
  readonly payload: string;
}

export function redisBenchmarkArgs(plan: RedisBenchmarkPlan): string[] {
  const url = new URL(plan.redisUrl);
  const args = ["-h", url.hostname || "127.0.0.1", "-p", url.port || "6379", "-q", "-n", String(plan.requests), "-c", String(plan.clients)];
  if (url.password) args.push("-a", decodeURIComponent(url.password), "--no-auth-warning");
  if (plan.pipeline) args.push("-P", String(plan.pipeline));
  args.push("XADD", plan.key, "*", "v", "1", "n", "1", "d", plan.payload);
  return args;
}

/** The command line as one would type it (payload single-quoted for the shell). */
export function redisBenchmarkCommand(plan: RedisBenchmarkPlan, payloadShown = "'<payload>'"): string {
  const args = redisBenchmarkArgs({ ...plan, payload: "\0" }).map((a) => (a === "\0" ? payloadShown : a === "*" ? "'*'" : a));
  return `redis-benchmark ${args.join(" ")} | tr '\\r' '\\n' | tail -1`;
}

/** Runs it and reads the rate from the last progress line (the equivalent of `tr '\r' '\n' | tail -1`). */
export async function runRedisBenchmark(redis: RedisClient, plan: RedisBenchmarkPlan): Promise<RedisBenchmarkRun> {
  const before = await sampleCpu(redis);
  const started = performance.now();
  const { stdout } = await run("redis-benchmark", redisBenchmarkArgs(plan), { maxBuffer: 64 * 2 ** 20 });
  const ms = performance.now() - started;
  const cpu = cpuShare(before, await sampleCpu(redis));
  const line = stdout.split(/[\r\n]+/).map((l) => l.trim()).filter(Boolean).at(-1) ?? "";
  const reported = /([\d.]+) requests per second/.exec(line)?.[1];
  // Older builds print no rate with -q for some commands: fall back to the wall clock.
  return { rate: reported ? Number(reported) : rate(plan.requests, ms), line: line.replace(plan.payload, "<payload>"), cpu };
}

export async function hasRedisBenchmark(): Promise<boolean> {
  try {
    await run("redis-benchmark", ["--version"]);
    return true;
  } catch {
    return false;
  }
}
