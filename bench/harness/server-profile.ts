/**
 * A second server child started with --cpu-prof, for the benches' `--profile`: the bench runs its
 * load against it and then has the main thread's samples inside the measured window summarized.
 * The profile stays on disk after the run (its path is in the report), so its directory is not
 * one of the run's temporary ones.
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ServerChild, type ServerOptions, startServer } from "./children.ts";
import { mainThreadProfile, type ProfileSummary, summarizeProfile } from "./cpu-profile.ts";

export interface ProfiledServer {
  readonly server: ServerChild;
  readonly dir: string;
}

export async function startProfiledServer(bench: string, script: URL, options: ServerOptions): Promise<ProfiledServer> {
  const dir = await mkdtemp(join(tmpdir(), `bench-${bench}-profile-`));
  const server = await startServer(script, { ...options, nodeArgs: [...(options.nodeArgs ?? []), "--cpu-prof", "--cpu-prof-dir", dir] });
  return { server, dir };
}

/** Stops the server (its profile is written at exit) and summarizes the samples between `window`'s monotonic µs. */
export async function stopAndSummarize(p: ProfiledServer, window: readonly [number, number], limit?: number): Promise<ProfileSummary> {
  const code = await p.server.stop();
  if (code !== 0) throw new Error(`the profiled ${p.server.label} child exited with ${code}; no profile`);
  const main = await mainThreadProfile(p.dir, p.server.pid);
  if (!main) throw new Error(`no main-thread profile of pid ${p.server.pid} in ${p.dir}`);
  return summarizeProfile(main, window, limit);
}
