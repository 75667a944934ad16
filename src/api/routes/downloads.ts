/**
 * `/downloads` (SPEC §1.1, §4.13): the page listing the public cell exports, and the files
 * themselves at `/downloads/<file>` for stores that have no public URL of their own (a local
 * CELL_EXPORT_DIR, a private bucket). Only the two export name patterns are ever looked up, so
 * no request path reaches the file system or the bucket.
 */
import { Readable } from "node:stream";
import { type H3, HTTPError } from "h3";
import type { DownloadsService } from "../../cells/downloads-service.ts";
import { downloadsPage } from "../../web/pages/downloads.ts";

export interface DownloadsDeps {
  readonly downloads: DownloadsService;
}

export function registerDownloadsRoutes(app: H3, deps: DownloadsDeps): void {
  app.all("/downloads", async () => new Response(downloadsPage(await deps.downloads.listing()).text, {
    headers: { "content-type": "text/html; charset=utf-8", "cache-control": "max-age=3600" },
  }));
  app.get("/downloads/:file", async (event) => {
    const file = await deps.downloads.open(event.context.params?.file ?? "");
    if (!file) throw new HTTPError({ status: 404, statusText: "Not Found" });
    // The job writes a name once and skips it ever after, so its bytes never change: cacheable for good.
    return new Response(Readable.toWeb(file.body) as ReadableStream<Uint8Array>, {
      headers: {
        "content-type": "application/gzip", "content-length": String(file.size), "cache-control": "public, max-age=31536000, immutable",
      },
    });
  });
}
