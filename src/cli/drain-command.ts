import type { AnyConsumer } from "../stream/define-consumer.ts";
import { createConsumerRuntime } from "../stream/consumer-runtime.ts";
import { drainGroups } from "../stream/drain.ts";
import { formatGroupStatus } from "./groups-command.ts";
import { selectConsumers } from "./serve-command.ts";
import { loopSettings, type Services } from "./services.ts";

export async function drainCommand(services: Services, registry: readonly AnyConsumer[], groups: readonly string[], timeoutMs: number): Promise<number> {
  const consumers = selectConsumers(registry, groups);
  const runtime = createConsumerRuntime({ ...services, consumers, settings: loopSettings(services.config) });
  let lastPrint = 0;
  const result = await drainGroups(services, runtime, consumers, {
    timeoutMs,
    onProgress: (rows) => {
      if (Date.now() - lastPrint < 2000) return;
      lastPrint = Date.now();
      const lag = rows.reduce((n, r) => n + (r.lag ?? 0), 0);
      process.stderr.write(`draining: ${lag} entries to go, ${rows.reduce((n, r) => n + r.pending, 0)} pending\n`);
    },
  });
  process.stdout.write(`${formatGroupStatus(result.rows)}\n`);
  if (!result.drained) {
    process.stderr.write(`not drained after ${timeoutMs / 1000} s; see the table above (ichnos groups, ichnos dead list G)\n`);
    return 1;
  }
  process.stdout.write("drained: every group has lag 0 and nothing pending\n");
  return 0;
}
