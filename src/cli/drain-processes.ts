/**
 * `ichnos drain --processes N`: one Node process is bound to one core, so the drain can hand
 * groups to N − 1 child `ichnos work --group …` processes and keep the rest itself. Readers of
 * the exports stay in the parent; the projectors and the datamap go to the children.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { AnyConsumer } from "../stream/define-consumer.ts";

const BIN = fileURLToPath(new URL("../../bin/ichnos.js", import.meta.url));

/**
 * Set 0 is the parent's: the exports, whose splitter sets the pace (it decodes every report and
 * encodes every observation). The projectors and the datamap are dealt round-robin to sets 1….
 */
export function splitGroups(consumers: readonly AnyConsumer[], processes: number): AnyConsumer[][] {
  const sets: AnyConsumer[][] = Array.from({ length: Math.max(1, processes) }, () => []);
  if (sets.length === 1) return [[...consumers]];
  let next = 1;
  for (const c of consumers) {
    if (c.name.startsWith("export:")) sets[0]!.push(c);
    else {
      sets[next]!.push(c);
      next = next + 1 >= sets.length ? 1 : next + 1;
    }
  }
  return sets;
}

export interface DrainChildren {
  /** Throws when a child ended on its own (the drain cannot finish without it). */
  check(): void;
  stop(): Promise<void>;
}

export function startDrainChildren(sets: readonly AnyConsumer[][]): DrainChildren {
  const children: { child: ChildProcess; exited: Promise<void>; output: string[]; stopping: boolean }[] = [];
  for (const set of sets) {
    if (set.length === 0) continue;
    // The parent's Node flags too (--import hooks, --cpu-prof…), as cluster workers get them.
    // Consumer loops only: the periodic jobs are not part of draining.
    const args = [...process.execArgv, BIN, "work", "--no-jobs", ...set.flatMap((c) => ["--group", c.name])];
    const child = spawn(process.execPath, args, { stdio: ["ignore", "ignore", "pipe"], env: process.env });
    const entry = { child, exited: new Promise<void>((resolve) => child.once("exit", () => resolve())), output: [] as string[], stopping: false };
    child.stderr!.on("data", (d: Buffer) => {
      entry.output.push(String(d));
      if (entry.output.length > 20) entry.output.shift();
    });
    children.push(entry);
  }
  return {
    check() {
      const dead = children.find((c) => c.child.exitCode !== null && !c.stopping);
      if (dead) throw new Error(`a drain worker process exited with code ${dead.child.exitCode}: ${dead.output.join("").trim()}`);
    },
    async stop() {
      for (const c of children) {
        c.stopping = true;
        if (c.child.exitCode === null) c.child.kill("SIGTERM");
      }
      await Promise.all(children.map((c) => c.exited));
    },
  };
}
