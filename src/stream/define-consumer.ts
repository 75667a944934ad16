import type { Pool, PoolConnection } from "../db/pool.ts";
import type { Logger } from "../logger.ts";
import type { StreamEntry } from "./entry.ts";
import type { PayloadOf, StreamName } from "./streams.ts";
import type { ConsumerDeps } from "./consumer-deps.ts";

export interface ProjectContext {
  /** The open transaction; the runtime writes the group's checkpoint in it and commits. */
  readonly tx: PoolConnection;
  readonly log: Logger;
  readonly group: string;
  readonly stream: string;
  /** This process's consumer name within the group (for logs and diagnostics). */
  readonly consumer: string;
  /**
   * The physical name of one of the consumer's own `tables`. A rebuild (`replay --rebuild`)
   * maps them to shadow tables; live projection maps each name to itself.
   */
  table(name: string): string;
  /**
   * True while a rebuild re-projects history into shadow tables. Side effects outside the
   * consumer's own tables (counters already counted, downstream streams already fed) are
   * skipped then.
   */
  readonly rebuilding: boolean;
}

export interface RebuildContext {
  readonly tx: PoolConnection;
  readonly log: Logger;
  table(name: string): string;
}

/** A consumer group as a consumer file defines it (consumers/*.ts, README "Writing a consumer"). */
export interface ConsumerDefinition<T = unknown> {
  /** Consumer group name; also the file name under consumers/. */
  readonly name: string;
  /**
   * The streams it reads, by their catalogue names (streams.ts): a family such as `reports` or
   * `obs:wifi`, or single streams such as `obs:wifi:3`. A name outside the catalogue stops the
   * worker at start with the valid names listed.
   */
  readonly reads: StreamName | readonly StreamName[];
  /** Where a new group begins: `$` = only new entries, `0` = all retained history. */
  readonly start: "$" | "0";
  /** Entries per transaction; defaults to CONSUMER_BATCH. */
  readonly batchSize?: number;
  /**
   * Wait for a full batch (`batchSize` entries, or the byte bound) before applying, unless the
   * oldest entry held is `maxAgeMs` old: for targets that want few large writes (archive
   * objects). `ichnos drain` applies partial batches at once.
   */
  readonly gather?: { readonly maxAgeMs: number };
  /**
   * False when applying an entry twice changes the projection twice (station statistics add up
   * samples and weights): such a group is only replayed with `--rebuild`. Defaults to true.
   */
  readonly idempotent?: boolean;
  /** MySQL tables this projection owns and a rebuild replaces (through `ctx.table`). */
  readonly tables?: readonly string[];
  /**
   * Applies a batch inside `ctx.tx`. Must be idempotent (replays re-apply entries) and must
   * not commit. Throwing rolls the batch back; the runtime then isolates the failing entry.
   */
  project(batch: readonly StreamEntry<T>[], ctx: ProjectContext): Promise<void>;
  /** Runs once in a rebuild before history is replayed, to seed the shadow tables. */
  seedRebuild?(ctx: RebuildContext): Promise<void>;
  /** Runs once after a rebuild's tables were swapped in. */
  afterRebuild?(ctx: { readonly log: Logger; readonly pool: Pool }): Promise<void>;
}

/**
 * What only the built-in groups set, through defineBuiltInConsumer: knobs of the runtime's own
 * machinery, not part of a consumer file's definition.
 */
export interface RuntimeOptions {
  /**
   * `splitter`: the stream it reads is the internal splitter's output, which is not archived; a
   * rebuild whose history that stream no longer holds splits the reports again (rederive.ts).
   */
  readonly derivedBy?: "splitter";
  /**
   * `ignored`: the projection never reads `data`, so entries are not JSON-decoded for it.
   * `text`: the projection reads the payload's stored JSON text (`text`), not decoded from the
   * stream (`data` is null then); entries replayed from the archive come decoded, without it.
   */
  readonly payload?: "ignored" | "text";
  /**
   * Whether the group should still exist. Groups made from configuration rows (exports) are
   * retired by deleting the row; a loop never re-creates a retired group.
   */
  isRetired?(db: PoolConnection): Promise<boolean>;
}

/** A group as the runtime runs it: its definition and, for built-in groups, runtime options. */
export interface ConsumerDescriptor<T = unknown> extends ConsumerDefinition<T>, RuntimeOptions {}

/** The payload type of the streams `reads` names (a union when it names several kinds). */
export type ReadsPayload<R> = R extends readonly (infer N extends string)[] ? PayloadOf<N> : R extends string ? PayloadOf<R> : unknown;

/**
 * A consumer group. Without a type argument the payload type follows from `reads`
 * (`reads: "reports"` gives `StreamEntry<ReportEntry>`); `defineConsumer<T>` states it instead.
 */
export function defineConsumer<const R extends StreamName | readonly StreamName[]>(
  descriptor: ConsumerDefinition<ReadsPayload<R>> & { readonly reads: R },
): ConsumerDescriptor<ReadsPayload<R>>;
export function defineConsumer<T>(descriptor: ConsumerDefinition<T>): ConsumerDescriptor<T>;
export function defineConsumer<T>(descriptor: ConsumerDefinition<T>): ConsumerDescriptor<T> {
  if (!/^[A-Za-z0-9_.:-]{1,100}$/.test(descriptor.name)) {
    throw new Error(`consumer name "${descriptor.name}" must be 1-100 letters, digits, _ . : -`);
  }
  return Object.freeze({ ...descriptor });
}

/**
 * A set of groups defined by one file of `consumers/` (the 36 station projectors, one export
 * group per `export_config` row): each member is named `<name>:<member>`.
 */
export interface ConsumerFamily {
  readonly kind: "consumer-family";
  readonly name: string;
  /**
   * True when the members follow configuration rows (exports): workers build them again every
   * EXPORTS_RELOAD and start or stop groups to match.
   */
  readonly reloadable?: boolean;
  members(deps: ConsumerDeps): readonly AnyConsumer[] | Promise<readonly AnyConsumer[]>;
}

export function defineConsumerFamily(family: Omit<ConsumerFamily, "kind">): ConsumerFamily {
  if (!/^[A-Za-z0-9_.-]{1,100}$/.test(family.name)) throw new Error(`consumer family name "${family.name}" must be 1-100 letters, digits, _ . -`);
  return Object.freeze({ ...family, kind: "consumer-family" as const });
}

export function isConsumerFamily(value: unknown): value is ConsumerFamily {
  return typeof value === "object" && value !== null && (value as ConsumerFamily).kind === "consumer-family";
}

/**
 * The registry holds consumers of any payload type. `project` is declared as a method, so a
 * descriptor typed for its own payload is assignable here; each one validates what it reads.
 */
export type AnyConsumer = ConsumerDescriptor<unknown>;

/** The identity table mapping of live projection. */
export const liveTable = (name: string): string => name;

/** A built-in group with options of the runtime's own (exports, station projectors). */
export function defineBuiltInConsumer<T>(definition: ConsumerDefinition<T>, runtime: RuntimeOptions): ConsumerDescriptor<T> {
  return defineConsumer<T>({ ...definition, ...runtime });
}
