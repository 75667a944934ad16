import { test } from "uvu";
import * as assert from "uvu/assert";
import { ConfigError, loadConfig } from "../../src/config.ts";
import { judgeReplicaStatus } from "../../src/db/replica-health.ts";

const MAX_30S = 30_000;

test("a replica within the lag bound is usable; its lag is the status's own number", () => {
  assert.equal(judgeReplicaStatus([{ Seconds_Behind_Master: "0" }], MAX_30S), { usable: true, lagSeconds: 0 });
  assert.equal(judgeReplicaStatus([{ Seconds_Behind_Master: 30 }], MAX_30S), { usable: true, lagSeconds: 30 });
  // MySQL 8.0.22+'s SHOW REPLICA STATUS names the column after the source.
  assert.equal(judgeReplicaStatus([{ Seconds_Behind_Source: "4" }], MAX_30S), { usable: true, lagSeconds: 4 });
});

test("a replica further behind than the bound is not usable, and says by how much", () => {
  const verdict = judgeReplicaStatus([{ Seconds_Behind_Master: "31" }], MAX_30S);
  assert.equal(verdict, { usable: false, lagSeconds: 31, reason: "lagging 31 s behind its primary (more than 30 s)" });
});

test("Seconds_Behind_Master NULL means not replicating: not usable, with the replication error", () => {
  const verdict = judgeReplicaStatus([{ Seconds_Behind_Master: null, Last_IO_Error: "", Last_SQL_Error: "Duplicate entry" }], MAX_30S);
  assert.equal(verdict, { usable: false, lagSeconds: null, reason: "not replicating (Seconds_Behind_Master is NULL)", lastError: "Duplicate entry" });
});

test("a server with no replication status is not a replica", () => {
  assert.is(judgeReplicaStatus([], MAX_30S).usable, false);
});

test("with several replication channels the worst one decides", () => {
  assert.is(judgeReplicaStatus([{ Seconds_Behind_Master: 1 }, { Seconds_Behind_Master: 90 }], MAX_30S).usable, false);
  assert.is(judgeReplicaStatus([{ Seconds_Behind_Master: 1 }, { Seconds_Behind_Master: null }], MAX_30S).usable, false);
});

test("DATABASE_READ_URL: unset is no replicas; one or several comma-separated URLs", () => {
  const none = loadConfig({});
  assert.equal(none.databaseReadUrls, []);
  assert.is(none.databaseReadMaxLagMs, 30_000);
  assert.is(none.databaseReadCheckIntervalMs, 5000);
  const two = loadConfig({
    DATABASE_READ_URL: "mysql://ro:pw@10.0.0.2:3306/ichnos, mariadb://ro:pw@10.0.0.3/ichnos",
    DATABASE_READ_MAX_LAG: "5s", DATABASE_READ_CHECK_INTERVAL: "500ms",
  });
  assert.equal(two.databaseReadUrls, ["mysql://ro:pw@10.0.0.2:3306/ichnos", "mariadb://ro:pw@10.0.0.3/ichnos"]);
  assert.is(two.databaseReadMaxLagMs, 5000);
  assert.is(two.databaseReadCheckIntervalMs, 500);
  assert.is(loadConfig({ DATABASE_READ_MAX_LAG: "0" }).databaseReadMaxLagMs, 0);
});

test("a bad DATABASE_READ_URL is reported without its password", () => {
  try {
    loadConfig({ DATABASE_READ_URL: "mysql://ro:hunter2@10.0.0.2/ichnos,postgres://ro:hunter2@x/y,mysql://ro:hunter2@10.0.0.4/" });
    assert.unreachable("should have thrown");
  } catch (err) {
    assert.instance(err, ConfigError);
    const { problems } = err as ConfigError;
    assert.equal(problems, [
      "DATABASE_READ_URL entry 2 (postgres://ro:***@x/y): expected a mysql: or mariadb: URL, got postgres:",
      "DATABASE_READ_URL entry 3 (mysql://ro:***@10.0.0.4/): the URL names no database",
    ]);
    assert.not.match((err as Error).message, "hunter2");
  }
});

test("DATABASE_READ_MAX_LAG and DATABASE_READ_CHECK_INTERVAL are bounded durations", () => {
  assert.throws(() => loadConfig({ DATABASE_READ_MAX_LAG: "soon" }), /DATABASE_READ_MAX_LAG="soon"/);
  assert.throws(() => loadConfig({ DATABASE_READ_CHECK_INTERVAL: "10ms" }), /DATABASE_READ_CHECK_INTERVAL="10ms": must be at least 100 ms/);
});

test.run();
