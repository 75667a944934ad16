/**
 * The benches' exits: whatever ends a run — Ctrl-C, SIGTERM, a child that died — runs the bench's
 * one cleanup (scratch database, key prefix, children) before the process exits.
 */
type Progress = (message: string) => void;

/** On SIGINT/SIGTERM: clean up, then exit 130. */
export function cleanUpOnSignals(cleanup: () => Promise<void>, progress: Progress): void {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      progress(`${signal}: cleaning up`);
      void cleanup().finally(() => process.exit(130));
    });
  }
}

/** What a bench calls when a child it needs exited: clean up, then exit 1. */
export function abortOnExit(cleanup: () => Promise<void>, progress: Progress): (label: string, code: number | string) => void {
  return (label, code) => {
    progress(`${label} exited unexpectedly (${code}): aborting`);
    void cleanup().finally(() => process.exit(1));
  };
}
