/**
 * The Redis Cluster client's settings (REDIS_CLUSTER_NODES). ioredis's defaults give up a slots
 * refresh after 1 s, never re-read the topology unless a command is redirected, and queue every
 * command issued while the Cluster is not ready without any bound; these keep a process on a
 * Cluster as responsive as on a single node.
 */
import { Cluster, type ClusterOptions, type Command, type Redis, type RedisOptions } from "ioredis";

export function seedNodes(nodes: readonly string[]): { host: string; port: number }[] {
  return nodes.map((node) => {
    const [host, port] = node.split(":");
    return { host: host!, port: Number(port) };
  });
}

/**
 * A slots refresh gets at least 2 s (a start-up that keeps the event loop busy for a second must
 * not fail every refresh); the slots are re-read every 5 s, so a promoted replica is found even
 * by a client that sends nothing to its slots; and the Cluster reconnects forever, at most every
 * 2 s, so a cluster still being created or failing over is used once it is whole.
 */
export function clusterOptions(redisOptions: RedisOptions, timeoutMs: number | undefined): ClusterOptions {
  return {
    lazyConnect: redisOptions.lazyConnect,
    redisOptions,
    slotsRefreshTimeout: Math.max(2000, timeoutMs ?? 0),
    slotsRefreshInterval: 5000,
    clusterRetryStrategy: (attempt: number) => Math.min(100 * attempt, 2000),
    enableReadyCheck: true,
  };
}

/**
 * A Cluster holds every command issued while it is not ready (before its first slots refresh,
 * while no node answers, while CLUSTER INFO says `fail`) in an offline queue of its own, and a
 * node's command timeout starts only once a command reaches that node: a client that never
 * became ready hung every caller, for ever. Here each command's timer starts when it is issued;
 * a command that timed out is never sent afterwards, and every node connection gets the
 * single-node client's late-write guard (`guardNode`).
 */
export function boundClusterCommands(cluster: Cluster, timeoutMs: number, guardNode: (node: Redis) => void): void {
  const send = cluster.sendCommand.bind(cluster);
  cluster.sendCommand = ((command: Command, stream?: unknown, node?: unknown) => {
    if (command.isSettled) return command.promise;
    command.setTimeout(timeoutMs);
    return send(command, stream as never, node as never);
  }) as Cluster["sendCommand"];
  cluster.on("+node", guardNode);
}

export function createCluster(nodes: readonly string[], redisOptions: RedisOptions, timeoutMs: number | undefined): Cluster {
  return new Cluster(seedNodes(nodes), clusterOptions(redisOptions, timeoutMs));
}
