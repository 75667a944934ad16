import type { AnyConsumer } from "../stream/define-consumer.ts";
import { listDeadLetters, removeDeadLetters } from "../stream/dead-letters.ts";
import { retryDeadLetters } from "../stream/dead-letter-retry.ts";
import { seeHelp, UsageError } from "./args.ts";
import { selectConsumers } from "../process/worker-process.ts";
import type { Services } from "./services.ts";
import { formatTable } from "./table.ts";

export interface DeadOptions {
  readonly json: boolean;
  readonly limit: number;
  readonly ids: readonly string[];
  readonly all: boolean;
}

export async function deadCommand(services: Services, consumers: readonly AnyConsumer[], action: string | undefined, group: string | undefined, options: DeadOptions): Promise<number> {
  if (!action || !group || !["list", "retry", "drop"].includes(action)) {
    throw new UsageError(`ichnos dead: ${action && !["list", "retry", "drop"].includes(action) ? `unknown action "${action}"` : "name an action (list, retry or drop) and a group"} ${seeHelp("dead")}`);
  }
  const deadStream = services.keys.dead(group);
  if (action === "list") {
    const letters = await listDeadLetters(services.redis, deadStream, options.limit);
    if (options.json) process.stdout.write(`${JSON.stringify(letters, null, 2)}\n`);
    else if (letters.length === 0) process.stdout.write(`no dead letters for ${group}\n`);
    else {
      process.stdout.write(`${formatTable(["DEAD ID", "STREAM", "ENTRY", "DELIVERIES", "FAILED AT", "ERROR"],
        letters.map((d) => [d.deadId, services.keys.logicalName(d.stream), d.id, d.deliveries, d.failedAt, d.error.slice(0, 120)]))}\n`);
    }
    return 0;
  }
  if (action === "drop") {
    if (options.ids.length === 0 && !options.all) throw new UsageError("ichnos dead drop: name entries with --id, or pass --all");
    const ids = options.all ? (await listDeadLetters(services.redis, deadStream, 1_000_000)).map((d) => d.deadId) : options.ids;
    const removed = await removeDeadLetters(services.redis, deadStream, ids);
    process.stdout.write(`dropped ${removed} dead letter(s) of ${group}\n`);
    return 0;
  }
  const [consumer] = selectConsumers(consumers, [group]);
  const outcomes = await retryDeadLetters({ ...services, regions: services.consumerDeps.regions }, consumer!, deadStream, options.ids);
  const failed = outcomes.filter((o) => !o.ok);
  for (const o of failed) process.stdout.write(`still failing ${o.deadLetter.id}: ${o.error}\n`);
  process.stdout.write(`retried ${outcomes.length}: ${outcomes.length - failed.length} applied, ${failed.length} still dead\n`);
  return failed.length > 0 ? 1 : 0;
}
