/**
 * `ichnos dead retry G`: re-drives dead-lettered entries through the group's projection, one
 * transaction each. The group's checkpoint already lies past them, so it is left alone; an entry
 * that succeeds leaves the dead letters, one that fails again stays with its new error.
 */
import type { Pool } from "../db/pool.ts";
import type { Logger } from "../logger.ts";
import type { RedisClient } from "../redis/create-redis.ts";
import { listDeadLetters, removeDeadLetters, type DeadLetter } from "./dead-letters.ts";
import type { AnyConsumer } from "./define-consumer.ts";
import type { RegionLookup } from "../geo/region-lookup.ts";
import { type ApplyEngine, applyEngine, projectInTransaction, sortEntries } from "./apply-engine.ts";
import type { Keys } from "./keys.ts";
import { decodeEntry } from "./entry.ts";

export interface RetryOutcome {
  readonly deadLetter: DeadLetter;
  readonly ok: boolean;
  readonly error?: string;
}

export interface RetryDeps {
  readonly redis: RedisClient;
  readonly pool: Pool;
  readonly log: Logger;
  readonly keys: Keys;
  /** `ctx.regions` of the projection (the process's lookup); the default one when absent. */
  readonly regions?: RegionLookup;
}

export async function retryDeadLetters(deps: RetryDeps, consumer: AnyConsumer, deadStream: string, onlyIds?: readonly string[]): Promise<RetryOutcome[]> {
  const wanted = onlyIds && onlyIds.length > 0 ? new Set(onlyIds) : null;
  const letters = (await listDeadLetters(deps.redis, deadStream, 100_000))
    .filter((d) => !wanted || wanted.has(d.deadId) || wanted.has(d.id));
  const engines = new Map<string, ApplyEngine>();
  const engineOf = (streamKey: string): ApplyEngine => {
    let engine = engines.get(streamKey);
    if (!engine) {
      engine = applyEngine({ consumer, streamKey, redis: deps.redis, keys: deps.keys, log: deps.log, consumerName: "dead-letter-retry", regions: deps.regions });
      engines.set(streamKey, engine);
    }
    return engine;
  };
  const outcomes: RetryOutcome[] = [];
  for (const letter of letters) {
    const entry = decodeEntry(letter.stream, letter.id, ["n", String(letter.seq), "v", String(letter.version), "d", letter.payload]);
    const engine = engineOf(letter.stream);
    // The same sorting as every apply: what still does not decode, or is still not of the
    // stream's type, stays a dead letter.
    const sorted = sortEntries(engine, [entry]);
    if (sorted.project.length === 0) {
      outcomes.push({ deadLetter: letter, ok: false, error: `still ${sorted.dead[0]!.error}` });
      continue;
    }
    const failed = await projectInTransaction(deps.pool, engine, sorted.project);
    // Redis or MySQL failing ends the command: the remaining letters would fail the same way.
    if (failed?.kind === "infrastructure") throw failed.error;
    if (failed === null) {
      await removeDeadLetters(deps.redis, deadStream, [letter.deadId]);
      outcomes.push({ deadLetter: letter, ok: true });
    } else {
      outcomes.push({ deadLetter: letter, ok: false, error: failed.error instanceof Error ? failed.error.message : String(failed.error) });
    }
  }
  return outcomes;
}
