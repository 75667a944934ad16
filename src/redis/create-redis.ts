import type { Socket } from "node:net";
import { Cluster, Redis, type Command, type RedisOptions } from "ioredis";
import { createLogger, type Logger } from "../logger.ts";
import { boundClusterCommands, createCluster } from "./cluster-client.ts";
import { trackReadiness } from "./connection-readiness.ts";

export type RedisClient = Redis | Cluster;

export interface RedisConnectionOptions {
  readonly url: string;
  readonly clusterNodes?: readonly string[];
  /** Shown in CLIENT LIST so operators can tell connections apart. */
  readonly name?: string;
  readonly lazyConnect?: boolean;
  /**
   * REDIS_TIMEOUT: the longest a command waits for its answer. When set, the client fails fast
   * (see `failFastOptions`); when absent it keeps ioredis's patient defaults (tests, tools).
   */
  readonly commandTimeoutMs?: number;
  /** CONSUMER_BLOCK: the longest blocking read the duplicates for blocking reads will make. */
  readonly blockMs?: number;
  /** Where connection errors are reported; a warn-level logger on stdout when absent. */
  readonly log?: Logger;
}

/** What a client's duplicates inherit: they are made later, by code that knows only the client. */
interface Family {
  readonly commandTimeoutMs: number | undefined;
  readonly blockMs: number;
  readonly warn: (connection: string, err: Error) => void;
}

const families = new WeakMap<RedisClient, Family>();
const WARN_EVERY_MS = 10_000;
const DEFAULT_BLOCK_MS = 2000;
const CHECK_HINT =
  "Redis connection error; check that redis-server is running and reachable at REDIS_URL " +
  "(REDIS_CLUSTER_NODES for a cluster): requests are answered without Redis until it returns";

/**
 * ioredis emits 'error' for every failed reconnect (many a second in an outage); an emitter with
 * no listener prints an unstructured "Unhandled error event" each time. One warning per
 * connection name per 10 s, with the count of those held back, says the same thing once.
 */
function createErrorWarner(log: Logger): Family["warn"] {
  const seen = new Map<string, { last: number; suppressed: number }>();
  return (connection, err) => {
    const now = Date.now();
    const state = seen.get(connection);
    if (state && now - state.last < WARN_EVERY_MS) {
      state.suppressed += 1;
      return;
    }
    seen.set(connection, { last: now, suppressed: 0 });
    const code = (err as { code?: unknown }).code;
    log.warn({ connection, err: err.message, code, suppressed: state?.suppressed ?? 0 }, CHECK_HINT);
  };
}

/**
 * With a command timeout, nothing may wait behind a dead connection or reach Redis after its
 * caller was answered: no retry of a command across reconnects (maxRetriesPerRequest 0 rejects
 * what was in flight when the connection closed), no resending of unanswered commands, and no
 * offline queue once the connection was ready once (`queueUntilFirstReady`).
 */
function failFastOptions(timeoutMs: number | undefined): Partial<RedisOptions> {
  if (timeoutMs === undefined) return { maxRetriesPerRequest: 3 };
  return { commandTimeout: timeoutMs, maxRetriesPerRequest: 0, autoResendUnfulfilledCommands: false, enableOfflineQueue: true };
}

/**
 * The offline queue holds the commands issued before the first connection is up (CLI commands
 * and consumer start-up run right after the client is made). After that, a command issued while
 * the connection is down is refused at once instead of waiting for a reconnect.
 */
function queueUntilFirstReady(client: Redis): void {
  client.once("ready", () => {
    client.options.enableOfflineQueue = false;
  });
}

/**
 * A command that timed out was answered with an error, so it must never run later. Two paths
 * would run it: the offline queue sends its commands when the connection comes up, and a
 * half-open connection (a stopped or frozen server) delivers bytes already sent once the server
 * wakes. The first is closed by not writing settled commands; the second by resetting the
 * connection on a timeout: a TCP reset makes the server's kernel drop what it has not read yet,
 * where a normal close would leave it to be executed. A command the server had already read
 * when the timeout fired may still complete; no client can tell those apart.
 */
function guardLateWrites(client: Redis): void {
  const send = client.sendCommand.bind(client);
  const skipped = new WeakSet<object>();
  client.sendCommand = (command: Command, stream?: Parameters<Redis["sendCommand"]>[1]) => {
    // A pipeline (MULTI/EXEC) is written in one piece once all its commands passed through; it is
    // skipped whole when its first command was settled, never in part.
    if (stream && skipped.has(stream)) return command.promise;
    if (command.isSettled && (!stream || command.pipelineIndex === 0 || command.pipelineIndex === undefined)) {
      if (stream) skipped.add(stream);
      return command.promise;
    }
    const result = send(command, stream);
    command.promise.catch((err: unknown) => {
      if ((err as Error | null)?.message !== "Command timed out") return;
      const socket = client.stream as Socket | undefined;
      if (socket && !socket.destroyed) socket.resetAndDestroy();
    });
    return result;
  };
}

function singleNode(client: Redis, family: Family, name: string): Redis {
  families.set(client, family);
  client.on("error", (err: Error) => family.warn(name, err));
  if (family.commandTimeoutMs !== undefined) {
    queueUntilFirstReady(client);
    guardLateWrites(client);
  }
  return client;
}

function clusterClient(cluster: Cluster, family: Family, name: string): Cluster {
  families.set(cluster, family);
  cluster.on("error", (err: Error) => family.warn(name, err));
  // A node that cannot be reached is reported as a node error, not a Cluster error.
  cluster.on("node error", (err: Error, node: string) => family.warn(`${name} ${node}`, err));
  if (family.commandTimeoutMs !== undefined) boundClusterCommands(cluster, family.commandTimeoutMs, guardLateWrites);
  return cluster;
}

/**
 * RESP2 is requested explicitly: the stream parsers in src/stream/ read RESP2's flat array
 * shapes, and ioredis 6 would otherwise negotiate RESP3.
 */
export function createRedis(options: RedisConnectionOptions): RedisClient {
  const family: Family = {
    commandTimeoutMs: options.commandTimeoutMs,
    blockMs: options.blockMs ?? DEFAULT_BLOCK_MS,
    warn: createErrorWarner(options.log ?? createLogger("warn")),
  };
  const name = options.name ?? "ichnos";
  const common = {
    protocol: 2 as const,
    connectionName: options.name,
    lazyConnect: options.lazyConnect ?? false,
    ...failFastOptions(options.commandTimeoutMs),
  };
  let client: RedisClient;
  if (options.clusterNodes && options.clusterNodes.length > 0) {
    const url = new URL(options.url);
    const auth = { username: url.username || undefined, password: url.password ? decodeURIComponent(url.password) : undefined };
    client = clusterClient(createCluster(options.clusterNodes, { ...common, ...auth }, options.commandTimeoutMs), family, name);
  } else {
    client = singleNode(new Redis(options.url, common), family, name);
  }
  trackReadiness(client, client, name);
  return client;
}

/**
 * A connection of its own for a blocking read: XREADGROUP BLOCK holds the whole connection. Its
 * command timeout leaves the block its full time (CONSUMER_BLOCK) plus at least a second, so only
 * a connection that stopped answering is cut. ioredis's `blockingTimeout` is not used: it
 * resolves a stuck read as "no entries", which would hide an outage from the loop's back-off.
 */
export function duplicateForBlocking(client: RedisClient, name: string): RedisClient {
  const family = families.get(client) ?? {
    commandTimeoutMs: undefined, blockMs: DEFAULT_BLOCK_MS, warn: createErrorWarner(createLogger("warn")),
  };
  const timeoutMs = family.commandTimeoutMs === undefined ? undefined : family.blockMs + Math.max(family.commandTimeoutMs, 1000);
  const blocking: Partial<RedisOptions> = {
    connectionName: name,
    ...(timeoutMs === undefined ? { maxRetriesPerRequest: null } : failFastOptions(timeoutMs)),
  };
  if (client instanceof Cluster) {
    // The blocking settings go to every node connection (redisOptions); the Cluster's own options,
    // set by createRedis, are copied.
    const duplicate = client.duplicate([], { redisOptions: { ...client.options.redisOptions, ...blocking } });
    trackReadiness(client, duplicate, name);
    return clusterClient(duplicate, { ...family, commandTimeoutMs: timeoutMs }, name);
  }
  const duplicate = singleNode(client.duplicate(blocking), { ...family, commandTimeoutMs: timeoutMs }, name);
  trackReadiness(client, duplicate, name);
  return duplicate;
}

/**
 * The Unix time (ms) after which a write sent now must not be applied, or 0 when the client has
 * no command timeout. A quarter of the timeout is kept in hand for the clock difference between
 * this host and Redis's: a write refused a little early is answered as failed, which is honest.
 */
export function commandDeadline(client: RedisClient): number {
  const timeoutMs = families.get(client)?.commandTimeoutMs;
  return timeoutMs === undefined ? 0 : Date.now() + Math.floor((timeoutMs * 3) / 4);
}

export async function closeRedis(client: RedisClient): Promise<void> {
  if (client.status === "end") return;
  try {
    await client.quit();
  } catch {
    client.disconnect();
  }
}
