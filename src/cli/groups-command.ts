import type { AnyConsumer } from "../stream/define-consumer.ts";
import { readGroupStatus, type GroupStreamStatus } from "../stream/group-status.ts";
import type { Services } from "./services.ts";
import { formatTable } from "./table.ts";

export function formatGroupStatus(rows: readonly GroupStreamStatus[]): string {
  if (rows.length === 0) return "no consumer groups (no consumer files in consumers/ and no checkpoints)";
  return formatTable(
    ["GROUP", "STREAM", "LAST DELIVERED", "CHECKPOINT", "LAG", "PENDING", "DEAD", "LOST", "APPLIED", "VERSION", "READER"],
    rows.map((r) => [r.group, r.stream, r.lastDeliveredId, r.checkpointId, r.lag, r.pending, r.deadLetters, r.lost, r.applied, r.version, r.reader]),
  );
}

export async function groupsCommand(services: Services, consumers: readonly AnyConsumer[], json: boolean): Promise<number> {
  const rows = await readGroupStatus(services.redis, services.pool, services.keys, consumers);
  process.stdout.write(`${json ? JSON.stringify(rows, null, 2) : formatGroupStatus(rows)}\n`);
  return 0;
}
