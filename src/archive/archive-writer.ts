/**
 * Writes one archive object (archive-object.ts) for consecutive entries of one partition. An
 * earlier attempt at the same batch (uploaded, then the process died before its checkpoint
 * committed) started at the same entry, because a batch starts after the checkpoint; if its
 * boundaries differed, its object is deleted once this one is written, so the archive holds
 * every entry once (a crash in between leaves both, and the retry of this batch deletes it).
 */
import { DeleteObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { type ArchivedEntry, encodeArchiveObjectAsync, objectKey, objectKeyStart } from "./archive-object.ts";
import type { S3Location } from "./s3-location.ts";

export async function writeArchiveObject(
  s3: S3Client, location: S3Location, partition: number, entries: readonly ArchivedEntry[],
): Promise<string> {
  const first = entries[0];
  const last = entries.at(-1);
  if (!first || !last) throw new RangeError("an archive object holds at least one entry");
  const key = objectKey(location.prefix, partition, first.id, last.id);
  const body = await encodeArchiveObjectAsync(entries);
  // The listing and the upload go together: an earlier attempt's object is told apart by its key.
  const [earlier] = await Promise.all([
    s3.send(new ListObjectsV2Command({ Bucket: location.bucket, Prefix: objectKeyStart(location.prefix, partition, first.id) })),
    s3.send(new PutObjectCommand({
      Bucket: location.bucket, Key: key, Body: body,
      ContentType: "application/x-ndjson", ContentEncoding: "gzip",
      Metadata: { entries: String(entries.length), "first-seq": String(first.seq), "last-seq": String(last.seq) },
    })),
  ]);
  for (const object of earlier.Contents ?? []) {
    if (object.Key && object.Key !== key) await s3.send(new DeleteObjectCommand({ Bucket: location.bucket, Key: object.Key }));
  }
  return key;
}
