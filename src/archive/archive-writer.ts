/**
 * Writes one archive object (archive-object.ts) for consecutive entries of one partition. An
 * earlier attempt at the same batch (uploaded, then the process died before its checkpoint
 * committed) started at the same entry, because a batch starts after the checkpoint; if its
 * boundaries differed, its object is deleted once this one is written, so the archive holds
 * every entry once (a crash in between leaves both, and the retry of this batch deletes it).
 * Earlier attempts are known from the group's attempt record (upload-attempts.ts); without one,
 * the first entry's key prefix is listed.
 */
import { DeleteObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { type ArchivedEntry, encodeArchiveObjectAsync, objectKey, objectKeyStart, partitionPrefix } from "./archive-object.ts";
import type { S3Location } from "./s3-location.ts";
import { recordUploadAttempt, type AttemptRecord } from "./upload-attempts.ts";

async function listEarlier(s3: S3Client, location: S3Location, start: string, key: string): Promise<string[]> {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: location.bucket, Prefix: start }));
  return (listed.Contents ?? []).flatMap((o) => (o.Key && o.Key !== key ? [o.Key] : []));
}

export async function writeArchiveObject(
  s3: S3Client, location: S3Location, partition: number, entries: readonly ArchivedEntry[], attempts?: AttemptRecord,
): Promise<string> {
  const first = entries[0];
  const last = entries.at(-1);
  if (!first || !last) throw new RangeError("an archive object holds at least one entry");
  const start = objectKeyStart(location.prefix, partition, first.id);
  const key = objectKey(location.prefix, partition, first.id, last.id);
  const [recorded, body] = await Promise.all([
    attempts ? recordUploadAttempt(attempts, location.bucket, partitionPrefix(location.prefix, partition), start, key) : null,
    encodeArchiveObjectAsync(entries),
  ]);
  const put = s3.send(new PutObjectCommand({
    Bucket: location.bucket, Key: key, Body: body,
    ContentType: "application/x-ndjson", ContentEncoding: "gzip",
    Metadata: { entries: String(entries.length), "first-seq": String(first.seq), "last-seq": String(last.seq) },
  }));
  // The listing, when needed, goes with the upload: an earlier attempt's object is told apart by its key.
  const [earlier] = await Promise.all([recorded?.known ? recorded.keys : listEarlier(s3, location, start, key), put]);
  for (const other of earlier) await s3.send(new DeleteObjectCommand({ Bucket: location.bucket, Key: other }));
  return key;
}
