/** Where an `s3` export archives: its row's URL, BACKUP_URL for the seeded `backup`, or why it has none. */
import type { ExportConfig } from "../domain/export-config.ts";
import { parseS3Url, type S3Location } from "./s3-location.ts";

export function archiveLocation(config: Pick<ExportConfig, "name" | "url">, backupUrl: string | undefined, hasClient = true): S3Location | string {
  const url = config.url ?? (config.name === "backup" ? backupUrl : undefined);
  if (!hasClient) return "this process has no S3 client";
  if (!url) {
    return config.name === "backup"
      ? "no URL: set BACKUP_URL=s3://bucket/prefix (or the row's url with ichnos exports)"
      : `no URL: give the export one (ichnos exports rm ${config.name}, then exports add ${config.name} --schema s3 --url s3://bucket/prefix)`;
  }
  try {
    return parseS3Url(url);
  } catch (err) {
    return (err as Error).message;
  }
}
