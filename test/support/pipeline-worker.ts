/**
 * A real worker process running the pipeline's own consumer groups, for crash tests: the worker
 * process `ichnos work` runs (src/process/worker-process.ts), changed only through its overrides.
 * Env: DATABASE_URL, REDIS_URL, PREFIX, PARTITIONS, GROUPS (comma-separated prefixes of group
 * names, e.g. `station:` or `export:internal`), STATION_BATCH, CLAIM_IDLE_MS.
 * `CRASH_AFTER_COMMIT=n` SIGKILLs after the n-th COMMIT and before its XACK; `CRASH_IN_PROJECT=n`
 * SIGKILLs when the n-th batch has done all its writes but has not committed. SIGTERM stops it.
 */
import { defineConsumer } from "../../src/stream/define-consumer.ts";
import { requireEnv, runWorkerUntilSigterm, workerServices } from "./worker-env.ts";

const env = requireEnv("pipeline-worker");
const crashAfterCommit = Number(env("CRASH_AFTER_COMMIT", "0"));
const crashInProject = Number(env("CRASH_IN_PROJECT", "0"));
const wanted = env("GROUPS").split(",");
process.env.STATION_BATCH ??= "2";
process.env.DATABASE_POOL_SIZE ??= "6";

let projected = 0;
let commits = 0;
await runWorkerUntilSigterm(workerServices(env, { logLevel: "warn" }), {
  settings: { batchSize: 500, blockMs: 100, claimIdleMs: Number(env("CLAIM_IDLE_MS", "300")), maxDeliveries: 5 },
  wrap: (c) => defineConsumer({
    ...c,
    async project(batch, ctx) {
      await c.project(batch, ctx);
      projected += 1;
      if (crashInProject && projected === crashInProject) process.kill(process.pid, "SIGKILL");
    },
  }),
  afterCommit: (ids) => {
    if (ids.length === 0) return;
    commits += 1;
    if (crashAfterCommit && commits === crashAfterCommit) process.kill(process.pid, "SIGKILL");
  },
}, { groups: (name) => wanted.some((w) => name.startsWith(w)) });
