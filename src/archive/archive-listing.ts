/**
 * A partition's archive objects in entry order, with the sequence numbers their metadata
 * records (one HEAD per object, sixteen at a time), optionally only those overlapping a time range.
 */
import { HeadObjectCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { entryIdTime } from "../stream/entry-id.ts";
import { parseObjectKey, partitionPrefix } from "./archive-object.ts";
import type { ArchiveObjectInfo } from "./archive-continuity.ts";
import type { S3Location } from "./s3-location.ts";

const HEADS_IN_FLIGHT = 16;

export async function listArchiveObjects(
  s3: S3Client, location: S3Location, partition: number, range: { fromMs?: number; toMs?: number } = {},
): Promise<ArchiveObjectInfo[]> {
  const named: { key: string; firstId: string; lastId: string }[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({
      Bucket: location.bucket, Prefix: partitionPrefix(location.prefix, partition), ContinuationToken: token,
    }));
    for (const o of page.Contents ?? []) {
      const parsed = o.Key ? parseObjectKey(o.Key) : null;
      if (!parsed || parsed.partition !== partition) continue;
      if (range.fromMs !== undefined && entryIdTime(parsed.lastId).getTime() < range.fromMs) continue;
      if (range.toMs !== undefined && entryIdTime(parsed.firstId).getTime() > range.toMs) continue;
      named.push({ key: o.Key!, firstId: parsed.firstId, lastId: parsed.lastId });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);

  const out: ArchiveObjectInfo[] = new Array(named.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < named.length; i = next++) {
      const n = named[i]!;
      const head = await s3.send(new HeadObjectCommand({ Bucket: location.bucket, Key: n.key }));
      out[i] = { ...n, firstSeq: Number(head.Metadata?.["first-seq"] ?? 0), lastSeq: Number(head.Metadata?.["last-seq"] ?? 0) };
    }
  };
  await Promise.all(Array.from({ length: Math.min(HEADS_IN_FLIGHT, named.length) }, worker));
  return out;
}
