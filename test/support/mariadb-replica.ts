/**
 * A private MariaDB primary (binlog on, ROW format) and a read-only replica of it, each its own
 * mariadbd on a free loopback port with a scratch data directory (private-mariadb.ts), for the
 * read-replica tests. Replication is GTID-based (`MASTER_USE_GTID=slave_pos`) and starts from the
 * primary's first binlog event, so everything created on the primary afterwards (databases,
 * migrations, users) reaches the replica.
 */
import mysql, { type RowDataPacket } from "mysql2/promise";
import { startPrivateMariaDb, type PrivateMariaDb } from "./private-mariadb.ts";

export interface ReplicatedMariaDb {
  readonly primary: PrivateMariaDb;
  readonly replica: PrivateMariaDb;
  /** Runs statements as root on one of the servers (root URL, no database unless the SQL names one). */
  query(server: PrivateMariaDb, sql: string): Promise<RowDataPacket[]>;
  /** The replica's `SHOW SLAVE STATUS` row (undefined when it has none). */
  replicaStatus(): Promise<RowDataPacket | undefined>;
  /** Resolves once both replication threads run. */
  waitReplicating(timeoutMs?: number): Promise<void>;
  /** Resolves once the replica has applied everything the primary had binlogged when called. */
  waitCaughtUp(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

const REPL_USER = "repl";
const REPL_PASSWORD = "repl-secret";

async function runOn(server: PrivateMariaDb, sql: string): Promise<RowDataPacket[]> {
  const conn = await mysql.createConnection({ uri: server.url, multipleStatements: true });
  try {
    const [rows] = await conn.query<RowDataPacket[]>(sql);
    return rows;
  } finally {
    await conn.end();
  }
}

export async function startReplicatedMariaDb(): Promise<ReplicatedMariaDb> {
  const [primary, replica] = await Promise.all([
    startPrivateMariaDb({ args: ["--server-id=1", "--log-bin=primary-bin", "--binlog-format=ROW"] }),
    // --relay-log-recovery: after a SIGKILL the replica refetches what its relay log may have lost.
    // --userstat: per-user statement counts (information_schema.USER_STATISTICS), since the
    // global Com_* counters also count the row events replication applies.
    // --innodb-flush-log-at-trx-commit=1: the tests SIGKILL the replica, which must not lose what
    // it applied (it would apply it again, but answer from the gap meanwhile).
    startPrivateMariaDb({
      args: ["--server-id=2", "--read-only", "--relay-log=replica-relay-bin", "--relay-log-recovery", "--userstat", "--innodb-flush-log-at-trx-commit=1"],
    }),
  ]);
  const self: ReplicatedMariaDb = {
    primary,
    replica,
    query: runOn,
    async replicaStatus() {
      return (await runOn(replica, "SHOW SLAVE STATUS"))[0];
    },
    async waitReplicating(timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const status = await self.replicaStatus().catch(() => undefined);
        if (status?.Slave_IO_Running === "Yes" && status.Slave_SQL_Running === "Yes") return;
        if (Date.now() > deadline) {
          throw new Error(`the replica is not replicating after ${timeoutMs} ms: ${JSON.stringify({
            io: status?.Slave_IO_Running, sql: status?.Slave_SQL_Running, ioError: status?.Last_IO_Error, sqlError: status?.Last_SQL_Error,
          })}`);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async waitCaughtUp(timeoutMs = 20_000) {
      const [row] = await runOn(primary, "SELECT @@gtid_binlog_pos AS pos");
      const pos = String(row?.pos ?? "");
      const [waited] = await runOn(replica, `SELECT MASTER_GTID_WAIT(${mysql.escape(pos)}, ${timeoutMs / 1000}) AS r`);
      if (Number(waited?.r) !== 0) throw new Error(`the replica did not reach the primary's GTID ${pos} within ${timeoutMs} ms`);
    },
    async close() {
      await Promise.all([replica.close(), primary.close()]);
    },
  };
  try {
    await runOn(primary, `CREATE USER '${REPL_USER}'@'%' IDENTIFIED BY '${REPL_PASSWORD}'; GRANT REPLICATION SLAVE ON *.* TO '${REPL_USER}'@'%'`);
    await runOn(replica, `CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=${primary.port}, MASTER_USER='${REPL_USER}',
      MASTER_PASSWORD='${REPL_PASSWORD}', MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1; START SLAVE`);
    await self.waitReplicating();
    await self.waitCaughtUp();
  } catch (err) {
    await self.close();
    throw err;
  }
  return self;
}
