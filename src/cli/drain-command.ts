import type { AnyConsumer } from "../stream/define-consumer.ts";
import { createConsumerRuntime } from "../stream/consumer-runtime.ts";
import { drainGroups } from "../stream/drain.ts";
import { splitGroups, startDrainChildren } from "./drain-processes.ts";
import { formatGroupStatus } from "./groups-command.ts";
import { selectConsumers } from "./serve-command.ts";
import { loopSettings, type Services } from "./services.ts";

export async function drainCommand(
  services: Services, registry: readonly AnyConsumer[], groups: readonly string[], timeoutMs: number, processes = 1,
): Promise<number> {
  const consumers = selectConsumers(registry, groups);
  const [own, ...others] = splitGroups(consumers, processes);
  const children = startDrainChildren(others);
  const runtime = createConsumerRuntime({ ...services, consumers: own ?? [], settings: loopSettings(services.config) });
  let lastPrint = 0;
  let result: Awaited<ReturnType<typeof drainGroups>>;
  try {
    result = await drainGroups(services, runtime, consumers, {
      timeoutMs,
      onProgress: (rows) => {
        children.check();
        if (Date.now() - lastPrint < 2000) return;
        lastPrint = Date.now();
        const lag = rows.reduce((n, r) => n + (r.lag ?? 0), 0);
        process.stderr.write(`draining: ${lag} entries to go, ${rows.reduce((n, r) => n + r.pending, 0)} pending\n`);
      },
    });
  } finally {
    await children.stop();
  }
  process.stdout.write(`${formatGroupStatus(result.rows)}\n`);
  if (!result.drained) {
    process.stderr.write(`not drained after ${timeoutMs / 1000} s; see the table above (ichnos groups, ichnos dead list G)\n`);
    return 1;
  }
  process.stdout.write("drained: every group has lag 0 and nothing pending\n");
  return 0;
}
