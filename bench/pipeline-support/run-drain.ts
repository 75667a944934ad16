/**
 * Runs `node bin/ichnos.js drain --processes N` (what operators run) as a child process against
 * the bench's scratch prefix and database, with the SQL trace loaded (harness/sql-trace, naming
 * statements by what they do) and, optionally, --cpu-prof. With N > 1 the drain starts N − 1
 * `ichnos work` children of its own, which inherit the hook and the flags; every process writes
 * its own trace file and the bench merges them. While it runs, Redis and MariaDB CPU are
 * sampled every 250 ms so their share can be taken over exactly the working window (first query
 * of any process → last COMMIT of any process); each drain process's CPU over the same window
 * comes from its own trace.
 */
import { copyFile } from "node:fs/promises";
import type { RedisClient } from "../../src/redis/create-redis.ts";
import { spawnChild } from "../harness/children.ts";
import { mainThreadProfile, type ProfileSummary, summarizeProfile } from "../harness/cpu-profile.ts";
import { type CpuSample, sampleCpu } from "../harness/cpu.ts";
import type { Progress } from "../harness/run.ts";
import { SQL_TRACE_HOOK, sqlTraceEnv } from "../harness/sql-trace/attach.ts";
import type { ProcessTrace } from "../harness/sql-trace/format.ts";
import { cpuBetween, mergeTraces, readTraces, type SqlTrace } from "../harness/sql-trace/merge.ts";

const BIN = new URL("../../bin/ichnos.js", import.meta.url);

export interface DrainPlan {
  readonly label: string;
  readonly env: Readonly<Record<string, string>>;
  /** `--group` names; empty: every registered group. */
  readonly groups: readonly string[];
  /** `--processes N`: the drain itself plus N − 1 `ichnos work` children. */
  readonly processes: number;
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
  /**
   * % of one core over the window: every drain process together (process.cpuUsage, all threads),
   * each of them (the drain first), Redis, MariaDB.
   */
  readonly cpu: {
    readonly drain: number | null;
    readonly processes: readonly ProcessCpu[];
    readonly redis: number | null;
    readonly mysql: number | null;
  };
  readonly stdout: string;
  /** The drain process's main thread. */
  readonly profile: ProfileSummary | null;
  /** The `ichnos work` children's main threads. */
  readonly workerProfiles: readonly (ProfileSummary & { readonly command: string })[];
}

export interface ProcessCpu {
  readonly pid: number;
  /** `drain` or `work` plus its groups, shortened. */
  readonly role: string;
  readonly share: number | null;
}

/** `work --group station:wifi:0 --group …` → `work (38 groups: station:wifi:0, …)`. */
function roleOf(t: ProcessTrace): string {
  const groups = [...t.command.matchAll(/--group (\S+)/g)].map((m) => m[1]!);
  const verb = t.command.split(" ")[0] ?? "?";
  if (verb === "drain") return "drain";
  if (groups.length === 0) return verb;
  return `${verb} (${groups.length} groups: ${groups.slice(0, 2).join(", ")}${groups.length > 2 ? ", …" : ""})`;
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

/** `dir`: a fresh directory for the trace files and profiles (the bench's run removes it). */
export async function runDrain(redis: RedisClient, dir: string, plan: DrainPlan, progress: Progress): Promise<DrainRun> {
  const samples: TimedSample[] = [];
  const sample = async () => samples.push({ wall: Date.now(), sample: await sampleCpu(redis) });
  await sample();
  const started = performance.now();
  const child = spawnChild(BIN, {
    label: plan.label,
    env: { ...plan.env, ...sqlTraceEnv(dir, "statements") },
    nodeArgs: plan.profile ? ["--cpu-prof", "--cpu-prof-dir", dir] : [],
    imports: [SQL_TRACE_HOOK],
    args: ["drain", "--timeout", plan.timeout, "--processes", String(plan.processes), ...plan.groups.flatMap((g) => ["--group", g])],
    collectStdout: true,
    onStderrLine: (line) => {
      // The skipped-backup warning is expected (s3 exports are not built); show the rest.
      if (/export schema \\?"s3/.test(line)) return;
      progress(`[${plan.label}] ${line.length > 400 ? `${line.slice(0, 400)}…` : line}`);
    },
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
        child.kill();
      }
    }).catch(() => undefined);
  }, 5_000);
  const exitCode = await child.exited;
  const wallMs = performance.now() - started;
  clearInterval(timer);
  clearInterval(watchdog);
  await sample();
  const stdout = child.stdout();
  if (stalled) throw new Error(`${plan.label}: the drain stalled (no checkpoint moved for ${STALL_MS / 1000} s)\n${stdout.slice(-3000)}`);
  if (exitCode !== 0) throw new Error(`${plan.label}: ichnos drain exited with ${exitCode}\n${stdout.slice(-3000)}`);
  const trace: SqlTrace = mergeTraces(await readTraces(dir), "drain");
  if (!trace.firstQuery || !trace.lastCommit) throw new Error(`${plan.label}: the trace saw no transaction`);
  const workers = trace.processes.filter((t) => t.pid !== trace.pid).length;
  if (workers !== plan.processes - 1 && !(plan.processes > 1 && workers === 0 && plan.groups.length > 0)) {
    progress(`${plan.label}: expected ${plan.processes - 1} worker trace(s), found ${workers}`);
  }
  const from = trace.firstQuery.wall;
  const to = trace.lastCommit.wall;
  const windowMs = to - from;
  let profile: ProfileSummary | null = null;
  const workerProfiles: (ProfileSummary & { command: string })[] = [];
  if (plan.profile) {
    const window = [trace.firstQuery.hr, trace.lastCommit.hr] as const;
    for (const t of trace.processes) {
      const main = await mainThreadProfile(dir, t.pid);
      if (!main) {
        progress(`${plan.label}: no main-thread profile for pid ${t.pid}`);
        continue;
      }
      const summary = await summarizeProfile(main, window, 20);
      if (t.pid === trace.pid) {
        profile = summary;
        if (plan.profileOut) await copyFile(main, plan.profileOut);
      } else {
        workerProfiles.push({ ...summary, command: roleOf(t) });
        if (plan.profileOut) await copyFile(main, plan.profileOut.replace(/(\.cpuprofile)?$/, `.${t.pid}$1`));
      }
    }
  }
  const processes = trace.processes.map((t) => {
    const ms = cpuBetween(t, from, to);
    return { pid: t.pid, role: roleOf(t), share: ms === null ? null : Math.round((ms / windowMs) * 100) };
  });
  const known = processes.every((p) => p.share !== null);
  return {
    label: plan.label, exitCode, wallMs, windowMs, trace, stdout, profile, workerProfiles,
    cpu: {
      drain: known ? processes.reduce((a, p) => a + p.share!, 0) : null,
      processes,
      redis: shareBetween(samples, from, to, (s) => s.redisMs),
      mysql: shareBetween(samples, from, to, (s) => s.mysqlMs),
    },
  };
}
