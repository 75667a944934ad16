/**
 * The benches' child processes: `node [nodeArgs] --import tsx [--import …] <script> [args]`, each
 * in a process group of its own, so that stopping one also stops whatever it started (the drain's
 * `ichnos work` children) and a Ctrl-C reaches only the bench, whose cleanup then stops the
 * children in order. Output is forwarded to stderr line by line with the child's label, unless
 * the bench takes the lines itself.
 *   - `spawnChild`: a child that runs to its end (`ichnos drain`);
 *   - `startServer`: a server child that speaks child-protocol.ts: it is ready once it has sent
 *     its URL, and `stop()` asks it over IPC before it signals.
 * Every child still running is stopped by `stopAllChildren` (run.ts's cleanup) and, as a last
 * resort, killed when the bench process exits.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { ChildMessage, ParentMessage } from "./child-protocol.ts";

export interface ChildOptions {
  readonly label: string;
  readonly env?: Readonly<Record<string, string>>;
  /** Node flags before `--import tsx`, e.g. --cpu-prof. */
  readonly nodeArgs?: readonly string[];
  /** Modules loaded with `--import` after tsx, before the script (e.g. the SQL trace). */
  readonly imports?: readonly (string | URL)[];
  readonly args?: readonly string[];
  /** Takes the child's stderr lines instead of forwarding them. */
  readonly onStderrLine?: (line: string) => void;
  /** Keep stdout as text (`BenchChild.stdout()`) instead of forwarding it. */
  readonly collectStdout?: boolean;
}

export interface ServerOptions extends ChildOptions {
  readonly readyTimeoutMs?: number;
  /** Called when the server exits after it was ready without having been asked to stop. */
  readonly onUnexpectedExit?: (label: string, code: number | string) => void;
}

export interface BenchChild {
  readonly label: string;
  readonly pid: number;
  /** Resolves with the exit code (or the signal's name) once the child is gone. */
  readonly exited: Promise<number | string>;
  stdout(): string;
  /** Asks the child to stop (IPC for servers, SIGTERM to its group otherwise), kills it after 15 s. */
  stop(): Promise<number | string>;
  /** SIGKILL to the child's process group. */
  kill(): void;
}

export interface ServerChild extends BenchChild {
  /** The listening URL without a trailing slash, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
}

const STOP_TIMEOUT_MS = 15_000;
const running = new Map<ChildProcess, BenchChild>();

const pathOf = (script: string | URL) => (script instanceof URL ? fileURLToPath(script) : script);

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // already gone
  }
}

process.once("exit", () => {
  for (const child of running.keys()) signalGroup(child, "SIGKILL");
});

function launch(script: string | URL, options: ChildOptions, ipc: boolean) {
  /** A server listens for `stop` only once it has said `ready`; before that it is signalled. */
  let ready = false;
  const imports = (options.imports ?? []).flatMap((m) => ["--import", pathOf(m)]);
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), "--import", "tsx", ...imports, pathOf(script), ...(options.args ?? [])], {
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe", ...(ipc ? ["ipc" as const] : [])],
    detached: true,
  });
  const forward = (line: string) => process.stderr.write(`[${options.label}] ${line}\n`);
  let stdout = "";
  if (options.collectStdout) {
    child.stdout!.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
    });
  } else {
    createInterface({ input: child.stdout! }).on("line", forward);
  }
  createInterface({ input: child.stderr! }).on("line", options.onStderrLine ?? forward);
  const exited = new Promise<number | string>((resolve) => {
    child.once("exit", (code, signal) => {
      running.delete(child);
      resolve(code ?? signal ?? "unknown");
    });
  });
  let stopping = false;
  const stop = async () => {
    stopping = true;
    if (child.exitCode === null && child.signalCode === null) {
      if (ready && child.connected) child.send({ type: "stop" } satisfies ParentMessage);
      else signalGroup(child, "SIGTERM");
      const timer = setTimeout(() => signalGroup(child, "SIGKILL"), STOP_TIMEOUT_MS);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    }
    return exited;
  };
  const handle: BenchChild = {
    label: options.label, pid: child.pid!, exited, stop,
    stdout: () => stdout,
    kill: () => signalGroup(child, "SIGKILL"),
  };
  running.set(child, handle);
  return {
    child, handle,
    isStopping: () => stopping,
    isReady: () => ready,
    markReady: () => {
      ready = true;
    },
  };
}

/** A child that runs to its end; the bench awaits `exited`. */
export function spawnChild(script: string | URL, options: ChildOptions): BenchChild {
  return launch(script, options, false).handle;
}

/** A server child: resolves once it has sent `ready` with its URL. */
export function startServer(script: string | URL, options: ServerOptions): Promise<ServerChild> {
  const { child, handle, isStopping, isReady, markReady } = launch(script, options, true);
  const timeoutMs = options.readyTimeoutMs ?? 60_000;
  void handle.exited.then((code) => {
    if (isReady() && !isStopping()) options.onUnexpectedExit?.(options.label, code);
  });
  return new Promise<ServerChild>((resolve, reject) => {
    const timer = setTimeout(() => {
      handle.kill();
      reject(new Error(`${options.label} did not report ready within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on("message", (message: ChildMessage) => {
      if (message?.type !== "ready") return;
      clearTimeout(timer);
      markReady();
      resolve({ ...handle, url: message.url.replace(/\/$/, "") });
    });
    void handle.exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${options.label} exited (${code}) before it was ready`));
    });
  });
}

/** Stops every child still running, all at once; their exit codes, in start order. */
export async function stopAllChildren(): Promise<(number | string)[]> {
  return Promise.all([...running.values()].map((c) => c.stop().catch((err) => `error ${err}`)));
}
