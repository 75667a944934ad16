/**
 * Which worker reads each (group, stream) pair. Entries of one stream are applied in order, so
 * workers that all read the same stream take turns: each batch holds only what arrived since the
 * other's read, and each waits for the other's earlier entries. bench:scale measured it: the same
 * reports took 1,109 batches with one worker and 2,610 with three, at almost twice the worker CPU
 * per observation. Instead, a pair is read by one worker at a time, which holds the pair's reader
 * lease (a Redis key with its consumer name, renewed while its loop runs), and the pairs are shared
 * out: a worker takes free pairs up to its share (each group's pairs divided by the live workers
 * that run that group, summed over its groups, rounded up), and when another worker joins it stops
 * reading as many pairs as it holds beyond its share, applies what it holds of them and gives them
 * back. The workers running a group are counted in a sorted set per group that each runtime
 * refreshes three times per TTL, like its liveness key.
 *
 * Leases only decide who reads new entries; what is applied and in which order stays with the
 * MySQL checkpoints, so two readers at once (a lease lost to a stalled renewal) cost speed, not
 * correctness. Nothing waits for a lease forever: a pair free for longer than FREE_GRACE_MS is
 * taken by any worker whatever its share (workers that run different groups count in each
 * other's share), the lease of a holder provably dead (consumer-liveness.ts) is taken at once, and
 * any other lapses after its TTL.
 */
import type { RedisClient } from "../redis/create-redis.ts";
import { releaseIfHeld, renewIfHeld } from "../redis/lease.ts";
import { findDeadConsumers } from "./consumer-liveness.ts";
import type { Keys } from "./keys.ts";

/** How often a loop without the lease looks whether it may take it. */
export const LEASE_POLL_MS = 250;
/** A pair nobody has read for this long is taken by any worker, over its share or not. */
const FREE_GRACE_MS = 1000;

export interface PairLease {
  /**
   * Whether this loop may read new entries now: takes or renews the lease as due, and gives it
   * back when this worker holds more than its share and the loop holds no entries (`idle`).
   */
  mayRead(idle: boolean): Promise<boolean>;
  /** Gives the lease back (the loop ends). */
  release(): Promise<void>;
}

export interface StreamOwnership {
  pair(group: string, stream: string): PairLease;
  /** Pairs whose lease this worker holds now, of those its loops run. */
  held(): { readonly held: number; readonly pairs: number; readonly share: number };
  start(): void;
  stop(): Promise<void>;
}

export interface OwnershipOptions {
  readonly redis: RedisClient;
  readonly keys: Keys;
  readonly consumerName: string;
  /** Lease and membership lifetime; renewed three times per TTL. */
  readonly ttlMs: number;
}

export function createStreamOwnership(options: OwnershipOptions): StreamOwnership {
  const { redis, keys, consumerName: me, ttlMs } = options;
  // Per group: the pairs this worker's loops run, and how many live workers run the group.
  const groups = new Map<string, { pairs: number; members: number }>();
  let held = 0;
  // Pairs this worker is finishing before it gives them back (over its share).
  let leavingCount = 0;
  let timer: NodeJS.Timeout | null = null;
  // Each group's pairs are shared by the workers that run it: a worker that runs one analyst's
  // group alone lowers nobody's share of the station groups.
  const share = () => {
    let sum = 0;
    for (const g of groups.values()) sum += g.pairs / Math.max(1, g.members);
    return Math.ceil(sum - 1e-9);
  };
  const pairCount = () => [...groups.values()].reduce((n, g) => n + g.pairs, 0);

  const refreshGroup = async (group: string) => {
    const key = keys.workers(group);
    const now = Date.now();
    const reply = await redis.multi()
      .zadd(key, now, me)
      .zremrangebyscore(key, "-inf", now - ttlMs)
      .zcard(key)
      .pexpire(key, ttlMs * 4)
      .exec()
      .catch(() => null);
    const count = Number(reply?.[2]?.[1] ?? 0);
    const entry = groups.get(group);
    // Unknown (Redis unreachable): keep the last count; the loops are failing over anyway.
    if (entry && count > 0) entry.members = count;
  };
  const refreshMembers = () => Promise.all([...groups.keys()].map(refreshGroup));

  return {
    start() {
      if (timer) return;
      void refreshMembers();
      timer = setInterval(() => void refreshMembers(), Math.max(100, Math.floor(ttlMs / 3)));
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await Promise.all([...groups.keys()].map((g) => redis.zrem(keys.workers(g), me).catch(() => undefined)));
    },
    held: () => ({ held, pairs: pairCount(), share: share() }),
    pair(group, stream) {
      const key = keys.readerLease(group, stream);
      const entry = groups.get(group);
      if (entry) entry.pairs += 1;
      else {
        groups.set(group, { pairs: 1, members: 1 });
        // A group started later (an export added) is counted from now, not at the next refresh.
        if (timer) void refreshGroup(group);
      }
      let holding = false;
      let renewedAt = 0;
      let nextTry = 0;
      let freeSince: number | null = null;
      let leaving = false;
      let released = false;

      const take = (now: number) => {
        holding = true;
        held += 1;
        renewedAt = now;
        freeSince = null;
      };
      /** No longer holding (given back, lapsed, or the loop ended): nor leaving, then. */
      const drop = () => {
        if (holding) held -= 1;
        holding = false;
        if (leaving) leavingCount -= 1;
        leaving = false;
      };
      /** Whether the lease's holder is provably dead (a worker on this host whose PID is gone). */
      const holderDead = async (holder: string) =>
        holder !== me && (await findDeadConsumers(redis, keys, [{ name: holder, idleMs: 0 }], ttlMs)).has(holder);

      return {
        async mayRead(idle) {
          const now = Date.now();
          if (holding) {
            // Over this worker's share (another one joined): stop reading new entries, finish
            // the ones held, then give the pair back; as many pairs as the excess, no more.
            // Only a pair of a group that other workers run: nobody else would take the others.
            if (!leaving && held - leavingCount > share() && (groups.get(group)?.members ?? 1) > 1) {
              leaving = true;
              leavingCount += 1;
            }
            if (leaving && idle) {
              drop();
              // Leave it to the others for a while: they take free pairs while under their share.
              nextTry = now + FREE_GRACE_MS * 2;
              await releaseIfHeld(redis, key, me);
              return false;
            }
            if (now - renewedAt >= ttlMs / 3) {
              if (!(await renewIfHeld(redis, key, me, ttlMs))) {
                // Lapsed (this process stalled) and perhaps taken by another worker meanwhile.
                drop();
                return false;
              }
              renewedAt = now;
            }
            return !leaving;
          }
          if (now < nextTry) return false;
          nextTry = now + LEASE_POLL_MS;
          const holder = await redis.get(key);
          if (holder !== null && holder !== me) {
            freeSince = null;
            if (!(await holderDead(holder))) return false;
            await releaseIfHeld(redis, key, holder);
          } else if (holder === null) {
            freeSince ??= now;
          }
          // A pair whose holder died, or free past the grace, is taken whatever the share.
          const mayTake = held < share() || holder !== null || (freeSince !== null && now - freeSince >= FREE_GRACE_MS);
          if (!mayTake) return false;
          if (holder !== me && (await redis.set(key, me, "PX", ttlMs, "NX")) !== "OK") return false;
          take(now);
          return true;
        },
        async release() {
          if (released) return;
          released = true;
          const own = groups.get(group);
          if (own) {
            own.pairs -= 1;
            if (own.pairs === 0) {
              groups.delete(group);
              await redis.zrem(keys.workers(group), me).catch(() => undefined);
            }
          }
          const was = holding;
          drop();
          if (was) await releaseIfHeld(redis, key, me).catch(() => undefined);
        },
      };
    },
  };
}
