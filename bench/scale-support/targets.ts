/**
 * The two Redis setups the bench compares: the machine's Redis server, and a three-master Redis
 * Cluster of private redis-server processes (test/support/redis-cluster.ts, no replicas: the cost
 * of routing by slot, not of replication). Each gives the processes' environment, a client of the
 * production kind (a Cluster client on the cluster) and one plain connection per server for the
 * CPU figures.
 */
import { Redis } from "ioredis";
import { closeRedis, createRedis, type RedisClient } from "../../src/redis/create-redis.ts";
import { startRedisCluster } from "../../test/support/redis-cluster.ts";

export type TargetName = "one Redis" | "cluster";

export interface RedisTarget {
  readonly name: TargetName;
  /** REDIS_URL (and REDIS_CLUSTER_NODES) for children. */
  readonly env: Readonly<Record<string, string>>;
  readonly client: RedisClient;
  readonly nodes: readonly Redis[];
  close(): Promise<void>;
}

export function singleRedisTarget(redisUrl: string): RedisTarget {
  const client = createRedis({ url: redisUrl, name: "ichnos:bench-scale" });
  const node = new Redis(redisUrl, { lazyConnect: false });
  return {
    name: "one Redis", env: { REDIS_URL: redisUrl }, client, nodes: [node],
    async close() {
      node.disconnect();
      await closeRedis(client);
    },
  };
}

export async function clusterTarget(): Promise<RedisTarget> {
  const cluster = await startRedisCluster();
  const client = createRedis({ url: cluster.env.REDIS_URL, clusterNodes: cluster.seeds, name: "ichnos:bench-scale" });
  const nodes = cluster.nodes.map((n) => new Redis(n.port, "127.0.0.1"));
  return {
    name: "cluster", env: cluster.env, client, nodes,
    async close() {
      for (const n of nodes) n.disconnect();
      await closeRedis(client);
      await cluster.close();
    },
  };
}
