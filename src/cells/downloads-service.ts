/**
 * `/downloads` data: the store's listing, cached in Redis under Ichnaea's key
 * `cache:downloads:3` for 1800 s (SPEC §1.1, §2.3) and dropped by the export job whenever it
 * publishes or deletes a file; and the files themselves, by their exact names only.
 */
import type { Logger } from "../logger.ts";
import type { RedisClient } from "../redis/create-redis.ts";
import { cached } from "../stats/content-cache.ts";
import { KEY_FORMATS } from "../stream/keys.ts";
import { type DownloadListing, downloadListing } from "./download-listing.ts";
import { isExportName } from "./export-schedule.ts";
import type { ExportFile, ExportStore } from "./export-store.ts";

export const DOWNLOADS_CACHE = "downloads:3";
export const DOWNLOADS_CACHE_SECONDS = 1800;

export interface DownloadsService {
  listing(): Promise<DownloadListing>;
  /** A published export by name; null for a name that is not an export's, or a file that is gone. */
  open(name: string): Promise<ExportFile | null>;
}

export interface DownloadsDeps {
  readonly store: ExportStore;
  readonly redis: RedisClient;
  readonly prefix: string;
  readonly log: Logger;
  /** ASSET_URL */
  readonly assetUrl?: string;
}

export const downloadsCacheKey = (prefix: string): string => KEY_FORMATS.contentCache(prefix, DOWNLOADS_CACHE);

export function createDownloadsService(deps: DownloadsDeps): DownloadsService {
  return {
    listing: () => cached(deps.redis, downloadsCacheKey(deps.prefix), deps.log,
      async () => downloadListing(await deps.store.list(), deps.assetUrl), DOWNLOADS_CACHE_SECONDS),
    // The name is checked before the store sees it: only the two export patterns, so no path.
    open: async (name) => (isExportName(name) ? deps.store.open(name) : null),
  };
}
