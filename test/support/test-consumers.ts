/**
 * Projections used by the runtime tests. `t_applied` counts how often each entry was applied,
 * so applying anything twice shows up as `times > 1`.
 */
import type { Pool } from "../../src/db/pool.ts";
import { defineConsumer } from "../../src/stream/define-consumer.ts";
import type { StreamName } from "../../src/stream/streams.ts";

export interface TestPayload {
  readonly k?: string;
  readonly value?: number;
  readonly poison?: boolean;
  /** The test worker process kills itself on this entry (worker-process.ts KILL_ON_MARK). */
  readonly kill?: boolean;
}

export async function createTestTables(pool: Pool): Promise<void> {
  await pool.query(`CREATE TABLE IF NOT EXISTS t_applied (
    group_name VARCHAR(100) NOT NULL, entry_id VARCHAR(64) NOT NULL, stream VARCHAR(200) NOT NULL,
    seq BIGINT NOT NULL, value INT NULL, applied_by VARCHAR(100) NULL, times INT NOT NULL DEFAULT 1, PRIMARY KEY (group_name, stream, entry_id))`);
  await pool.query(`CREATE TABLE IF NOT EXISTS t_totals (
    group_name VARCHAR(100) NOT NULL, k VARCHAR(64) NOT NULL, total BIGINT NOT NULL, last_id VARCHAR(64) NOT NULL,
    PRIMARY KEY (group_name, k))`);
}

export interface CountingOptions {
  readonly start?: "$" | "0";
  readonly batchSize?: number;
  /** Whether `poison` payloads are refused right now (a fix being deployed flips it). */
  readonly refusePoison?: () => boolean;
}

/** Records every applied entry and who applied it; throws for payloads marked `poison`. */
/**
 * A report entry for tests that use the reports streams (the runtime checks their payloads'
 * type), carrying the test's `value` for the counting projection.
 */
export const reportWithValue = (value: number) => ({
  api_key: null, source: "gnss", received: 1_796_000_000_000 + value, user_agent: null,
  report: { timestamp: 1_796_000_000_000, position: null, wifiAccessPoints: [], cellTowers: [], bluetoothBeacons: [] },
  value,
});

/**
 * Test streams (`test:<name>`) are not in the production catalogue's type; the test keys add
 * their family (test-streams.ts), so the runtime still checks each name when it starts.
 */
const testReads = (reads: string | string[]) => reads as StreamName | StreamName[];

export function countingConsumer(name: string, reads: string | string[], options: CountingOptions = {}) {
  const refuse = options.refusePoison ?? (() => true);
  return defineConsumer<TestPayload>({
    name, reads: testReads(reads), start: options.start ?? "0", batchSize: options.batchSize,
    async project(batch, { tx, group, consumer }) {
      if (refuse() && batch.some((e) => e.data.poison)) throw new Error("poison entry refused by the test projection");
      await tx.query(
        "INSERT INTO t_applied (group_name, entry_id, stream, seq, value, applied_by) VALUES ? ON DUPLICATE KEY UPDATE times = times + 1",
        [batch.map((e) => [group, e.id, e.stream, e.seq, e.data.value ?? null, consumer])],
      );
    },
  });
}

/** Idempotent: each key's row is replaced by the newest value, so re-applying history changes nothing. */
export function totalsConsumer(name: string, reads: string | string[]) {
  return defineConsumer<TestPayload>({
    name, reads: testReads(reads), start: "0",
    async project(batch, { tx, group }) {
      // Last writer wins per key, so re-applying the same history reproduces the same rows.
      const rows = new Map<string, { value: number; id: string }>();
      for (const e of batch) rows.set(e.data.k ?? "none", { value: e.data.value ?? 0, id: e.id });
      await tx.query(
        "INSERT INTO t_totals (group_name, k, total, last_id) VALUES ? ON DUPLICATE KEY UPDATE total = VALUES(total), last_id = VALUES(last_id)",
        [[...rows].map(([k, v]) => [group, k, v.value, v.id])],
      );
    },
  });
}
