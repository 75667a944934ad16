/**
 * Where processes started by tests publish cell exports: a scratch directory per test run, so a
 * worker's scheduled export never writes into the checkout's data/. A test that looks at the
 * exports passes its own CELL_EXPORT_DIR, which wins.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

let dir: string | null = null;
export const scratchExportDir = (): string => (dir ??= mkdtempSync(join(tmpdir(), "ichnos-test-exports-")));
