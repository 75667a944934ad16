/**
 * What `/downloads` lists (SPEC §4.13, §6.5), from the store's objects: the full files and the
 * diffs apart, each newest first, with sizes in kB. Pure.
 */
import type { ExportObject } from "./export-store.ts";
import { parseExportName } from "./export-schedule.ts";

export interface DownloadLink {
  readonly name: string;
  readonly url: string;
  readonly kilobytes: number;
}

export interface DownloadListing {
  readonly full: readonly DownloadLink[];
  readonly diff: readonly DownloadLink[];
}

/** round(bytes / 1024), as Ichnaea shows them, except that no file is "0kB" (SPEC §6.5). */
export const kilobytes = (bytes: number): number => Math.max(1, Math.round(bytes / 1024));

/** ASSET_URL set: the links go to `<ASSET_URL>/export/<file>` (Ichnaea's asset host); else to this site. */
export const downloadUrl = (name: string, assetUrl: string | undefined): string =>
  assetUrl === undefined ? `/downloads/${name}` : `${assetUrl}/export/${name}`;

export function downloadListing(objects: readonly ExportObject[], assetUrl: string | undefined): DownloadListing {
  const links = (kind: "full" | "diff") => objects
    .flatMap((o) => {
      const parsed = parseExportName(o.name);
      return parsed?.kind === kind ? [{ timeMs: parsed.timeMs, link: { name: o.name, url: downloadUrl(o.name, assetUrl), kilobytes: kilobytes(o.size) } }] : [];
    })
    .sort((a, b) => b.timeMs - a.timeMs)
    .map((x) => x.link);
  return { full: links("full"), diff: links("diff") };
}
