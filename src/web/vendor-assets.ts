/**
 * Browser libraries served from their npm packages (never a CDN), under a path that carries the
 * package version so browsers may keep them for a year: `/static/vendor/leaflet@1.9.4/leaflet.js`.
 * Only the files listed here are served (api/routes/vendor.ts).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);

export interface VendorFile {
  readonly path: string;
  readonly body: Buffer;
  readonly type: string;
}
function packageFiles(name: string, files: readonly (readonly [string, string])[]): VendorFile[] {
  const root = dirname(require.resolve(`${name}/package.json`));
  const version = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string }).version;
  return files.map(([file, type]) => ({ path: `/static/vendor/${name}@${version}/${file.split("/").pop()}`, body: readFileSync(join(root, file)), type }));
}

/** Read once, at start: they are small and never change while the process runs. */
export const VENDOR_FILES: readonly VendorFile[] = packageFiles("leaflet", [
  ["dist/leaflet.js", "text/javascript; charset=utf-8"], ["dist/leaflet.css", "text/css; charset=utf-8"],
]);

export const vendorPath = (file: string): string => {
  const found = VENDOR_FILES.find((f) => f.path.endsWith(`/${file}`));
  if (!found) throw new Error(`no vendored file ${file}`);
  return found.path;
};

