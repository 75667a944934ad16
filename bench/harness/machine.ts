/** What the numbers were measured on. */
import { availableParallelism, cpus, loadavg, totalmem } from "node:os";
import type { RowDataPacket } from "mysql2/promise";
import type { Pool } from "../../src/db/pool.ts";
import type { RedisClient } from "../../src/redis/create-redis.ts";

export interface MachineInfo {
  readonly date: string;
  readonly cores: number;
  readonly cpuModel: string;
  readonly ramGiB: number;
  readonly node: string;
  readonly redis: string;
  readonly mariadb: string;
  /** Settings that bound the commit rate of the checkpoint transaction. */
  readonly innodbFlushLogAtTrxCommit: string;
  readonly loadAverage: string;
}

export async function readMachineInfo(redis: RedisClient, pool: Pool): Promise<MachineInfo> {
  const info = String(await redis.info("server"));
  const [versionRows] = await pool.query<RowDataPacket[]>("SELECT VERSION() AS v, @@innodb_flush_log_at_trx_commit AS f");
  return {
    date: new Date().toISOString(),
    cores: availableParallelism(),
    cpuModel: cpus()[0]?.model.trim() ?? "unknown",
    ramGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    redis: /redis_version:(\S+)/.exec(info)?.[1] ?? "unknown",
    mariadb: String(versionRows[0]?.v ?? "unknown"),
    innodbFlushLogAtTrxCommit: String(versionRows[0]?.f ?? "?"),
    loadAverage: loadavg().map((l) => l.toFixed(2)).join(" "),
  };
}
