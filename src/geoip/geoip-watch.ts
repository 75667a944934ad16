/**
 * Watches a GeoIP database's files for changes (fs.watchFile: a stat poll, which also sees a file
 * replaced by rename and works on every file system). A change waits one poll without further
 * changes before `reload` runs, so a file still being copied is read once, when complete; a reload
 * never overlaps another. `reload` resolves with the files to watch from then on (a path that has
 * appeared may be a directory of two files), or null to keep watching the same ones.
 */
import { type Stats, unwatchFile, watchFile } from "node:fs";

export interface FileWatcher {
  close(): void;
}

export function watchFiles(
  initial: readonly string[], intervalMs: number, reload: () => Promise<readonly string[] | null>,
): FileWatcher {
  let files: readonly string[] = [];
  let settle: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let again = false;
  let closed = false;

  const run = () => {
    settle = null;
    if (closed) return;
    if (running) {
      again = true;
      return;
    }
    running = reload().then((next) => {
      if (next && !closed && next.join("\0") !== files.join("\0")) watch(next);
    }).finally(() => {
      running = null;
      if (again && !closed) {
        again = false;
        run();
      }
    });
  };

  const onChange = (current: Stats) => {
    // Removed (nlink 0): wait for the replacement rather than fail on the missing file.
    if (closed || current.nlink === 0) return;
    if (settle) clearTimeout(settle);
    settle = setTimeout(run, intervalMs);
    settle.unref();
  };

  function watch(next: readonly string[]) {
    for (const f of files) unwatchFile(f, onChange);
    files = next;
    // Not persistent: watching must never keep a process alive that is otherwise done.
    for (const f of files) watchFile(f, { persistent: false, interval: intervalMs }, onChange);
  }

  watch(initial);
  return {
    close() {
      closed = true;
      if (settle) clearTimeout(settle);
      for (const f of files) unwatchFile(f, onChange);
    },
  };
}
