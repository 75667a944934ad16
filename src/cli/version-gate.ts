/**
 * What a worker does before it runs a group (README "Writing a consumer", `version`): create the
 * tables its consumer declares, then compare the consumer's version with the one its
 * checkpoints record. A raised version is rebuilt from all available history, by one worker
 * (the others wait for it), before the group's loops start; a table definition changed without
 * a new version stops the worker at start.
 */
import { tryNamedLock } from "../db/named-lock.ts";
import { type CheckpointStamp, loadCheckpoints, stampCheckpoints } from "../db/stream-checkpoint.ts";
import { consumerStamp, versionDecision } from "../stream/consumer-version.ts";
import { getOrCreate } from "../util/get-or-create.ts";
import { createConsumerTables } from "../stream/consumer-tables.ts";
import { type AnyConsumer, tableNames } from "../stream/define-consumer.ts";
import { classifyFailure } from "../stream/failure-kind.ts";
import { backOffMs } from "../stream/loop-policy.ts";
import { rebuildGroup } from "../stream/rebuild.ts";
import { parseFrom } from "../stream/replay.ts";
import type { Logger } from "../logger.ts";
import { sleep } from "../util/sleep.ts";
import { formatDuration } from "../util/units.ts";
import { historyDeps, planRebuild } from "./rebuild-plan.ts";
import type { Services } from "./services.ts";

/** A consumer file's tables and version disagree with what its group's tables were built from. */
export class ConsumerVersionError extends Error {}

const LOCK_POLL_MS = 2000;
const PROGRESS_LOG_MS = 10_000;

function changedMessage(consumer: AnyConsumer, version: number): string {
  return `group ${consumer.name}: consumers/${consumer.name.split(":")[0]}.ts declares other table definitions than its tables were built with, ` +
    `but the same version (${version}). Raise its version to ${version + 1}: the next worker then rebuilds the group from all history with the new tables`;
}

/** Start-up check: throws for every group whose file changed its tables without a new version. */
async function checkConsumerVersions(services: Pick<Services, "pool">, consumers: readonly AnyConsumer[]): Promise<void> {
  const stamps = new Map<string, CheckpointStamp[]>();
  for (const cp of await loadCheckpoints(services.pool)) getOrCreate(stamps, cp.group, () => []).push(cp.stamp);
  const changed = consumers.flatMap((c) => {
    const d = versionDecision(stamps.get(c.name) ?? [], consumerStamp(c));
    return d.kind === "changed" ? [changedMessage(c, d.version)] : [];
  });
  if (changed.length > 0) throw new ConsumerVersionError(changed.join("\n"));
}

/**
 * The runtime's `prepare` hook: resolves true when the group's loops may run. Errors are logged
 * with what to do; the group then does not run in this worker.
 */
export function versionGate(services: Services): (consumer: AnyConsumer, signal: AbortSignal) => Promise<boolean> {
  return async (consumer, signal) => {
    const log = services.log.child({ group: consumer.name });
    let failures = 0;
    let waited = false;
    while (!signal.aborted) {
      try {
        const step = await nextStep(services, consumer, log);
        if (step !== "wait") return step === "run";
        if (!waited) log.info("another worker is rebuilding the group for its new consumer version; waiting for it");
        waited = true;
        await sleep(LOCK_POLL_MS, signal);
      } catch (err) {
        if (classifyFailure(err) === "projection") throw err;
        // MySQL, Redis or the archive unreachable: look again (and rebuild) once they are back.
        failures += 1;
        const wait = backOffMs(failures, Math.random());
        log.warn({ err, retryInMs: wait }, "cannot prepare the group yet (is MySQL reachable?); retrying");
        await sleep(wait, signal);
      }
    }
    return false;
  };
}

/** One look at the group: run it, keep it stopped, or wait for the worker rebuilding it. */
async function nextStep(services: Services, consumer: AnyConsumer, log: Logger): Promise<"run" | "stop" | "wait"> {
  const mine = consumerStamp(consumer);
  const decide = async () => versionDecision((await loadCheckpoints(services.pool, consumer.name)).map((c) => c.stamp), mine);
  await createConsumerTables(services, [consumer]);
  const decision = await decide();
  switch (decision.kind) {
    case "current":
      return "run";
    case "record":
      await stampCheckpoints(services.pool, consumer.name, mine);
      return "run";
    case "changed":
      log.error(changedMessage(consumer, decision.version));
      return "stop";
    case "newer":
      log.error(
        { recorded: decision.recorded, version: mine.version },
        `group ${consumer.name} was rebuilt by version ${decision.recorded} of its consumer; this worker runs version ${mine.version} ` +
          "and leaves the group alone. Deploy the current consumer files to it",
      );
      return "stop";
    case "rebuild": {
      const got = await tryNamedLock(services.pool, `version:${consumer.name}`, async () => {
        // Another worker may have finished the rebuild while this one waited for the lock.
        const now = await decide();
        return now.kind === "rebuild" ? rebuildToVersion(services, consumer, now.recorded) : true;
      });
      if (!got.locked) return "wait";
      return got.value ? "run" : "stop";
    }
  }
}

/** Rebuilds the group from all available history; true when its loops may run. */
async function rebuildToVersion(services: Services, consumer: AnyConsumer, recorded: number): Promise<boolean> {
  const mine = consumerStamp(consumer);
  const log = services.log.child({ group: consumer.name, from: recorded, version: mine.version });
  if (tableNames(consumer).length === 0) {
    await stampCheckpoints(services.pool, consumer.name, mine);
    log.warn(
      `group ${consumer.name} declares no tables, so its new version has nothing to rebuild; ` +
        `to re-apply history, run ichnos replay ${consumer.name} --from start`,
    );
    return true;
  }
  const plan = await planRebuild(services, consumer, "start");
  if (plan.kind === "refused") {
    log.error(
      `${plan.message}\nThe group keeps its version-${recorded} tables and does not run in this worker. Rebuild it by hand ` +
        `(ichnos replay ${consumer.name} --from <id> --rebuild --allow-fewer-rows records the new version), then restart the workers`,
    );
    return false;
  }
  log.info({ note: plan.note ?? undefined }, "the consumer's version was raised; rebuilding the group from all history before it runs");
  const started = Date.now();
  let lastLog = started;
  try {
    // The new code decides what the tables hold: fewer rows than the old version's are expected.
    const result = await rebuildGroup(historyDeps(services), consumer, parseFrom("start"), {
      ...plan.options,
      allowFewerRows: true,
      onProgress: (p) => {
        if (p.phase === "replaying" && Date.now() - lastLog < PROGRESS_LOG_MS) return;
        lastLog = Date.now();
        const rate = p.done / Math.max(0.001, (Date.now() - started) / 1000);
        log.info({ done: p.done, total: p.total, perSecond: Math.round(rate), phase: p.phase }, "rebuilding for the new consumer version");
      },
    });
    log.info(
      { applied: result.applied, deadLettered: result.deadLettered, took: formatDuration(Date.now() - started) },
      `rebuilt ${tableNames(consumer).join(", ")} for version ${mine.version}; swapped in`,
    );
    return true;
  } catch (err) {
    if (classifyFailure(err) !== "projection") throw err;
    log.error({ err }, "the rebuild for the new consumer version failed; the group keeps its old tables and does not run in this worker (fix the consumer, then restart)");
    return false;
  }
}

/**
 * At worker start: the declared tables exist and no consumer file changed its tables without a
 * new version (that stops the worker, like a misspelt `reads`). A worker may start before MySQL
 * is reachable; then each group's gate does the same once it is.
 */
export async function checkConsumersAtStart(services: Services, consumers: readonly AnyConsumer[]): Promise<void> {
  try {
    await createConsumerTables(services, consumers);
    await checkConsumerVersions(services, consumers);
  } catch (err) {
    if (classifyFailure(err) === "projection") throw err;
    services.log.warn({ err }, "cannot check the consumers' tables and versions yet (is MySQL reachable?); each group checks before it runs");
  }
}
