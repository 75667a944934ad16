import { Cluster, Redis } from "ioredis";

export type RedisClient = Redis | Cluster;

export interface RedisConnectionOptions {
  readonly url: string;
  readonly clusterNodes?: readonly string[];
  /** Shown in CLIENT LIST so operators can tell connections apart. */
  readonly name?: string;
  readonly lazyConnect?: boolean;
}

/**
 * RESP2 is requested explicitly: the stream parsers in src/stream/ read RESP2's flat array
 * shapes, and ioredis 6 would otherwise negotiate RESP3.
 */
export function createRedis(options: RedisConnectionOptions): RedisClient {
  const common = {
    protocol: 2 as const,
    connectionName: options.name,
    lazyConnect: options.lazyConnect ?? false,
    maxRetriesPerRequest: 3,
  };
  if (options.clusterNodes && options.clusterNodes.length > 0) {
    const nodes = options.clusterNodes.map((node) => {
      const [host, port] = node.split(":");
      return { host: host!, port: Number(port) };
    });
    const url = new URL(options.url);
    return new Cluster(nodes, {
      lazyConnect: common.lazyConnect,
      redisOptions: {
        ...common,
        username: url.username || undefined,
        password: url.password ? decodeURIComponent(url.password) : undefined,
      },
    });
  }
  return new Redis(options.url, common);
}

/** A connection of its own for a blocking read: XREADGROUP BLOCK holds the whole connection. */
export function duplicateForBlocking(client: RedisClient, name: string): RedisClient {
  if (client instanceof Cluster) return client.duplicate();
  return client.duplicate({ connectionName: name, maxRetriesPerRequest: null });
}

export async function closeRedis(client: RedisClient): Promise<void> {
  if (client.status === "end") return;
  try {
    await client.quit();
  } catch {
    client.disconnect();
  }
}
