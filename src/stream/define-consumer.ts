import type { PoolConnection } from "../db/pool.ts";
import type { RegionLookup } from "../geo/region-lookup.ts";
import type { Logger } from "../logger.ts";
import type { StreamEntry } from "./entry.ts";
import type { PayloadOf, StreamName } from "./streams.ts";
import type { ConsumerDeps } from "./consumer-deps.ts";

export interface ProjectContext {
  /** The open transaction; the runtime writes the group's checkpoint in it and commits. */
  readonly tx: PoolConnection;
  readonly log: Logger;
  readonly group: string;
  /** The entries' stream by its catalogue name (`reports:0`), the same under any REDIS_PREFIX. */
  readonly stream: string;
  /** The same stream's Redis key (what the built-in groups key their own Redis state by). */
  readonly streamKey: string;
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
  /** Which region a position lies in (country boundaries), read-only. */
  readonly regions: RegionLookup;
  /**
   * Appends payloads to a stream of the catalogue (`areas`), at least once: a batch retried after
   * a crash appends them again, so what reads them must be idempotent. Use `output` for exactly once.
   */
  append(stream: StreamName, payloads: readonly unknown[]): Promise<string[]>;
  /** Appends that happen exactly once per entry of this stream, with source marks the runtime keeps. */
  readonly output: OnceOutput;
  /**
   * Runs `fn` once the batch's transaction has committed, and never when it rolls back (a lock
   * conflict retried, a failing entry isolated): for counting what a batch did, in metrics, once.
   */
  afterCommit(fn: () => void): void;
}

/**
 * Exactly-once output to other streams (the splitter feeds the observation streams this way).
 * Each target keeps, for this group and stream, the id of the last entry whose output it holds;
 * a redelivered batch reads it and leaves out what the target already has.
 */
export interface OnceOutput {
  /** Per target: the id of the last entry of this stream whose output it holds (null: none). */
  heldThrough(targets: readonly StreamName[]): Promise<Map<StreamName, string | null>>;
  /**
   * Appends each payload to its target as the output of this stream's entries through `through`.
   * `held` is what heldThrough said; when the target's mark moved since (another applier), the
   * append throws and the batch is retried.
   */
  append(through: string, appends: readonly { readonly target: StreamName; readonly payload: unknown; readonly held: string | null }[]): Promise<string[]>;
}

export interface RebuildContext {
  readonly tx: PoolConnection;
  readonly log: Logger;
  table(name: string): string;
}

/** What `afterRebuild` gets: a transaction (committed after it), and appending to the catalogue's streams. */
export interface AfterRebuildContext {
  readonly tx: PoolConnection;
  readonly log: Logger;
  append(stream: StreamName, payloads: readonly unknown[]): Promise<string[]>;
}

/** Table name → its column and key definitions, as between the parentheses of CREATE TABLE. */
export interface TableDeclarations {
  readonly [table: string]: string;
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
  /**
   * MySQL tables this projection owns and a rebuild replaces (through `ctx.table`). Either their
   * definitions, `{ name: "column and key definitions" }`, which `ichnos migrate` and workers
   * create (CREATE TABLE name (…)) and a rebuild uses for its shadow tables; or only their names,
   * for tables the project's migrations create (the built-in groups).
   */
  readonly tables?: readonly string[] | TableDeclarations;
  /**
   * Raise it when the projection's code or tables change: the next worker rebuilds the
   * projection from all available history (shadow tables from the new definitions, then a swap)
   * before it applies new entries. Defaults to 1.
   */
  readonly version?: number;
  /**
   * Applies a batch inside `ctx.tx`. Must be idempotent (replays re-apply entries) and must
   * not commit. Throwing rolls the batch back; the runtime then isolates the failing entry.
   */
  project(batch: readonly StreamEntry<T>[], ctx: ProjectContext): Promise<void>;
  /** Runs once in a rebuild before history is replayed, to seed the shadow tables. */
  seedRebuild?(ctx: RebuildContext): Promise<void>;
  /** Runs once after a rebuild's tables were swapped in. */
  afterRebuild?(ctx: AfterRebuildContext): Promise<void>;
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
   * stream (`data` is null then); entries replayed from the archive, which hold no stored text,
   * get their payload encoded again.
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
  const version = descriptor.version ?? 1;
  if (!Number.isInteger(version) || version < 1 || version > 4_294_967_295) {
    throw new Error(`consumer ${descriptor.name}: version must be a whole number from 1, not ${String(descriptor.version)}`);
  }
  for (const table of tableNames(descriptor)) {
    // 55 characters leave room for the rebuild's `__rebuild` suffix within MySQL's 64.
    if (!/^[A-Za-z0-9_]{1,55}$/.test(table)) {
      throw new Error(`consumer ${descriptor.name}: table name "${table}" must be 1-55 letters, digits or _`);
    }
  }
  for (const [table, body] of tableDefinitions(descriptor)) {
    if (typeof body !== "string" || body.trim() === "" || body.includes(";")) {
      throw new Error(
        `consumer ${descriptor.name}: table ${table} needs its column and key definitions as one string without ";", ` +
          'e.g. { hourly_volume: "hour DATETIME NOT NULL, n INT NOT NULL, PRIMARY KEY (hour)" }',
      );
    }
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

/** The tables a consumer owns, declared with definitions or by name only. */
export function tableNames(consumer: Pick<ConsumerDefinition, "tables">): string[] {
  const tables = consumer.tables;
  if (tables === undefined) return [];
  return isTableList(tables) ? [...tables] : Object.keys(tables);
}

/** The definitions of the tables a consumer declares (none for tables named only). */
export function tableDefinitions(consumer: Pick<ConsumerDefinition, "tables">): ReadonlyMap<string, string> {
  const tables = consumer.tables;
  if (tables === undefined || isTableList(tables)) return new Map();
  return new Map(Object.entries(tables));
}

function isTableList(tables: readonly string[] | TableDeclarations): tables is readonly string[] {
  return Array.isArray(tables);
}

/** The consumer's version, 1 unless it states one. */
export const consumerVersion = (consumer: Pick<ConsumerDefinition, "version">): number => consumer.version ?? 1;

