/**
 * Where the published cell exports live (SPEC §4.13): `<prefix>/export/` in ASSET_BUCKET, or
 * CELL_EXPORT_DIR when no bucket is set. The job writes through it, `/downloads` reads through
 * it. A file appears under its name only once it is complete: readers never see half a file.
 */
import type { Readable } from "node:stream";
import type { S3Client } from "@aws-sdk/client-s3";
import { parseS3Url } from "../archive/s3-location.ts";
import type { Config } from "../config.ts";
import { createLocalExportStore } from "./export-store-local.ts";
import { createS3ExportStore } from "./export-store-s3.ts";

export interface ExportObject {
  readonly name: string;
  readonly size: number;
  readonly modified: Date;
}

export interface ExportFile {
  readonly size: number;
  readonly body: Readable;
}

export interface ExportStore {
  /** Where it is, for logs: `s3://bucket/prefix/export/` or the directory. */
  readonly location: string;
  /** Every complete file, in no particular order. */
  list(): Promise<ExportObject[]>;
  /**
   * A new empty local directory to write a file in before `put` (the caller removes it): next to
   * the files for a local store, so `put` is a rename and an unwritable directory fails before
   * any export is computed.
   */
  scratch(): Promise<string>;
  /** Publishes a finished local file under `name`; the caller removes `file` afterwards. */
  put(name: string, file: string): Promise<void>;
  /** Deletes `name`; a name already gone is not an error. */
  remove(name: string): Promise<void>;
  /** The file's bytes as a stream; null when there is no such file. */
  open(name: string): Promise<ExportFile | null>;
}

/** Publishable names: one path segment, no dot files (the local store's temporary names). */
export function assertStoreName(name: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/.test(name)) throw new RangeError(`"${name}" is not a cell export file name`);
}

/**
 * The store the configuration names. `s3` is asked for a client only when ASSET_BUCKET is set
 * (the SDK costs start-up time, and processes without a bucket never pay it).
 */
export function createExportStore(config: Pick<Config, "assetBucket" | "cellExportDir">, s3: () => S3Client): ExportStore {
  if (config.assetBucket !== undefined) return createS3ExportStore(s3, parseS3Url(config.assetBucket));
  return createLocalExportStore(config.cellExportDir);
}
