/**
 * The cell exports in a local directory (CELL_EXPORT_DIR). A file is moved in with one rename,
 * which is atomic within a file system; its scratch directory is a dot-name inside the directory
 * (never listed nor served), so that is the usual case. A file from elsewhere on another file
 * system is copied to a dot-name first and renamed from there.
 */
import { createReadStream, type Dirent, type Stats } from "node:fs";
import { copyFile, mkdir, mkdtemp, readdir, rename, rm, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { assertStoreName, type ExportFile, type ExportObject, type ExportStore } from "./export-store.ts";

const isMissing = (err: unknown): boolean => (err as NodeJS.ErrnoException).code === "ENOENT";

/** A file removed between a listing and its stat is simply no longer there. */
async function statOrNull(path: string): Promise<Stats | null> {
  try {
    return await stat(path);
  } catch (err) {
    if (isMissing(err)) return null;
    throw err;
  }
}

async function moveInto(file: string, target: string, dir: string, name: string): Promise<void> {
  try {
    await rename(file, target);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EXDEV") throw err;
    const partial = join(dir, `.${name}.${process.pid}.partial`);
    try {
      await copyFile(file, partial);
      await rename(partial, target);
    } catch (copyErr) {
      await rm(partial, { force: true });
      throw copyErr;
    }
  }
}

const SCRATCH_PREFIX = ".scratch-";
/** Longer than any export takes: an older scratch directory was left by a process that died mid-export. */
const STALE_SCRATCH_MS = 86_400_000;

async function removeStaleScratch(dir: string): Promise<void> {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (!e.isDirectory() || !e.name.startsWith(SCRATCH_PREFIX)) continue;
    const s = await statOrNull(join(dir, e.name));
    if (s && Date.now() - s.mtimeMs > STALE_SCRATCH_MS) await rm(join(dir, e.name), { recursive: true, force: true });
  }
}

export function createLocalExportStore(directory: string): ExportStore {
  const dir = resolve(directory);
  return {
    location: dir,
    async list() {
      let entries: Dirent[];
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (err) {
        // Nothing published yet: the directory is made by the first export.
        if (isMissing(err)) return [];
        throw err;
      }
      const out: ExportObject[] = [];
      for (const e of entries) {
        if (!e.isFile() || e.name.startsWith(".")) continue;
        const s = await statOrNull(join(dir, e.name));
        if (s) out.push({ name: e.name, size: s.size, modified: s.mtime });
      }
      return out;
    },
    async scratch() {
      await mkdir(dir, { recursive: true });
      await removeStaleScratch(dir);
      return mkdtemp(join(dir, SCRATCH_PREFIX));
    },
    async put(name, file) {
      assertStoreName(name);
      await mkdir(dir, { recursive: true });
      await moveInto(file, join(dir, name), dir, name);
    },
    async remove(name) {
      assertStoreName(name);
      await rm(join(dir, name), { force: true });
    },
    async open(name): Promise<ExportFile | null> {
      assertStoreName(name);
      const path = join(dir, name);
      const s = await statOrNull(path);
      if (!s?.isFile()) return null;
      return { size: s.size, body: createReadStream(path) };
    },
  };
}
