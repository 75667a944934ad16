/**
 * Whether a read replica may serve reads, from its own replication status: `Seconds_Behind_Master`
 * (MariaDB, MySQL before 8.0.22) or `Seconds_Behind_Source` (MySQL 8.0.22+). NULL means it is not
 * replicating (a thread stopped or broken), so its data may be arbitrarily old: not usable.
 */
import type { RowDataPacket } from "mysql2/promise";
import type { Pool } from "./pool.ts";

export type ReplicaVerdict =
  | { readonly usable: true; readonly lagSeconds: number }
  | { readonly usable: false; readonly lagSeconds: number | null; readonly reason: string; readonly lastError?: string };

/** The status rows of `SHOW REPLICA STATUS` / `SHOW SLAVE STATUS` judged against the lag bound. */
export function judgeReplicaStatus(rows: readonly Record<string, unknown>[], maxLagMs: number): ReplicaVerdict {
  if (rows.length === 0) return { usable: false, lagSeconds: null, reason: "not a replica (no replication status)" };
  let worst = 0;
  for (const row of rows) {
    const raw = row.Seconds_Behind_Source ?? row.Seconds_Behind_Master;
    if (raw === null || raw === undefined || raw === "") {
      const lastError = [row.Last_IO_Error ?? row.Last_IO_Error_Message, row.Last_SQL_Error]
        .filter((e) => typeof e === "string" && e !== "").join("; ");
      return {
        usable: false, lagSeconds: null, reason: "not replicating (Seconds_Behind_Master is NULL)",
        ...(lastError ? { lastError } : {}),
      };
    }
    worst = Math.max(worst, Number(raw));
  }
  if (worst * 1000 > maxLagMs) {
    return { usable: false, lagSeconds: worst, reason: `lagging ${worst} s behind its primary (more than ${maxLagMs / 1000} s)` };
  }
  return { usable: true, lagSeconds: worst };
}

const isSyntaxError = (err: unknown): boolean => (err as { code?: unknown } | null)?.code === "ER_PARSE_ERROR";

/**
 * The replica's status rows. `SHOW REPLICA STATUS` first (MariaDB 10.5+, MySQL 8.0.22+; MySQL 8.4
 * has nothing else), `SHOW SLAVE STATUS` where that is a syntax error. Needs REPLICA MONITOR
 * (MariaDB) or REPLICATION CLIENT (MySQL).
 */
export async function loadReplicaStatus(db: Pick<Pool, "query">, timeoutMs: number): Promise<Record<string, unknown>[]> {
  try {
    const [rows] = await db.query<RowDataPacket[]>({ sql: "SHOW REPLICA STATUS", timeout: timeoutMs });
    return rows;
  } catch (err) {
    if (!isSyntaxError(err)) throw err;
  }
  const [rows] = await db.query<RowDataPacket[]>({ sql: "SHOW SLAVE STATUS", timeout: timeoutMs });
  return rows;
}
