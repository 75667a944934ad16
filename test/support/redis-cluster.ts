/**
 * A Redis Cluster of a test's own: three masters (and optionally one replica each) as local
 * redis-server processes on free loopback ports, each in a scratch directory of its own (see
 * private-redis.ts), joined with `redis-cli --cluster create`. Resolves only once every node
 * says `cluster_state:ok` with all 16384 slots served and every replica is in sync, so a test
 * starts on a cluster a client can use. Everything is stopped and removed by `close`, and by the
 * start itself when it fails.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { Redis } from "ioredis";
import { type PrivateRedis, startPrivateRedis } from "./private-redis.ts";

const run = promisify(execFile);

export interface RedisClusterOptions {
  /** Replicas per master (0 or 1); a failover test needs 1. */
  readonly replicas?: number;
  /** `cluster-node-timeout`: how long a master may be silent before its replica takes over. */
  readonly nodeTimeoutMs?: number;
  /** false: start the servers but leave them unjoined until `create()` (a cluster not serving yet). */
  readonly create?: boolean;
}

export interface TestRedisCluster {
  readonly nodes: readonly PrivateRedis[];
  /** `127.0.0.1:port` of every node, for REDIS_CLUSTER_NODES. */
  readonly seeds: readonly string[];
  /** What a process needs in its environment to use the cluster. */
  readonly env: { readonly REDIS_URL: string; readonly REDIS_CLUSTER_NODES: string };
  /** Joins the servers into a cluster and waits until it is healthy; done by the start unless `create: false`. */
  create(): Promise<void>;
  /** The node serving `key`'s slot as master now. */
  masterFor(key: string): Promise<PrivateRedis>;
  /** Resolves once the cluster is whole again: state ok on every live node, all slots served. */
  waitUntilHealthy(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

const MASTERS = 3;

async function withNode<T>(node: PrivateRedis, fn: (client: Redis) => Promise<T>): Promise<T> {
  const client = new Redis({ port: node.port, host: "127.0.0.1", maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true });
  client.on("error", () => undefined);
  try {
    await client.connect();
    return await fn(client);
  } finally {
    client.disconnect();
  }
}

function infoField(info: string, field: string): string | undefined {
  return new RegExp(`^${field}:(.*?)\\r?$`, "m").exec(info)?.[1];
}

/** Why the node does not look healthy yet, or null when it does. */
async function nodeProblem(node: PrivateRedis, knownNodes: number): Promise<string | null> {
  return withNode(node, async (client) => {
    const info = (await client.call("CLUSTER", "INFO")) as string;
    const state = infoField(info, "cluster_state");
    if (state !== "ok") return `cluster_state:${state}`;
    if (infoField(info, "cluster_slots_ok") !== "16384") return `cluster_slots_ok:${infoField(info, "cluster_slots_ok")}`;
    if (Number(infoField(info, "cluster_known_nodes")) < knownNodes) return `cluster_known_nodes:${infoField(info, "cluster_known_nodes")}`;
    const replication = (await client.info("replication")) as string;
    if (infoField(replication, "role") === "slave") {
      if (infoField(replication, "master_link_status") !== "up") return "replica not linked";
      if (infoField(replication, "master_sync_in_progress") !== "0") return "replica syncing";
    }
    return null;
  }).catch((err: Error) => `unreachable: ${err.message}`);
}

export async function startRedisCluster(options: RedisClusterOptions = {}): Promise<TestRedisCluster> {
  const replicas = options.replicas ?? 0;
  const nodeTimeoutMs = options.nodeTimeoutMs ?? 2000;
  const args = [
    "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", String(nodeTimeoutMs),
    // A replica that lost its master takes over however stale it is: the tests count what is lost.
    "--cluster-replica-validity-factor", "0",
  ];
  const nodes: PrivateRedis[] = [];
  const close = async () => {
    await Promise.all(nodes.map((n) => n.close()));
  };
  try {
    for (let i = 0; i < MASTERS * (1 + replicas); i++) nodes.push(await startPrivateRedis(args));
    const seeds = nodes.map((n) => `127.0.0.1:${n.port}`);
    const alive = () => nodes.filter((n) => n.running());
    const waitUntilHealthy = async (timeoutMs = 30_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const live = alive();
        const problems = await Promise.all(live.map((n) => nodeProblem(n, live.length)));
        const first = problems.findIndex((p) => p !== null);
        if (first < 0) return;
        if (Date.now() > deadline) throw new Error(`Redis Cluster not healthy after ${timeoutMs} ms: node ${live[first]!.port}: ${problems[first]}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    let created = false;
    const create = async () => {
      if (created) return;
      created = true;
      await run("redis-cli", ["--cluster", "create", ...seeds, "--cluster-replicas", String(replicas), "--cluster-yes"], { timeout: 30_000 });
      await waitUntilHealthy();
    };
    if (options.create !== false) await create();
    return {
      nodes, seeds, create,
      env: { REDIS_URL: `redis://${seeds[0]}`, REDIS_CLUSTER_NODES: seeds.join(",") },
      waitUntilHealthy,
      async masterFor(key) {
        const slot = Number(await withNode(alive()[0]!, (c) => c.call("CLUSTER", "KEYSLOT", key)));
        const ranges = (await withNode(alive()[0]!, (c) => c.call("CLUSTER", "SLOTS"))) as [number, number, [string, number]][];
        const range = ranges.find(([from, to]) => slot >= from && slot <= to);
        const port = range?.[2][1];
        const node = nodes.find((n) => n.port === port);
        if (!node) throw new Error(`no master serves slot ${slot}`);
        return node;
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
