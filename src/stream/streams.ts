/**
 * The catalogue of Ichnos's streams (DESIGN §2): every family, the logical names of its streams,
 * the type of its payload, the check that tells a payload of that type, and its schema version.
 * Keys, consumer `reads`, the trimmer and the tools take stream names from here; a name outside
 * it is refused with the valid ones listed, instead of becoming an empty stream nobody writes.
 */
import { areaUpdateProblem, type AreaUpdate } from "../domain/area/area-update.ts";
import { MAC_SHARDS, STATION_RADIOS, type MacShard, type ObservationBatch, type StationRadio } from "../domain/observation/types.ts";
import { isReportEntry, type ReportEntry } from "../domain/report.ts";

export interface StreamFamily {
  /** The family's name, which `reads` may also use for all its streams (`reports`, `obs:wifi`). */
  readonly name: string;
  /** What its streams carry, for messages. */
  readonly carries: string;
  /** The schema version its appenders write (`v` of each entry). */
  readonly version: number;
  /**
   * Its streams' logical names, for `partitions` report partitions; null for an open family
   * (`dead:<group>`), whose members are named one at a time.
   */
  members(partitions: number): readonly string[] | null;
  /** Whether `logical` names one of its streams. */
  has(logical: string, partitions: number): boolean;
  /** Why `data` is not a payload of this family, or null when it is. */
  problem(data: unknown): string | null;
}

function closedFamily(
  name: string, carries: string, members: (partitions: number) => readonly string[], problem: (data: unknown) => string | null,
): StreamFamily {
  return { name, carries, version: 1, members, has: (logical, partitions) => members(partitions).includes(logical), problem };
}

/** A family whose streams are `<name>:<suffix>` for any suffix made of `pattern`. */
export function openFamily(name: string, carries: string, pattern: RegExp, problem: (data: unknown) => string | null = () => null): StreamFamily {
  return {
    name, carries, version: 1, members: () => null, problem,
    has: (logical) => logical.startsWith(`${name}:`) && pattern.test(logical.slice(name.length + 1)),
  };
}

const reportProblem = (data: unknown) => (isReportEntry(data) ? null : "not a report entry (api_key, source, received, report with its three lists)");
const observationProblem = (data: unknown) => {
  const d = data as Partial<ObservationBatch> & { obs?: unknown } | null;
  return typeof d === "object" && d !== null && (Array.isArray(d.reports) || Array.isArray(d.obs)) ? null : "not an observation batch (no reports list)";
};

export const STREAM_FAMILIES = {
  reports: closedFamily("reports", "submitted reports, partitioned by device", (n) => Array.from({ length: n }, (_, p) => `reports:${p}`), reportProblem),
  "obs:wifi": closedFamily("obs:wifi", "Wi-Fi observations, by MAC shard", () => MAC_SHARDS.map((h) => `obs:wifi:${h}`), observationProblem),
  "obs:blue": closedFamily("obs:blue", "Bluetooth observations, by MAC shard", () => MAC_SHARDS.map((h) => `obs:blue:${h}`), observationProblem),
  "obs:cell": closedFamily("obs:cell", "cell observations, by radio", () => STATION_RADIOS.map((r) => `obs:cell:${r}`), observationProblem),
  areas: closedFamily("areas", "cell areas whose cells changed", () => ["areas"], areaUpdateProblem),
  dead: openFamily("dead", "a group's dead letters", /^[A-Za-z0-9_.:-]{1,100}$/),
} as const satisfies Record<string, StreamFamily>;

/** Every logical name `reads` may use: a family, or one stream of it. */
export type StreamName =
  | "reports" | `reports:${number}`
  | "obs:wifi" | `obs:wifi:${MacShard}`
  | "obs:blue" | `obs:blue:${MacShard}`
  | "obs:cell" | `obs:cell:${StationRadio}`
  | "areas"
  | `dead:${string}`;

/** The payload type a stream name carries. */
export type PayloadOf<N extends string> =
  N extends "reports" | `reports:${string}` ? ReportEntry
  : N extends `obs:${string}` ? ObservationBatch
  : N extends "areas" ? AreaUpdate
  : unknown;

export class UnknownStreamError extends Error {}

/** The streams one catalogue knows, for `partitions` report partitions (plus `extra` families). */
export interface StreamCatalogue {
  readonly families: readonly StreamFamily[];
  /** Logical names of every stream `names` stands for; throws UnknownStreamError naming the valid ones. */
  expand(names: string | readonly string[]): string[];
  /** The family of one logical stream name, or null. */
  familyOf(logical: string): StreamFamily | null;
}

function describe(family: StreamFamily, partitions: number): string {
  const members = family.members(partitions);
  const list = members === null ? `${family.name}:<name>` : members.length > 4 ? `${members[0]} … ${members.at(-1)}` : members.join(", ");
  return `${family.name} = ${list} (${family.carries})`;
}

export function createCatalogue(partitions: number, extra: readonly StreamFamily[] = []): StreamCatalogue {
  const families: readonly StreamFamily[] = [...Object.values(STREAM_FAMILIES), ...extra];
  const familyOf = (logical: string) => families.find((f) => f.has(logical, partitions)) ?? null;
  return {
    families,
    familyOf,
    expand(names) {
      const out: string[] = [];
      for (const name of typeof names === "string" ? [names] : names) {
        const family = families.find((f) => f.name === name);
        const members = family?.members(partitions);
        if (members) out.push(...members);
        else if (familyOf(name)) out.push(name);
        else {
          throw new UnknownStreamError(
            `unknown stream "${name}"; the streams are ${families.map((f) => describe(f, partitions)).join("; ")}`,
          );
        }
      }
      return [...new Set(out)];
    },
  };
}

/**
 * The check a consumer's decoded payloads of `logical` get before its projection sees them, or
 * null when it reads no decoded payloads (`payload: "text"` or `"ignored"`) or the stream is of
 * an open family with free payloads.
 */
export function payloadCheck(
  catalogue: StreamCatalogue, logical: string, consumer: { readonly payload?: "ignored" | "text" },
): ((data: unknown) => string | null) | null {
  if (consumer.payload !== undefined) return null;
  return catalogue.familyOf(logical)?.problem ?? null;
}
