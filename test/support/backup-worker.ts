/**
 * A worker process running only the `export:backup` group against the archive given by
 * BACKUP_URL (and the AWS_* variables): the worker process `ichnos work --group export:backup`
 * runs, changed only through its overrides. `KILL_AFTER_UPLOAD=n` SIGKILLs it right after its
 * n-th upload succeeded and before that batch's checkpoint commits: the archive then holds an
 * object whose entries the group has not moved past.
 */
import { defineConsumer } from "../../src/stream/define-consumer.ts";
import { requireEnv, runWorkerUntilSigterm, workerServices } from "./worker-env.ts";

const env = requireEnv("backup-worker");
const killAfter = Number(env("KILL_AFTER_UPLOAD", "0"));
process.env.BACKUP_MAX_AGE ??= "100ms";
process.env.S3_FORCE_PATH_STYLE ??= "true";
let uploads = 0;
await runWorkerUntilSigterm(workerServices(env), {
  settings: { batchSize: 500, blockMs: 100, claimIdleMs: 60_000, maxDeliveries: 5 },
  wrap: (backup) => defineConsumer({
    ...backup,
    async project(batch, ctx) {
      await backup.project(batch, ctx);
      uploads += 1;
      if (killAfter && uploads === killAfter) process.kill(process.pid, "SIGKILL");
    },
  }),
}, { groups: ["export:backup"], flush: true });
