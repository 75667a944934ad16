import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { scratchExportDir } from "./scratch-export-dir.ts";

const defaultScript = fileURLToPath(new URL("./worker-process.ts", import.meta.url));

export interface WorkerHandle {
  readonly child: ChildProcess;
  readonly output: () => string;
  /** Resolves with the exit code and signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  ready(): Promise<string>;
}

export function spawnWorker(env: Record<string, string>, script = defaultScript): WorkerHandle {
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, CELL_EXPORT_DIR: scratchExportDir(), ...env }, stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d) => { out += d; });
  child.stderr!.on("data", (d) => { out += d; });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })));
  return {
    child, exited, output: () => out,
    ready: async () => {
      const deadline = Date.now() + 15_000;
      for (;;) {
        const match = /^ready (\S+)$/m.exec(out);
        if (match) return match[1]!;
        if (child.exitCode !== null || Date.now() > deadline) throw new Error(`worker did not start:\n${out}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
  };
}
