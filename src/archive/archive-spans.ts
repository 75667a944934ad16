/**
 * Which of the history that the retained reports streams lack an archive holds: for each
 * missing stream that is a reports partition, the span from the replay's starting point up to
 * the entry before the first one held, if the archive covers it without a gap. Derived streams
 * (observations, areas) are not archived: they stay missing.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import type { RedisClient } from "../redis/create-redis.ts";
import { previousEntryId, ZERO_ID } from "../stream/entry-id.ts";
import type { MissingHistory } from "../stream/history-check.ts";
import type { Keys } from "../stream/keys.ts";
import type { From } from "../stream/positions.ts";
import { sequenceValue } from "../stream/stream-commands.ts";
import type { ArchiveObjectInfo } from "./archive-continuity.ts";
import { loadCoverage, type ArchiveSpan } from "./archive-reader.ts";
import type { S3Location } from "./s3-location.ts";

export interface ArchivedHistory {
  readonly s3: S3Client;
  readonly location: S3Location;
  readonly spans: ReadonlyMap<string, { readonly span: ArchiveSpan; readonly objects: readonly ArchiveObjectInfo[] }>;
}

export async function findArchivedHistory(
  deps: { redis: RedisClient; keys: Keys; s3: S3Client; location: S3Location }, from: From, missing: readonly MissingHistory[],
): Promise<{ archive: ArchivedHistory; stillMissing: MissingHistory[] }> {
  const streams = deps.keys.reportStreams();
  const spans = new Map<string, { span: ArchiveSpan; objects: ArchiveObjectInfo[] }>();
  const stillMissing: MissingHistory[] = [];
  for (const m of missing) {
    const partition = streams.indexOf(m.stream);
    if (partition < 0) {
      stillMissing.push(m);
      continue;
    }
    const untilSeq = m.firstHeld ? m.firstHeld.seq - 1 : await sequenceValue(deps.redis, deps.keys.sequence(m.stream));
    const span: ArchiveSpan = { partition, afterId: from.kind === "id" ? previousEntryId(from.id) : ZERO_ID, untilSeq };
    const coverage = await loadCoverage(deps.s3, deps.location, span);
    if (coverage.covered) spans.set(m.stream, { span, objects: coverage.objects });
    else stillMissing.push(m);
  }
  return { archive: { s3: deps.s3, location: deps.location, spans }, stillMissing };
}
