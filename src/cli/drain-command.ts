import type { AnyConsumer } from "../stream/define-consumer.ts";
import { drainGroups } from "../stream/drain.ts";
import { splitGroups, startDrainChildren } from "./drain-processes.ts";
import { formatGroupStatus } from "./groups-command.ts";
import { createWorkerProcess, selectConsumers } from "../process/worker-process.ts";
import type { Services } from "./services.ts";

/**
 * The registry for a drain that may start while MySQL is down (the export groups come from
 * `export_config`): retried, with a warning every 10 s, until the drain's own deadline.
 */
export async function loadRegistryPatiently(
  load: () => Promise<AnyConsumer[]>, timeoutMs: number, log: Services["log"],
): Promise<AnyConsumer[]> {
  const deadline = Date.now() + timeoutMs;
  let lastWarn = 0;
  for (;;) {
    try {
      return await load();
    } catch (err) {
      if (Date.now() >= deadline) throw err;
      if (Date.now() - lastWarn >= 10_000) {
        lastWarn = Date.now();
        log.warn({ err, remainingMs: deadline - Date.now() }, "cannot read export_config; is MySQL reachable at DATABASE_URL? the drain keeps trying until its timeout");
      }
      await new Promise((r) => setTimeout(r, Math.min(500, Math.max(1, deadline - Date.now()))));
    }
  }
}

export async function drainCommand(
  services: Services, registry: readonly AnyConsumer[], groups: readonly string[], timeoutMs: number, processes = 1,
): Promise<number> {
  const consumers = selectConsumers(registry, groups);
  const [own, ...others] = splitGroups(consumers, processes);
  const children = startDrainChildren(others);
  const ownNames = new Set((own ?? []).map((c) => c.name));
  // The worker process `ichnos work` runs, for this drain's share of the groups (no jobs).
  const worker = await createWorkerProcess(services, { groups: (name) => ownNames.has(name), jobs: false, flush: true });
  const { runtime } = worker;
  let lastPrint = 0;
  let result: Awaited<ReturnType<typeof drainGroups>>;
  try {
    result = await drainGroups(services, runtime, consumers, {
      timeoutMs,
      stopMs: services.config.shutdownTimeoutMs,
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
  if (!result.stopped) {
    process.stderr.write(
      `not drained: a consumer loop did not stop within SHUTDOWN_TIMEOUT (${services.config.shutdownTimeoutMs / 1000} s) ` +
        "after the timeout; it may be waiting on a database lock held by another process (see the log)\n",
    );
    // The stuck loop holds connections that would keep the process alive past its own timeout.
    setTimeout(() => process.exit(1), 2000).unref();
    return 1;
  }
  if (!result.drained) {
    process.stderr.write(`not drained after ${timeoutMs / 1000} s; see the table above (ichnos groups, ichnos dead list G)\n`);
    return 1;
  }
  process.stdout.write("drained: every group has lag 0 and nothing pending\n");
  return 0;
}
