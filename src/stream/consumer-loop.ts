/**
 * The loop of one group on one stream inside one process: read (own blocking connection),
 * reclaim what dead consumers left, apply in order, isolate and dead-letter entries that keep
 * failing, back off on infrastructure errors. Ends after the batch in hand when `signal` aborts.
 */
import type { Pool } from "../db/pool.ts";
import type { Logger } from "../logger.ts";
import type { PipelineMetrics } from "../metrics/pipeline-metrics.ts";
import type { RedisClient } from "../redis/create-redis.ts";
import { applyBatch, MissingCheckpointError, type ApplyContext } from "./apply-batch.ts";
import { applyEngine, type ApplyEngine } from "./apply-engine.ts";
import type { AnyConsumer } from "./define-consumer.ts";
import { compareEntryIds, entryIdTime, previousEntryId } from "./entry-id.ts";
import { classifyFailure } from "./failure-kind.ts";
import { consumerStamp, VersionChangedError } from "./consumer-version.ts";
import { afterFailure, backOffMs, claimIntervalMs, gatherWaitMs, needsDeliveries } from "./loop-policy.ts";
import type { RawEntry } from "./entry.ts";
import { ensureGroup, RetiredGroupError } from "./ensure-group.ts";
import type { Keys } from "./keys.ts";
import { loadKnownHead, type KnownEntry } from "../db/stream-head.ts";
import { entryBytes, readGroupBounded } from "./bounded-read.ts";
import { recoverPending } from "./recover-pending.ts";
import { isNoGroupError, pendingRange, readGroup, redeliver } from "./stream-commands.ts";
import { sleep } from "../util/sleep.ts";
import type { LoopMark } from "./loop-watch.ts";
import { LEASE_POLL_MS, type PairLease } from "./stream-ownership.ts";

export interface LoopSettings {
  readonly batchSize: number;
  readonly blockMs: number;
  readonly claimIdleMs: number;
  readonly maxDeliveries: number;
  /** Most payload bytes held at once (CONSUMER_BATCH_BYTES); one larger entry is taken alone. */
  readonly batchBytes?: number;
  /** A consumer whose liveness key lapsed this long ago is dead (CONSUMER_LIVENESS). */
  readonly livenessMs?: number;
  /** Apply partial batches at once, even for consumers that `gather` (drains). */
  readonly flush?: boolean;
  /** A loop step lasting longer is reported as stuck (loop-watch.ts); the runtime derives it from blockMs. */
  readonly stuckAfterMs?: number;
}

export const DEFAULT_BATCH_BYTES = 4 * 1024 * 1024;
export const DEFAULT_LIVENESS_MS = 15_000;
const KNOWN_HEAD_REFRESH_MS = 2000;
const GATHER_POLL_MS = 250;

export interface LoopDeps {
  readonly redis: RedisClient;
  /** This loop's own connection for the blocking XREADGROUP. */
  readonly reader: RedisClient;
  readonly pool: Pool;
  readonly keys: Keys;
  readonly log: Logger;
  readonly consumerName: string;
  readonly afterCommit?: ApplyContext["afterCommit"];
  readonly regions?: ApplyEngine["regions"];
  /** Batch latency, entries applied, lost and dead-lettered; absent in tools that count nothing. */
  readonly metrics?: Pick<PipelineMetrics, "batch" | "deadLettered">;
  /** Told each step the loop takes, so a step that never ends is seen (loop-watch.ts). */
  readonly mark?: LoopMark;
  /** The pair's reader lease: new entries are read only while it is held; absent: always. */
  readonly lease?: PairLease;
}

export interface LoopStats {
  applied: number;
  lost: number;
  deadLettered: number;
  batches: number;
}

function mergeHeld(held: RawEntry[], more: readonly RawEntry[]): RawEntry[] {
  if (more.length === 0) return held;
  // The common case: a fresh read, already in stream order.
  if (held.length === 0) return [...more];
  const byId = new Map(held.map((e) => [e.id, e]));
  for (const e of more) byId.set(e.id, e);
  return [...byId.values()].sort((a, b) => compareEntryIds(a.id, b.id));
}

export async function runConsumerLoop(
  deps: LoopDeps, consumer: AnyConsumer, stream: string, settings: LoopSettings, signal: AbortSignal, stats: LoopStats,
): Promise<void> {
  const { redis, reader, keys, consumerName } = deps;
  const at = deps.mark ? deps.mark.step : () => undefined;
  const group = consumer.name;
  const log = deps.log.child({ group, stream: keys.logicalName(stream) });
  const batchSize = consumer.batchSize ?? settings.batchSize;
  // Decoded once by the read and checked against the catalogue by the engine: projections get
  // payloads of their stream's type.
  const engine = applyEngine({ consumer, streamKey: stream, redis, keys, log, consumerName, regions: deps.regions });
  const ctx: ApplyContext = { engine, pool: deps.pool, deadStream: keys.dead(group), afterCommit: deps.afterCommit };
  const batchBytes = settings.batchBytes ?? DEFAULT_BATCH_BYTES;
  const livenessMs = settings.livenessMs ?? DEFAULT_LIVENESS_MS;
  const recovery = { claimIdleMs: settings.claimIdleMs, maxDeliveries: settings.maxDeliveries, livenessMs };
  const claimEveryMs = claimIntervalMs(settings.claimIdleMs, livenessMs);
  let held: RawEntry[] = [];
  let lastClaim = 0;
  let isolate = 0; // entries left to apply one at a time after a batch failed
  let failures = 0; // consecutive infrastructure failures, for back-off
  // The batch in hand waits for earlier entries another consumer holds (apply-batch.ts).
  let waitingForEarlier = false;
  const giveUp = new Map<string, { error: string; deliveries: number }>();
  const parsePayload = consumer.payload === undefined;
  const stamp = consumerStamp(consumer);
  const ensure = () => ensureGroup({ redis, pool: deps.pool, keys, log }, group, stream, consumer.start, consumer.isRetired, stamp);

  /**
   * New entries up to the batch's count and byte bounds. When nothing is held and nothing is
   * waiting, one blocking read waits for the next entry (a blocking read cannot be bounded in
   * bytes, but it takes one entry only); whatever arrived with it follows in a bounded read.
   */
  const heldBytes = () => held.reduce((n, e) => n + entryBytes(e), 0);
  async function readMore(): Promise<RawEntry[]> {
    const budget = batchBytes - heldBytes();
    if (held.length > 0 && budget <= 0) return [];
    const limits = { count: batchSize - held.length, budget, allowOversized: held.length === 0 };
    at("reading new entries");
    const got = await readGroupBounded(reader, stream, group, consumerName, limits, parsePayload);
    if (got.length > 0 || held.length > 0) return got;
    at("waiting for new entries");
    const first = await readGroup(reader, stream, group, consumerName, 1, settings.blockMs, parsePayload);
    if (first.length === 0 || batchSize === 1) return first;
    at("reading new entries");
    const rest = await readGroupBounded(reader, stream, group, consumerName, {
      count: batchSize - 1, budget: batchBytes - entryBytes(first[0]!), allowOversized: false,
    }, parsePayload);
    return [...first, ...rest];
  }

  // A worker may start before Redis or MySQL is reachable: keep trying rather than give up.
  for (let attempt = 1; !signal.aborted; attempt++) {
    try {
      await ensure();
      break;
    } catch (err) {
      if (err instanceof RetiredGroupError) {
        log.info("group was removed; its loop ends");
        return;
      }
      const wait = Math.min(10_000, 100 * 2 ** Math.min(attempt, 7));
      log.error({ err, retryInMs: wait }, "cannot set up the consumer group; is Redis or MySQL reachable? retrying");
      at("backing off");
      await sleep(wait, signal);
      at("setting up the group");
    }
  }

  /** How much longer a gathering consumer waits before applying what it holds (0: apply now). */
  const gatherWait = (): number => gatherWaitMs({
    maxAgeMs: consumer.gather?.maxAgeMs, flush: settings.flush ?? false, isolating: isolate > 0, held: held.length, batchSize,
    heldBytes: consumer.gather ? heldBytes() : 0, batchBytes, givingUp: held.some((e) => giveUp.has(e.id)),
    oldestMs: entryIdTime(held[0]!.id).getTime(), nowMs: Date.now(),
  });
  // The known head tells a sequence that Redis restarted from older data apart from new entries
  // (apply-batch.ts). It is re-read every few seconds, and before the first batch read on a new
  // connection: entries numbered anew can only arrive after Redis came back.
  let knownHead: KnownEntry | null = null;
  let headReadAt = 0;
  reader.on("ready", () => {
    headReadAt = 0;
  });
  const refreshKnownHead = async () => {
    if (Date.now() - headReadAt < KNOWN_HEAD_REFRESH_MS) return;
    at("reading the known head");
    knownHead = await loadKnownHead(deps.pool, stream);
    headReadAt = Date.now();
  };
  while (!signal.aborted) {
    try {
      if (Date.now() - lastClaim >= claimEveryMs) {
        lastClaim = Date.now();
        at("taking over pending entries");
        // A full batch that waits for earlier entries must still be able to take them over when
        // their holder dies, or neither would ever be applied: it may then hold one batch more.
        const room = waitingForEarlier
          ? { count: batchSize, budget: batchBytes, allowOversized: true }
          : { count: batchSize - held.length, budget: batchBytes - heldBytes(), allowOversized: held.length === 0 };
        const got = await recoverPending({ redis, keys, log }, stream, group, consumerName, recovery, room, parsePayload);
        if (got.removedConsumers.length > 0) log.info({ removed: got.removedConsumers }, "removed dead consumers that held nothing");
        for (const [id, reason] of got.giveUp) giveUp.set(id, reason);
        held = mergeHeld(held, got.claimed);
        if (got.isolate) isolate = Math.max(isolate, held.length);
        // Come back at once for the rest of what dead consumers left.
        if (got.more) lastClaim = 0;
      }
      if (held.length < batchSize) {
        // New entries only while this worker holds the stream's reader lease (stream-ownership.ts).
        if (!deps.lease || (await deps.lease.mayRead(held.length === 0))) {
          held = mergeHeld(held, await readMore());
        } else if (held.length === 0) {
          at("leaving the stream to another worker");
          await sleep(LEASE_POLL_MS, signal);
          continue;
        }
      }
      if (held.length === 0) continue;
      const waitMs = gatherWait();
      if (waitMs > 0) {
        // Not a full batch yet: look again shortly (a blocking read could not keep the byte bound).
        at("gathering a batch");
        await sleep(Math.min(waitMs, GATHER_POLL_MS), signal);
        continue;
      }

      await refreshKnownHead();
      // The batch's logger names it on every line (the loop's adds group and stream); a child
      // logger rather than an async context: AsyncLocalStorage costs every promise on Node 20.
      const attempted = isolate > 0 ? 1 : held.length;
      const batchFields = { firstId: held[0]!.id, lastId: held[attempted - 1]!.id, entries: attempted };
      const started = performance.now();
      at("applying a batch");
      const result = await applyBatch({ ...ctx, engine: { ...engine, log: log.child(batchFields) } }, held, { limit: isolate > 0 ? 1 : undefined, giveUp, knownHead });
      failures = 0;
      if (result.kind === "done") {
        deps.metrics?.batch(group, result, (performance.now() - started) / 1000);
        if (result.deadLettered > 0) deps.metrics?.deadLettered(group, result.deadLettered);
        const gone = new Set([...result.settled, ...result.released]);
        held = held.filter((e) => !gone.has(e.id));
        for (const id of result.settled) giveUp.delete(id);
        stats.applied += result.applied;
        stats.lost += result.lost;
        stats.batches += 1;
        if (isolate > 0) isolate -= result.settled.length > 0 ? 1 : 0;
        waitingForEarlier = result.waiting && held.length > 0;
        // Handed-back entries normally return at once (a replay moved the group back). If Redis
        // lost track of the entries before them, only rewinding the group brings those back.
        if (result.released.length > 0) {
          at("re-creating the group");
          await ensure();
        }
        if (waitingForEarlier) {
          at("backing off");
          await sleep(Math.min(200, claimEveryMs), signal);
        }
        continue;
      }
      // The apply failed: what next is loop-policy.ts's decision.
      const failure = classifyFailure(result.error);
      // Not the entries' fault: back off below, as for any outage.
      if (failure !== "projection") throw result.error;
      const entry = result.attempted[0]!;
      at("handing back an entry");
      const deliveries = needsDeliveries(failure, result.attempted.length)
        ? (await pendingRange(redis, stream, group, previousEntryId(entry.id), entry.id, 1))[0]?.deliveries ?? 1
        : undefined;
      const step = afterFailure({
        failure, attempted: result.attempted.length, deliveries, maxDeliveries: settings.maxDeliveries, failuresInARow: failures, random: Math.random(),
      });
      const message = result.error instanceof Error ? result.error.message : String(result.error);
      if (step.kind === "isolate") {
        isolate = step.entries;
        log.warn({ err: result.error, ...batchFields, entries: step.entries }, "batch failed; applying its entries one at a time");
      } else if (step.kind === "give-up") {
        giveUp.set(entry.id, { error: message, deliveries: step.deliveries });
        stats.deadLettered += 1;
      } else if (step.kind === "redeliver") {
        log.warn({ err: result.error, entryId: entry.id, deliveries }, "entry failed; it will be delivered again");
        await redeliver(redis, stream, group, consumerName, entry.id);
        at("backing off");
        await sleep(step.waitMs, signal);
      }
    } catch (err) {
      if (signal.aborted) break;
      if (err instanceof VersionChangedError) {
        log.error({ err }, "the group's checkpoint records another version of its consumer; this loop ends");
        return;
      }
      if (isNoGroupError(err) || err instanceof MissingCheckpointError) {
        log.warn({ err }, "group state missing; re-creating it from the checkpoint");
        held = [];
        waitingForEarlier = false;
        at("re-creating the group");
        const retired = await ensure().then(() => false, (e) => {
          if (e instanceof RetiredGroupError) return true;
          log.error({ err: e }, "could not re-create the group; will retry");
          return false;
        });
        if (retired) {
          log.info("group was removed; its loop ends");
          return;
        }
        at("backing off");
        await sleep(100, signal);
        continue;
      }
      failures += 1;
      const wait = backOffMs(failures, Math.random());
      const kind = classifyFailure(err);
      if (kind === "target-unavailable") {
        log.warn({ err, retryInMs: wait, failures }, "the projection's target is unavailable; the batch is retried, the group lags meanwhile");
      } else if (kind === "lock-conflict") {
        // SPEC §4.8: a deadlock or lock-wait timeout rolls the batch back; it is retried whole.
        log.warn({ err, retryInMs: wait, code: (err as { code?: string }).code }, "batch hit a MySQL lock conflict; retrying it");
      } else {
        log.error({ err, retryInMs: wait }, "consumer loop error; is Redis or MySQL reachable? retrying");
      }
      at("backing off");
      await sleep(wait, signal);
    }
  }
}
