/**
 * `ichnos restore`: re-creates the reports streams from the archive, entry for entry (same ids,
 * sequence numbers, schema versions and payloads), so that the ordinary groups rebuild every
 * projection from them, with the very same rows (station times come from entry ids). It only
 * fills streams that are empty, into a database that holds no positions on them, so it can
 * destroy nothing; and it refuses an archive with gaps. The `backup` export is positioned at the
 * end: what is restored is archived already.
 */
import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { insertCheckpoint, loadCheckpoints } from "../db/stream-checkpoint.ts";
import { consumerStamp } from "../stream/consumer-version.ts";
import type { Pool } from "../db/pool.ts";
import type { RedisClient } from "../redis/create-redis.ts";
import type { AnyConsumer } from "../stream/define-consumer.ts";
import type { Keys } from "../stream/keys.ts";
import { appendAsRecorded } from "../stream/append.ts";
import { sequenceValue, streamLength } from "../stream/stream-commands.ts";
import { checkContinuity, describeProblem } from "./archive-continuity.ts";
import { listArchiveObjects } from "./archive-listing.ts";
import { decodeArchiveObject } from "./archive-object.ts";
import type { S3Location } from "./s3-location.ts";

export class RestoreRefusedError extends Error {}

export interface RestoreDeps {
  readonly redis: RedisClient;
  readonly pool: Pool;
  readonly keys: Keys;
  readonly s3: S3Client;
  readonly location: S3Location;
  /** Every registered group: those reading the reports streams start at the first restored entry. */
  readonly consumers: readonly AnyConsumer[];
  /** The export whose archive this is; it starts at the end. */
  readonly archiveGroup: string;
}

export async function restoreFromArchive(deps: RestoreDeps, onProgress: (done: number, total: number) => void = () => undefined): Promise<{ restored: number; partitions: number }> {
  const { redis, pool, keys } = deps;
  const streams = keys.reportStreams();
  const problems: string[] = [];
  for (const stream of streams) {
    const held = await streamLength(redis, stream);
    const counter = await sequenceValue(redis, keys.sequence(stream));
    if (held > 0 || counter > 0) problems.push(`${keys.logicalName(stream)} already holds entries (${held} held, ${counter} ever appended)`);
  }
  const positioned = (await loadCheckpoints(pool)).filter((c) => streams.includes(c.stream));
  if (positioned.length > 0) problems.push(`the database holds positions of ${new Set(positioned.map((c) => c.group)).size} group(s) on the reports streams`);
  const plans = await Promise.all(streams.map((_, p) => listArchiveObjects(deps.s3, deps.location, p)));
  plans.forEach((objects, p) => {
    for (const problem of checkContinuity(objects)) problems.push(`reports-${p}: ${describeProblem(problem)}`);
    if (objects.length > 0 && objects[0]!.firstSeq !== 1) problems.push(`reports-${p}: the archive starts at #${objects[0]!.firstSeq}, not #1`);
  });
  if (problems.length > 0) {
    throw new RestoreRefusedError(`ichnos restore: refusing, nothing was changed:\n${problems.map((p) => `  ${p}`).join("\n")}\n` +
      "Restore fills empty reports streams (a new REDIS_PREFIX or an emptied Redis) for a new database, from an archive without gaps (ichnos archive verify).");
  }

  const total = plans.flat().reduce((n, o) => n + o.lastSeq - o.firstSeq + 1, 0);
  let restored = 0;
  for (const [p, objects] of plans.entries()) {
    const stream = streams[p]!;
    let last: { id: string; seq: number } | null = null;
    for (const o of objects) {
      const got = await deps.s3.send(new GetObjectCommand({ Bucket: deps.location.bucket, Key: o.key }));
      const entries = decodeArchiveObject(await got.Body!.transformToByteArray());
      await appendAsRecorded(redis, stream, entries.map((e) => ({ id: e.id, seq: e.seq, version: e.version, text: e.text ?? JSON.stringify(e.data) })));
      const tail = entries.at(-1)!;
      last = { id: tail.id, seq: tail.seq };
      restored += entries.length;
      onProgress(restored, total);
    }
    if (!last) continue;
    await redis.set(keys.sequence(stream), String(last.seq));
    // Groups begin at the first restored entry (those that would begin at "$" too); the archive's
    // own group at the last, as everything restored is archived already.
    for (const c of deps.consumers) {
      if (!keys.resolve(c.reads).includes(stream)) continue;
      const at = c.name === deps.archiveGroup ? last : { id: "0-0", seq: 0 };
      await insertCheckpoint(pool, c.name, stream, at.id, at.seq, consumerStamp(c));
    }
  }
  return { restored, partitions: plans.filter((o) => o.length > 0).length };
}
