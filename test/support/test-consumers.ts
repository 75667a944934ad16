/**
 * Projections used by the runtime tests. `t_applied` counts how often each entry was applied,
 * so applying anything twice shows up as `times > 1`.
 */
import type { Pool } from "../../src/db/pool.ts";
import { defineConsumer } from "../../src/stream/define-consumer.ts";

export interface TestPayload {
  readonly k?: string;
  readonly value?: number;
  readonly poison?: boolean;
}

export async function createTestTables(pool: Pool): Promise<void> {
  await pool.query(`CREATE TABLE IF NOT EXISTS t_applied (
    group_name VARCHAR(100) NOT NULL, entry_id VARCHAR(64) NOT NULL, stream VARCHAR(200) NOT NULL,
    seq BIGINT NOT NULL, value INT NULL, times INT NOT NULL DEFAULT 1, PRIMARY KEY (group_name, stream, entry_id))`);
  await pool.query(`CREATE TABLE IF NOT EXISTS t_totals (
    group_name VARCHAR(100) NOT NULL, k VARCHAR(64) NOT NULL, total BIGINT NOT NULL, entries INT NOT NULL,
    PRIMARY KEY (group_name, k))`);
}

/** Records every applied entry; throws for payloads marked `poison`. */
export function countingConsumer(name: string, reads: string | string[], start: "$" | "0" = "0", batchSize?: number) {
  return defineConsumer<TestPayload>({
    name, reads, start, batchSize,
    async project(batch, { tx, group }) {
      if (batch.some((e) => e.data.poison)) throw new Error("poison entry refused by the test projection");
      await tx.query(
        "INSERT INTO t_applied (group_name, entry_id, stream, seq, value) VALUES ? ON DUPLICATE KEY UPDATE times = times + 1",
        [batch.map((e) => [group, e.id, e.stream, e.seq, e.data.value ?? null])],
      );
    },
  });
}

/** Idempotent: totals are recomputed from t_applied-independent state (replace, not add). */
export function totalsConsumer(name: string, reads: string | string[]) {
  return defineConsumer<TestPayload>({
    name, reads, start: "0",
    async project(batch, { tx, group }) {
      // Last writer wins per key, so re-applying the same history reproduces the same rows.
      const rows = new Map<string, number>();
      for (const e of batch) rows.set(e.data.k ?? "none", e.data.value ?? 0);
      await tx.query(
        "INSERT INTO t_totals (group_name, k, total, entries) VALUES ? ON DUPLICATE KEY UPDATE total = VALUES(total), entries = entries + VALUES(entries)",
        [[...rows].map(([k, v]) => [group, k, v, 1])],
      );
    },
  });
}
