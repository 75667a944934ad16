/**
 * Starting and stopping the server children (web-child.ts, ceiling-child.ts): `node --import
 * tsx <script>` with the given environment, its output forwarded to stderr with a label, its URL
 * read from the `ready` message. `stop()` asks over IPC and kills after a timeout.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { ChildMessage, ParentMessage } from "./child-protocol.ts";

export interface ServerChild {
  readonly label: string;
  readonly pid: number;
  /** The listening URL without a trailing slash, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** Resolves with the exit code (or the signal's name) once the child is gone. */
  stop(): Promise<number | string>;
}

export interface ChildOptions {
  readonly label: string;
  readonly env: Readonly<Record<string, string>>;
  /** Extra node flags before `--import tsx`, e.g. --cpu-prof. */
  readonly nodeArgs?: readonly string[];
  readonly readyTimeoutMs?: number;
  /** Called when the child exits after it was ready without having been asked to stop. */
  readonly onUnexpectedExit?: (label: string, code: number | string) => void;
}

const running = new Set<ChildProcess>();

/** Kills whatever is still running (the last resort of the bench's cleanup). */
export function killAllChildren(): void {
  for (const child of running) child.kill("SIGKILL");
}

function forward(child: ChildProcess, label: string): void {
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    createInterface({ input: stream }).on("line", (line) => process.stderr.write(`[${label}] ${line}\n`));
  }
}

export function startChild(script: string, options: ChildOptions): Promise<ServerChild> {
  const path = fileURLToPath(new URL(script, import.meta.url));
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), "--import", "tsx", path], {
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  running.add(child);
  forward(child, options.label);
  const exited = new Promise<number | string>((resolve) => {
    child.once("exit", (code, signal) => {
      running.delete(child);
      resolve(code ?? signal ?? "unknown");
    });
  });
  let stopping = false;
  let ready = false;
  void exited.then((code) => {
    if (ready && !stopping) options.onUnexpectedExit?.(options.label, code);
  });
  const stop = async () => {
    stopping = true;
    if (child.exitCode === null && child.signalCode === null) {
      if (child.connected) child.send({ type: "stop" } satisfies ParentMessage);
      else child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    }
    return exited;
  };
  return new Promise<ServerChild>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${options.label} did not report ready within ${options.readyTimeoutMs ?? 60_000} ms`));
    }, options.readyTimeoutMs ?? 60_000);
    child.on("message", (message: ChildMessage) => {
      if (message?.type !== "ready") return;
      clearTimeout(timer);
      ready = true;
      resolve({ label: options.label, pid: child.pid!, url: message.url.replace(/\/$/, ""), stop });
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${options.label} exited (${code}) before it was ready`));
    });
  });
}
