import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { scratchExportDir } from "./scratch-export-dir.ts";

const bin = fileURLToPath(new URL("../../bin/ichnos.js", import.meta.url));

/** Runs the real `ichnos` executable and collects its output. */
export function runCli(args: string[], env: Record<string, string>, timeoutMs = 30_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, LOG_LEVEL: "warn", CELL_EXPORT_DIR: scratchExportDir(), ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => { stdout += d; });
    child.stderr.on("data", (d) => { stderr += d; });
    const timer = setTimeout(() => { child.kill("SIGKILL"); reject(new Error(`ichnos ${args.join(" ")} timed out:\n${stdout}\n${stderr}`)); }, timeoutMs);
    child.on("exit", (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
  });
}
