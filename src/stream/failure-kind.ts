/** How the runtime tells failures apart; what it then does is loop-policy.ts's decision. */
import { isLockConflict, isTransientError } from "../db/pool.ts";
import type { FailureKind } from "./loop-policy.ts";
import { RetryLaterError } from "./retry-later.ts";

export function classifyFailure(err: unknown): FailureKind {
  if (err instanceof RetryLaterError) return "target-unavailable";
  if (isLockConflict(err)) return "lock-conflict";
  if (isTransientError(err)) return "infrastructure";
  return "projection";
}
