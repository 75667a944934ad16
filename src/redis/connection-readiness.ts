/**
 * Which of a process's Redis connections are not serving: a client made by createRedis and the
 * duplicates made from it for blocking reads, as `/__heartbeat__` reports them. A connection whose
 * status has not been `ready` for GRACE_MS (since it was made or lost its connection) is down:
 * one that is still connecting is not an outage, one that stays away is, however its PINGs fare
 * (a Cluster client that never became ready, a consumer's reader that lost its node).
 */
import type { RedisClient } from "./create-redis.ts";

const GRACE_MS = 5000;

interface Tracked {
  readonly client: RedisClient;
  readonly name: string;
  /** When the connection was made or last left `ready`; null while it is ready. */
  unreadySince: number | null;
}

const groups = new WeakMap<RedisClient, Set<Tracked>>();

/** Tracks `client` (named `name`) with the group of `parent` (itself for a new client). */
export function trackReadiness(parent: RedisClient, client: RedisClient, name: string): void {
  const group = groups.get(parent) ?? new Set<Tracked>();
  groups.set(parent, group);
  groups.set(client, group);
  const tracked: Tracked = { client, name, unreadySince: Date.now() };
  group.add(tracked);
  client.on("ready", () => {
    tracked.unreadySince = null;
  });
  const lost = () => {
    tracked.unreadySince ??= Date.now();
  };
  client.on("close", lost);
  client.on("reconnecting", lost);
  client.once("end", () => group.delete(tracked));
}

/**
 * Names (with their status) of the connections of `client`'s group that are not serving: not
 * `ready` for longer than the grace. A lazy client that was never used (`wait`) connects with its
 * first command, so it is not counted.
 */
export function unreadyConnections(client: RedisClient, now = Date.now()): string[] {
  const down: string[] = [];
  for (const t of groups.get(client) ?? []) {
    if (t.client.status === "ready" || t.client.status === "wait") continue;
    if (t.unreadySince !== null && now - t.unreadySince < GRACE_MS) continue;
    down.push(`${t.name}: ${t.client.status}`);
  }
  return down;
}
