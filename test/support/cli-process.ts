/**
 * A long-running `ichnos` process (work, start) for integration tests: its combined output, a
 * way to wait for a log line, and a stop that never leaves it behind.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { scratchExportDir } from "./scratch-export-dir.ts";

const bin = fileURLToPath(new URL("../../bin/ichnos.js", import.meta.url));

export interface CliProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  output(): string;
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`; resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
}

export function startCli(args: string[], env: Record<string, string>): CliProcess {
  const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, LOG_LEVEL: "info", CELL_EXPORT_DIR: scratchExportDir(), ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (d) => { out += d; });
  child.stderr!.on("data", (d) => { out += d; });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return {
    child, exited,
    output: () => out,
    async waitForLog(pattern, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const match = pattern.exec(out);
        if (match) return match;
        if (child.exitCode !== null || Date.now() > deadline) throw new Error(`no ${pattern} in the output of ichnos ${args.join(" ")}:\n${out}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async stop(graceMs = 5000) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
