import type { PoolConnection } from "../db/pool.ts";
import type { Logger } from "../logger.ts";
import type { StreamEntry } from "./entry.ts";

export interface ProjectContext {
  /** The open transaction; the runtime writes the group's checkpoint in it and commits. */
  readonly tx: PoolConnection;
  readonly log: Logger;
  readonly group: string;
  readonly stream: string;
  /** This process's consumer name within the group (for logs and diagnostics). */
  readonly consumer: string;
}

export interface ConsumerDescriptor<T = unknown> {
  /** Consumer group name; also the file name under consumers/. */
  readonly name: string;
  /** Logical streams: `reports`, `obs:wifi`, `obs:wifi:3`, `areas`, … (see keys.ts). */
  readonly reads: string | readonly string[];
  /** Where a new group begins: `$` = only new entries, `0` = all retained history. */
  readonly start: "$" | "0";
  /** Entries per transaction; defaults to CONSUMER_BATCH. */
  readonly batchSize?: number;
  /**
   * Applies a batch inside `ctx.tx`. Must be idempotent (replays re-apply entries) and must
   * not commit. Throwing rolls the batch back; the runtime then isolates the failing entry.
   */
  project(batch: readonly StreamEntry<T>[], ctx: ProjectContext): Promise<void>;
}

export function defineConsumer<T>(descriptor: ConsumerDescriptor<T>): ConsumerDescriptor<T> {
  if (!/^[A-Za-z0-9_.:-]{1,100}$/.test(descriptor.name)) {
    throw new Error(`consumer name "${descriptor.name}" must be 1-100 letters, digits, _ . : -`);
  }
  return Object.freeze({ ...descriptor });
}

/**
 * The registry holds consumers of any payload type. `project` is declared as a method, so a
 * descriptor typed for its own payload is assignable here; each one validates what it reads.
 */
export type AnyConsumer = ConsumerDescriptor<unknown>;
