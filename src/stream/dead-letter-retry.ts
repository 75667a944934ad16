/**
 * `ichnos dead retry G`: re-drives dead-lettered entries through the group's projection, one
 * transaction each. The group's checkpoint already lies past them, so it is left alone; an entry
 * that succeeds leaves the dead letters, one that fails again stays with its new error.
 */
import type { Pool } from "../db/pool.ts";
import { withTransaction } from "../db/tx.ts";
import type { Logger } from "../logger.ts";
import type { RedisClient } from "../redis/create-redis.ts";
import { listDeadLetters, removeDeadLetters, type DeadLetter } from "./dead-letters.ts";
import type { AnyConsumer } from "./define-consumer.ts";
import { projectContext } from "./project-context.ts";
import type { Keys } from "./keys.ts";
import { decodeEntry, projectionEntry } from "./entry.ts";

export interface RetryOutcome {
  readonly deadLetter: DeadLetter;
  readonly ok: boolean;
  readonly error?: string;
}

export async function retryDeadLetters(
  deps: { redis: RedisClient; pool: Pool; log: Logger; keys: Keys }, consumer: AnyConsumer, deadStream: string, onlyIds?: readonly string[],
): Promise<RetryOutcome[]> {
  const wanted = onlyIds && onlyIds.length > 0 ? new Set(onlyIds) : null;
  const letters = (await listDeadLetters(deps.redis, deadStream, 100_000))
    .filter((d) => !wanted || wanted.has(d.deadId) || wanted.has(d.id));
  const outcomes: RetryOutcome[] = [];
  for (const letter of letters) {
    const entry = decodeEntry(letter.stream, letter.id, ["n", String(letter.seq), "v", String(letter.version), "d", letter.payload]);
    if (entry.error) {
      outcomes.push({ deadLetter: letter, ok: false, error: `still undecodable: ${entry.error}` });
      continue;
    }
    try {
      await withTransaction(deps.pool, (tx) => consumer.project(
        [projectionEntry(entry.stream, entry)],
        projectContext({ tx, log: deps.log, group: consumer.name, streamKey: entry.stream, redis: deps.redis, keys: deps.keys, consumer: "dead-letter-retry" }),
      ));
      await removeDeadLetters(deps.redis, deadStream, [letter.deadId]);
      outcomes.push({ deadLetter: letter, ok: true });
    } catch (err) {
      outcomes.push({ deadLetter: letter, ok: false, error: err instanceof Error ? err.message : String(err) });
    }
  }
  return outcomes;
}
