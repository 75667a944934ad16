/**
 * The cell exports in S3, at `s3://<bucket>/<prefix>/export/<file>` (SPEC §4.13). One PutObject
 * makes an object appear whole or not at all. The body is streamed from the finished file with
 * its length and a CRC32 computed here: with the checksum given up front the SDK sends the bytes
 * as they are instead of aws-chunked with a trailer, which S3-compatible servers such as s3rver
 * would store verbatim (STACK-NOTES §6), and S3 still verifies the upload.
 */
import { createReadStream } from "node:fs";
import { mkdtemp, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { crc32 } from "node:zlib";
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { S3Location } from "../archive/s3-location.ts";
import { assertStoreName, type ExportObject, type ExportStore } from "./export-store.ts";

async function fileCrc32(file: string): Promise<string> {
  let crc = 0;
  for await (const chunk of createReadStream(file)) crc = crc32(chunk as Buffer, crc);
  const out = Buffer.alloc(4);
  out.writeUInt32BE(crc >>> 0);
  return out.toString("base64");
}

const isNoSuchKey = (err: unknown): boolean => (err as { name?: string }).name === "NoSuchKey";

export function createS3ExportStore(s3: () => S3Client, location: S3Location): ExportStore {
  const prefix = location.prefix ? `${location.prefix}/export/` : "export/";
  const Bucket = location.bucket;
  return {
    location: `s3://${Bucket}/${prefix}`,
    async list() {
      const out: ExportObject[] = [];
      let token: string | undefined;
      do {
        const page = await s3().send(new ListObjectsV2Command({ Bucket, Prefix: prefix, ContinuationToken: token }));
        for (const o of page.Contents ?? []) {
          const name = o.Key?.slice(prefix.length) ?? "";
          // Only the folder's own files: deeper keys are not exports.
          if (name === "" || name.includes("/")) continue;
          out.push({ name, size: o.Size ?? 0, modified: o.LastModified ?? new Date(0) });
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return out;
    },
    scratch: () => mkdtemp(join(tmpdir(), "ichnos-cell-export-")),
    async put(name, file) {
      assertStoreName(name);
      const [{ size }, checksum] = await Promise.all([stat(file), fileCrc32(file)]);
      await s3().send(new PutObjectCommand({
        Bucket, Key: prefix + name, Body: createReadStream(file), ContentLength: size, ContentType: "application/gzip", ChecksumCRC32: checksum,
      }));
    },
    async remove(name) {
      assertStoreName(name);
      await s3().send(new DeleteObjectCommand({ Bucket, Key: prefix + name }));
    },
    async open(name) {
      assertStoreName(name);
      try {
        const got = await s3().send(new GetObjectCommand({ Bucket, Key: prefix + name }));
        if (!got.Body) return null;
        // In Node the SDK's body is an http.IncomingMessage: a Readable.
        return { size: got.ContentLength ?? 0, body: got.Body as Readable };
      } catch (err) {
        if (isNoSuchKey(err)) return null;
        throw err;
      }
    },
  };
}
