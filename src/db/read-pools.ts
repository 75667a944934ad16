/**
 * Where the reads that may be a few seconds stale go (locate's station reads, the content
 * pages): a read replica in rotation, round robin, else the primary. A replica is in rotation
 * while its last background check found it replicating within the lag bound (replica-health.ts);
 * a read that fails on it takes it out at once and is answered by the primary. Writes,
 * checkpoints and the consumers never come here: they use the primary pool.
 */
import type { Logger } from "../logger.ts";
import { describeDatabaseUrl } from "./database-url.ts";
import { createPool, type Pool } from "./pool.ts";
import { judgeReplicaStatus, loadReplicaStatus } from "./replica-health.ts";

/** What the read paths need of a pool. */
export type ReadPool = Pick<Pool, "query">;

export interface ReplicaState {
  /** `host:port/database`: never the credentials. */
  readonly replica: string;
  readonly inRotation: boolean;
  /** Seconds_Behind_Master at the last check; null when unknown or not replicating. */
  readonly lagSeconds: number | null;
  /** Why it is out of rotation; null while in. */
  readonly reason: string | null;
}

export interface ReadPools {
  /** A pool-like reader: each query goes to a replica in rotation, or to the primary. */
  readonly reader: ReadPool;
  status(): ReplicaState[];
  /** Checks every replica now (also done every `checkIntervalMs` in the background). */
  checkNow(): Promise<void>;
  /** Stops the checks and closes the replicas' pools (not the primary's). */
  close(): Promise<void>;
}

export interface ReadPoolsOptions {
  readonly primary: ReadPool;
  readonly replicaUrls: readonly string[];
  readonly poolSize: number;
  readonly maxLagMs: number;
  readonly checkIntervalMs: number;
  readonly log: Logger;
}

interface Replica {
  readonly name: string;
  readonly pool: Pool;
  state: ReplicaState;
}

const CHECK_TIMEOUT_MS = 2000;

type AnyQuery = (...args: unknown[]) => Promise<unknown>;

export function createReadPools(options: ReadPoolsOptions): ReadPools {
  const { primary, log } = options;
  if (options.replicaUrls.length === 0) {
    return { reader: primary, status: () => [], checkNow: async () => undefined, close: async () => undefined };
  }
  const replicas: Replica[] = options.replicaUrls.map((url) => {
    const name = describeDatabaseUrl(url);
    return { name, pool: createPool(url, options.poolSize, { readOnly: true }), state: { replica: name, inRotation: false, lagSeconds: null, reason: "not checked yet" } };
  });
  let known = false;
  const maxLagSeconds = options.maxLagMs / 1000;

  /** Logs only changes (and each replica's first verdict), so a steady state writes nothing. */
  function setState(replica: Replica, next: Omit<ReplicaState, "replica">, extra: Record<string, unknown> = {}): void {
    const before = replica.state;
    replica.state = { replica: replica.name, ...next };
    if (known && before.inRotation === next.inRotation) return;
    const fields = { replica: replica.name, lagSeconds: next.lagSeconds, maxLagSeconds, ...extra };
    if (next.inRotation) log.info(fields, "read replica in rotation");
    else log.warn({ ...fields, reason: next.reason }, "read replica out of rotation; its reads go to the primary");
  }

  async function check(replica: Replica): Promise<void> {
    try {
      const verdict = judgeReplicaStatus(await loadReplicaStatus(replica.pool, CHECK_TIMEOUT_MS), options.maxLagMs);
      if (verdict.usable) setState(replica, { inRotation: true, lagSeconds: verdict.lagSeconds, reason: null });
      else setState(replica, { inRotation: false, lagSeconds: verdict.lagSeconds, reason: verdict.reason }, verdict.lastError ? { lastError: verdict.lastError } : {});
    } catch (err) {
      const code = (err as { code?: string }).code ?? (err as Error).message;
      const hint = /ACCESS_DENIED/.test(code) ? " (the user needs REPLICA MONITOR on MariaDB, REPLICATION CLIENT on MySQL)" : "";
      setState(replica, { inRotation: false, lagSeconds: null, reason: `status unreadable: ${code}${hint}` }, { err });
    }
  }

  const checkAll = async (): Promise<void> => {
    await Promise.all(replicas.map(check));
    known = true;
  };

  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  let running: Promise<void> = Promise.resolve();
  // A chain of timeouts, not an interval: a slow check never overlaps the next one.
  const schedule = (): void => {
    if (closed) return;
    timer = setTimeout(() => {
      running = checkAll().finally(schedule);
    }, options.checkIntervalMs);
  };
  running = checkAll().finally(schedule);

  let turn = 0;
  function pick(): Replica | undefined {
    const live = replicas.filter((r) => r.state.inRotation);
    if (live.length === 0) return undefined;
    turn = (turn + 1) % live.length;
    return live[turn];
  }

  async function query(...args: unknown[]): Promise<unknown> {
    const replica = pick();
    if (replica) {
      try {
        return await (replica.pool.query as AnyQuery)(...args);
      } catch (err) {
        // Down between two checks, or missing what the query needs: the primary answers, and the
        // next successful check puts the replica back.
        setState(replica, { inRotation: false, lagSeconds: null, reason: `read failed: ${(err as { code?: string }).code ?? (err as Error).message}` }, { err });
      }
    }
    return (primary.query as AnyQuery)(...args);
  }

  return {
    reader: { query: query as Pool["query"] },
    status: () => replicas.map((r) => r.state),
    checkNow: () => checkAll(),
    async close() {
      if (closed) return;
      closed = true;
      clearTimeout(timer);
      await running.catch(() => undefined);
      clearTimeout(timer);
      await Promise.all(replicas.map((r) => r.pool.end().catch(() => undefined)));
    },
  };
}
