/**
 * A real worker process for the multi-process tests: the worker process `ichnos work` runs
 * (src/process/worker-process.ts) with the counting projection as its only group, configured
 * from its environment and changed only through its overrides. `CRASH_AFTER_COMMIT=n` SIGKILLs
 * the process after its n-th COMMIT and before the XACK; `CRASH_IN_PROJECT=n` SIGKILLs it while
 * applying its n-th batch (entries read, nothing committed); `KILL_ON_MARK=1` SIGKILLs it
 * whenever a batch it projects holds an entry marked `kill` (an entry that takes down every
 * process that handles it). SIGTERM stops it gracefully.
 */
import { defineConsumer } from "../../src/stream/define-consumer.ts";
import { TEST_STREAMS } from "./test-streams.ts";
import { countingConsumer, type TestPayload } from "./test-consumers.ts";
import { requireEnv, runWorkerUntilSigterm, workerServices } from "./worker-env.ts";

const env = requireEnv("worker-process");
const crashAfterCommit = Number(env("CRASH_AFTER_COMMIT", "0"));
const crashInProject = Number(env("CRASH_IN_PROJECT", "0"));
const batchSize = Number(env("BATCH", "20"));
const killOnMark = env("KILL_ON_MARK", "0") === "1";

// READS: one stream, or several separated by commas.
const counting = countingConsumer(env("GROUP"), env("READS").split(","), { batchSize });
let projected = 0;
const consumer = defineConsumer<TestPayload>({
  ...counting,
  async project(batch, ctx) {
    projected += 1;
    if (crashInProject && projected === crashInProject) process.kill(process.pid, "SIGKILL");
    if (killOnMark && batch.some((e) => e.data.kill)) process.kill(process.pid, "SIGKILL");
    // A little work per batch so that concurrent workers interleave.
    await new Promise((r) => setTimeout(r, Number(env("PROJECT_DELAY_MS", "0"))));
    await counting.project(batch, ctx);
  },
});

let commits = 0;
await runWorkerUntilSigterm(workerServices(env, { PARTITIONS: "2", streams: TEST_STREAMS }), {
  consumers: [consumer],
  settings: {
    batchSize, blockMs: 100, claimIdleMs: Number(env("CLAIM_IDLE_MS", "500")), maxDeliveries: Number(env("MAX_DELIVERIES", "5")),
    batchBytes: Number(env("BATCH_BYTES", String(4 * 1024 * 1024))), livenessMs: Number(env("LIVENESS_MS", "15000")),
  },
  afterCommit: () => {
    commits += 1;
    if (crashAfterCommit && commits === crashAfterCommit) process.kill(process.pid, "SIGKILL");
  },
});
