/**
 * Reading archived entries back for a replay: a partition's objects in entry order, their
 * entries checked to follow each other by sequence number, so a replay over the archive has no
 * gap and no duplicate, and meets the retained stream exactly.
 */
import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { compareEntryIds } from "../stream/entry-id.ts";
import type { ArchiveObjectInfo } from "./archive-continuity.ts";
import { listArchiveObjects } from "./archive-listing.ts";
import { type ArchivedEntry, decodeArchiveObject } from "./archive-object.ts";
import type { S3Location } from "./s3-location.ts";

/** What a replay needs from a partition's archive: entries after `afterId` up to number `untilSeq`. */
export interface ArchiveSpan {
  readonly partition: number;
  readonly afterId: string;
  readonly untilSeq: number;
}

/**
 * Whether the objects hold every entry from the one containing (or first after) `afterId` up to
 * `untilSeq` without a gap, and from #1 when `afterId` is the very start.
 */
export function archiveCovers(objects: readonly ArchiveObjectInfo[], span: Omit<ArchiveSpan, "partition">): boolean {
  const start = span.afterId === "0-0" ? objects.findIndex((o) => o.firstSeq === 1) : objects.findIndex((o) => compareEntryIds(o.lastId, span.afterId) > 0);
  if (start < 0) return false;
  let reached = objects[start]!.lastSeq;
  for (let i = start + 1; i < objects.length && reached < span.untilSeq; i++) {
    if (objects[i]!.firstSeq !== reached + 1) return false;
    reached = objects[i]!.lastSeq;
  }
  return reached >= span.untilSeq;
}

export async function loadCoverage(s3: S3Client, location: S3Location, span: ArchiveSpan): Promise<{ covered: boolean; objects: ArchiveObjectInfo[] }> {
  const objects = await listArchiveObjects(s3, location, span.partition);
  return { covered: archiveCovers(objects, span), objects };
}

/** The span's entries in order, a batch at a time; throws when the archive has a gap. */
export async function* readArchiveSpan(
  s3: S3Client, location: S3Location, span: ArchiveSpan, objects: readonly ArchiveObjectInfo[], batchSize: number,
): AsyncGenerator<ArchivedEntry[]> {
  let expect: number | null = span.afterId === "0-0" ? 1 : null;
  let batch: ArchivedEntry[] = [];
  for (const o of objects) {
    if (compareEntryIds(o.lastId, span.afterId) <= 0 || o.firstSeq > span.untilSeq) continue;
    const got = await s3.send(new GetObjectCommand({ Bucket: location.bucket, Key: o.key }));
    for (const e of decodeArchiveObject(await got.Body!.transformToByteArray())) {
      if (compareEntryIds(e.id, span.afterId) <= 0 || e.seq > span.untilSeq) continue;
      if (expect !== null && e.seq !== expect) {
        throw new Error(`the archive of reports-${span.partition} jumps from #${expect - 1} to #${e.seq} (in ${o.key}); run ichnos archive verify`);
      }
      expect = e.seq + 1;
      batch.push(e);
      if (batch.length >= batchSize) {
        yield batch;
        batch = [];
      }
    }
  }
  if (batch.length > 0) yield batch;
  if (expect === null || expect <= span.untilSeq) {
    throw new Error(`the archive of reports-${span.partition} ends at #${(expect ?? 1) - 1}, before #${span.untilSeq} where the stream begins`);
  }
}
