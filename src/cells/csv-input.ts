/**
 * Lines of a cell CSV file, plain or gzip. Gzip is recognised by its magic bytes (1f 8b), not by
 * the name: OpenCelliD's and MLS's dumps are gzip, but files get renamed and unpacked. Reading is
 * a stream all the way, so a file of any size takes constant memory.
 */
import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { createInterface, type Interface } from "node:readline";
import { createGunzip } from "node:zlib";

const GZIP_MAGIC = [0x1f, 0x8b];

/** Thrown when the file cannot be read at all: the command changes nothing and says why. */
export class CellFileError extends Error {}

export async function isGzipFile(path: string): Promise<boolean> {
  const handle = await open(path, "r");
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
  } finally {
    await handle.close();
  }
}

export interface CellFileLines {
  /** The lines, without their CR LF or LF. */
  readonly lines: Interface;
  /** Stops reading and releases the file (when the caller stops early). */
  close(): void;
}

/** The file's lines; fails with CellFileError when it cannot be opened. */
export async function openCellFileLines(path: string): Promise<CellFileLines> {
  let gzip: boolean;
  try {
    gzip = await isGzipFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : (err as Error).message;
    throw new CellFileError(`cannot read ${path}: ${reason}`);
  }
  const raw = createReadStream(path, { highWaterMark: 256 * 1024 });
  const text = gzip ? raw.pipe(createGunzip()) : raw;
  // pipe() does not pass a read error on to the gunzip stream: forward it so the reader sees it.
  if (gzip) raw.on("error", (err) => text.destroy(err));
  const lines = createInterface({ input: text, crlfDelay: Number.POSITIVE_INFINITY });
  return {
    lines,
    close: () => {
      lines.close();
      raw.destroy();
      text.destroy();
    },
  };
}
