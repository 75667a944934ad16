/**
 * The consumer loop's policy as pure functions of plain values (consumer-loop.ts executes
 * them): what to do after a batch failed, how long to back off, when to look for entries that
 * dead consumers left, how long a gathering consumer still waits. Tested without Redis or MySQL
 * (test/unit/loop-policy.test.ts).
 */

/** Why a batch failed, as the loop tells errors apart. */
export type FailureKind =
  /** Redis or MySQL unreachable, a connection lost: nothing is wrong with the entries. */
  | "infrastructure"
  /** The projection's own target (S3, a partner) said "later": the group lags, never skips. */
  | "target-unavailable"
  /** A deadlock or lock-wait timeout (SPEC §4.8): the batch is rolled back and retried whole. */
  | "lock-conflict"
  /** The projection threw for these entries. */
  | "projection";

export type AfterFailure =
  /** Retry the same batch after `waitMs`. */
  | { readonly kind: "back-off"; readonly waitMs: number }
  /** Apply the batch's `entries` one at a time, to find the one that fails. */
  | { readonly kind: "isolate"; readonly entries: number }
  /** The single entry failed `deliveries` times, the most allowed: dead-letter it on the next apply. */
  | { readonly kind: "give-up"; readonly deliveries: number }
  /** Deliver the single entry again after `waitMs`. */
  | { readonly kind: "redeliver"; readonly waitMs: number };

export interface FailureFacts {
  readonly failure: FailureKind;
  /** How many entries the failed apply attempted. */
  readonly attempted: number;
  /** Deliveries of the single attempted entry so far (needed only when `attempted` is 1). */
  readonly deliveries?: number;
  readonly maxDeliveries: number;
  /** Consecutive failures of the kinds that back off, this one included. */
  readonly failuresInARow: number;
  /** A number in [0, 1), for jitter. */
  readonly random: number;
}

const MAX_BACK_OFF_MS = 10_000;
const MAX_REDELIVERY_WAIT_MS = 5000;

/**
 * Exponential back-off from 100 ms up to 10 s, with jitter (half to all of it) so that the loops
 * of many workers do not retry an outage in step.
 */
export function backOffMs(failuresInARow: number, random: number): number {
  return Math.round(Math.min(MAX_BACK_OFF_MS, 100 * 2 ** Math.min(Math.max(failuresInARow, 1), 7)) * (0.5 + random / 2));
}

/** Whether deciding needs the single entry's delivery count (a Redis lookup). */
export function needsDeliveries(failure: FailureKind, attempted: number): boolean {
  return failure === "projection" && attempted === 1;
}

export function afterFailure(facts: FailureFacts): AfterFailure {
  if (facts.failure !== "projection") return { kind: "back-off", waitMs: backOffMs(facts.failuresInARow, facts.random) };
  if (facts.attempted > 1) return { kind: "isolate", entries: facts.attempted };
  const deliveries = facts.deliveries ?? 1;
  if (deliveries >= facts.maxDeliveries) return { kind: "give-up", deliveries };
  return { kind: "redeliver", waitMs: Math.min(MAX_REDELIVERY_WAIT_MS, 50 * 2 ** deliveries) };
}

/**
 * How often a loop looks for entries that dead consumers left: often enough to take them over
 * within half the idle time or half the liveness period, never more than every 50 ms or less
 * than every 30 s.
 */
export function claimIntervalMs(claimIdleMs: number, livenessMs: number): number {
  return Math.max(50, Math.min(claimIdleMs / 2, livenessMs / 2, 30_000));
}

export interface GatherFacts {
  /** The consumer's `gather.maxAgeMs`; absent: it does not gather. */
  readonly maxAgeMs?: number;
  /** A drain: apply partial batches at once. */
  readonly flush: boolean;
  /** Entries are being applied one at a time after a failure. */
  readonly isolating: boolean;
  readonly held: number;
  readonly batchSize: number;
  readonly heldBytes: number;
  readonly batchBytes: number;
  /** An entry held is to be dead-lettered: apply now rather than wait for more. */
  readonly givingUp: boolean;
  /** When the oldest entry held was appended (ms). */
  readonly oldestMs: number;
  readonly nowMs: number;
}

/** How much longer a gathering consumer waits for a fuller batch (0: apply what it holds now). */
export function gatherWaitMs(f: GatherFacts): number {
  if (f.maxAgeMs === undefined || f.flush || f.isolating || f.givingUp) return 0;
  if (f.held >= f.batchSize || f.heldBytes >= f.batchBytes) return 0;
  return Math.max(0, f.oldestMs + f.maxAgeMs - f.nowMs);
}
