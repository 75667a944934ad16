/**
 * The one seam through which tests change a process built from config (web-process.ts,
 * worker-process.ts): the clock it reads and the pool it uses. The worker adds its crash hooks
 * and loop settings (WorkerOverrides). Production passes nothing.
 */
import type { Services } from "../cli/services.ts";
import type { Pool } from "../db/pool.ts";

/** Milliseconds since the epoch, as Date.now. */
export type Clock = () => number;

export interface ProcessOverrides {
  /** What the process takes for "now" (received times, daily usage counts, cache expiry, jobs). */
  readonly clock?: Clock;
  /** Another pool in place of the configured one, everywhere the process reaches MySQL. */
  readonly pool?: Pool;
}

/** `services` as the overridden process sees it; the same object when nothing is overridden. */
export function overriddenServices(services: Services, overrides: ProcessOverrides): Services {
  const { pool } = overrides;
  if (!pool) return services;
  return { ...services, pool, consumerDeps: { ...services.consumerDeps, pool } };
}
