/**
 * Runs `node bin/ichnos.js drain` (what operators run) as a child process against the bench's
 * scratch prefix and database, with the SQL trace hook loaded (`--import sql-trace.ts`) and,
 * optionally, --cpu-prof. While it runs, Redis and MariaDB CPU are sampled every 250 ms so their
 * share can be taken over exactly the child's working window (first query → last COMMIT).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { copyFile, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { RedisClient } from "../../src/redis/create-redis.ts";
import { summarizeProfile, type ProfileSummary } from "../submit-support/profile.ts";
import { sampleCpu, type CpuSample } from "../support/cpu.ts";
import type { SqlTrace } from "./trace-format.ts";

const BIN = fileURLToPath(new URL("../../bin/ichnos.js", import.meta.url));
const HOOK = fileURLToPath(new URL("./sql-trace.ts", import.meta.url));

export interface DrainPlan {
  readonly label: string;
  readonly env: Readonly<Record<string, string>>;
  /** `--group` names; empty: every registered group. */
  readonly groups: readonly string[];
  readonly profile: boolean;
  /** Copy the main thread's .cpuprofile here. */
  readonly profileOut?: string | null;
  readonly timeout: string;
  /** A number that grows while the drain makes progress (checkpoints created + entries applied). */
  readonly progressProbe?: () => Promise<number>;
}

/** No progress for this long: the child is killed and the run fails (a stuck drain would wait out --timeout). */
const STALL_MS = 60_000;

export interface DrainRun {
  readonly label: string;
  readonly exitCode: number | string;
  /** Spawn → exit: node start-up, module loading, the drain, the final status table, shutdown. */
  readonly wallMs: number;
  /** First query → last COMMIT, from the trace: the time the pipeline was working. */
  readonly windowMs: number;
  readonly trace: SqlTrace;
  /** % of one core over the window: the drain child (process.cpuUsage, all threads), Redis, MariaDB. */
  readonly cpu: { readonly drain: number | null; readonly redis: number | null; readonly mysql: number | null };
  readonly stdout: string;
  readonly profile: ProfileSummary | null;
}

const running = new Set<ChildProcess>();

/** The last resort of the bench's cleanup. */
export function killDrainChildren(): void {
  for (const child of running) child.kill("SIGKILL");
}

interface TimedSample {
  readonly wall: number;
  readonly sample: CpuSample;
}

function shareBetween(samples: readonly TimedSample[], from: number, to: number, pick: (s: CpuSample) => number | null): number | null {
  const before = [...samples].reverse().find((s) => s.wall <= from) ?? samples[0];
  const after = samples.find((s) => s.wall >= to) ?? samples.at(-1);
  if (!before || !after || after.wall <= before.wall) return null;
  const a = pick(before.sample);
  const b = pick(after.sample);
  if (a === null || b === null) return null;
  return Math.round(((b - a) / (after.wall - before.wall)) * 100);
}

export async function runDrain(redis: RedisClient, plan: DrainPlan, progress: (m: string) => void): Promise<DrainRun> {
  const dir = await mkdtemp(join(tmpdir(), "bench-pipeline-"));
  const traceFile = join(dir, "trace.json");
  try {
    const nodeArgs = [...(plan.profile ? ["--cpu-prof", "--cpu-prof-dir", dir] : []), "--import", "tsx", "--import", HOOK];
    const args = [...nodeArgs, BIN, "drain", "--timeout", plan.timeout, ...plan.groups.flatMap((g) => ["--group", g])];
    const samples: TimedSample[] = [];
    const sample = async () => samples.push({ wall: Date.now(), sample: await sampleCpu(redis) });
    await sample();
    const started = performance.now();
    const child = spawn(process.execPath, args, {
      env: { ...process.env, ...plan.env, BENCH_PIPELINE_TRACE: traceFile },
      stdio: ["ignore", "pipe", "pipe"],
    });
    running.add(child);
    let stdout = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
    });
    createInterface({ input: child.stderr! }).on("line", (line) => {
      // The skipped-backup warning is expected (s3 exports are not built); show the rest.
      if (/export schema \\?"s3/.test(line)) return;
      progress(`[${plan.label}] ${line.length > 400 ? `${line.slice(0, 400)}…` : line}`);
    });
    const timer = setInterval(() => void sample().catch(() => undefined), 250);
    let lastProgress = -1;
    let lastChange = Date.now();
    let stalled = false;
    const watchdog = setInterval(() => {
      void plan.progressProbe?.().then((value) => {
        if (value !== lastProgress) {
          lastProgress = value;
          lastChange = Date.now();
        } else if (Date.now() - lastChange > STALL_MS && !stalled) {
          stalled = true;
          progress(`${plan.label}: no progress for ${STALL_MS / 1000} s; killing the drain child`);
          child.kill("SIGKILL");
        }
      }).catch(() => undefined);
    }, 5_000);
    const exitCode = await new Promise<number | string>((resolve) => {
      child.once("exit", (code, signal) => resolve(code ?? signal ?? "unknown"));
    });
    const wallMs = performance.now() - started;
    running.delete(child);
    clearInterval(timer);
    clearInterval(watchdog);
    await sample();
    if (stalled) throw new Error(`${plan.label}: the drain stalled (no checkpoint moved for ${STALL_MS / 1000} s)\n${stdout.slice(-3000)}`);
    if (exitCode !== 0) throw new Error(`${plan.label}: ichnos drain exited with ${exitCode}\n${stdout.slice(-3000)}`);
    const trace = JSON.parse(await readFile(traceFile, "utf8")) as SqlTrace;
    if (!trace.firstQuery || !trace.lastCommit) throw new Error(`${plan.label}: the trace saw no transaction`);
    const from = trace.firstQuery.wall;
    const to = trace.lastCommit.wall;
    const windowMs = to - from;
    let profile: ProfileSummary | null = null;
    if (plan.profile) {
      // tsx's loader thread writes a profile too; the main thread's has thread id 0.
      const main = (await readdir(dir)).find((f) => new RegExp(`^CPU\\.\\d+\\.\\d+\\.${trace.pid}\\.0\\.\\d+\\.cpuprofile$`).test(f));
      if (main) {
        profile = await summarizeProfile(join(dir, main), [trace.firstQuery.hr, trace.lastCommit.hr], 20);
        if (plan.profileOut) await copyFile(join(dir, main), plan.profileOut);
      }
      else progress(`${plan.label}: no main-thread profile for pid ${trace.pid}`);
    }
    return {
      label: plan.label, exitCode, wallMs, windowMs, trace, stdout, profile,
      cpu: {
        drain: trace.cpuMs === null ? null : Math.round((trace.cpuMs / windowMs) * 100),
        redis: shareBetween(samples, from, to, (s) => s.redisMs),
        mysql: shareBetween(samples, from, to, (s) => s.mysqlMs),
      },
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
