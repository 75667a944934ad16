/**
 * Which consumers are provably dead. Each runtime keeps a liveness key per consumer name
 * (refreshed well within `ttlMs`, removed on a clean stop) holding its host, PID namespace and
 * PID. Another consumer of the group is dead when
 * - its key names this host and PID namespace and that PID no longer runs (a worker restarted on
 *   the same host claims its predecessor's entries at once), or
 * - its key has lapsed and the consumer has been idle in Redis for longer than `ttlMs`.
 * A consumer without a key that was active recently (an older version, or a Redis that just lost
 * its keys) is left alone: at worst its entries wait for CLAIM_IDLE as before.
 */
import { readlinkSync } from "node:fs";
import { hostname } from "node:os";
import { Cluster } from "ioredis";
import type { Logger } from "../logger.ts";
import type { RedisClient } from "../redis/create-redis.ts";
import { fieldsToRecord } from "./entry.ts";
import type { Keys } from "./keys.ts";

export interface ProcessIdentity {
  readonly host: string;
  /** The PID namespace (Linux): containers sharing a host name must not judge each other's PIDs. */
  readonly pidns: string;
  readonly pid: number;
}

function pidNamespace(): string {
  try {
    return readlinkSync("/proc/self/ns/pid");
  } catch {
    return "";
  }
}

export const THIS_PROCESS: ProcessIdentity = Object.freeze({ host: hostname(), pidns: pidNamespace(), pid: process.pid });

function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it runs under another user.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

function parseIdentity(text: string | null): ProcessIdentity | null {
  if (!text) return null;
  try {
    const value = JSON.parse(text) as Partial<ProcessIdentity>;
    if (typeof value.host !== "string" || typeof value.pidns !== "string" || !Number.isSafeInteger(value.pid)) return null;
    return { host: value.host, pidns: value.pidns, pid: value.pid as number };
  } catch {
    return null;
  }
}

export interface ConsumerSeen {
  readonly name: string;
  /** Milliseconds since the consumer last talked to Redis (XINFO CONSUMERS `idle`). */
  readonly idleMs: number;
}

/**
 * One key per consumer, each with its own hash tag, so in different slots: neither MGET nor a
 * pipeline may span them on a Cluster (ioredis refuses a pipeline over several nodes), so there
 * each is its own GET and ioredis sends them to their nodes together.
 */
async function readAliveKeys(redis: RedisClient, aliveKeys: readonly string[]): Promise<[Error | null, unknown][]> {
  if (redis instanceof Cluster) {
    return Promise.all(aliveKeys.map((key) => redis.get(key).then((v): [null, unknown] => [null, v], (err: Error): [Error, null] => [err, null])));
  }
  const pipeline = redis.pipeline();
  for (const key of aliveKeys) pipeline.get(key);
  return (await pipeline.exec()) ?? [];
}

/** The names among `consumers` that are provably dead (see the file comment). */
export async function findDeadConsumers(
  redis: RedisClient, keys: Keys, consumers: readonly ConsumerSeen[], ttlMs: number, self: ProcessIdentity = THIS_PROCESS,
): Promise<Set<string>> {
  const dead = new Set<string>();
  if (consumers.length === 0) return dead;
  const replies = await readAliveKeys(redis, consumers.map((c) => keys.alive(c.name)));
  consumers.forEach((c, i) => {
    const [err, value] = replies[i] ?? [null, null];
    if (err) return;
    const identity = parseIdentity(value as string | null);
    if (identity) {
      const sameMachine = identity.host === self.host && identity.pidns === self.pidns && self.pidns !== "";
      if (sameMachine && identity.pid !== self.pid && !processRuns(identity.pid)) dead.add(c.name);
    } else if (c.idleMs > ttlMs) {
      dead.add(c.name);
    }
  });
  return dead;
}

export interface Liveness {
  start(): void;
  /** Removes the key: called after the consumer's loops stopped cleanly. */
  stop(): Promise<void>;
}

/** Keeps `consumerName`'s liveness key alive, refreshing it three times per `ttlMs`. */
export function createLiveness(redis: RedisClient, keys: Keys, consumerName: string, ttlMs: number, log: Logger): Liveness {
  const key = keys.alive(consumerName);
  const value = JSON.stringify(THIS_PROCESS);
  let timer: NodeJS.Timeout | null = null;
  let failing = false;
  const refresh = () =>
    redis.set(key, value, "PX", ttlMs).then(
      () => {
        failing = false;
      },
      (err: unknown) => {
        // Once per outage: the loops report the outage themselves.
        if (!failing) log.warn({ err, key }, "could not refresh this consumer's liveness key; is Redis reachable?");
        failing = true;
      },
    );
  return {
    start() {
      if (timer) return;
      void refresh();
      timer = setInterval(() => void refresh(), Math.max(100, Math.floor(ttlMs / 3)));
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await redis.del(key).catch(() => undefined);
    },
  };
}

/**
 * The consumers of `group` on `streams` that may be alive: those with a liveness key, and those
 * Redis has heard from within `ttlMs` (XINFO CONSUMERS `idle`; a working consumer's blocking reads
 * keep it low). Empty when nothing is consuming the group, e.g. no worker runs it.
 */
export async function findLiveConsumers(
  redis: RedisClient, keys: Keys, group: string, streams: readonly string[], ttlMs: number,
): Promise<string[]> {
  const seen = new Map<string, number>();
  for (const stream of streams) {
    let reply: unknown[][];
    try {
      reply = (await redis.call("XINFO", ["CONSUMERS", stream, group])) as unknown[][];
    } catch {
      // NOGROUP or no such stream: nobody consumes the group there.
      continue;
    }
    for (const flat of reply) {
      const c = fieldsToRecord(flat.map(String));
      const name = c.name ?? "";
      seen.set(name, Math.min(seen.get(name) ?? Number.POSITIVE_INFINITY, Number(c.idle)));
    }
  }
  const names = [...seen.keys()];
  if (names.length === 0) return [];
  // readAliveKeys: one pipeline on a single node, single GETs across a Cluster's nodes.
  const replies = await readAliveKeys(redis, names.map((name) => keys.alive(name)));
  return names.filter((name, i) => (replies[i]?.[1] ?? null) !== null || (seen.get(name) ?? Number.POSITIVE_INFINITY) <= ttlMs);
}
