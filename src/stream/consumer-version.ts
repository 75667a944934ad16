/**
 * A consumer's version (README "Writing a consumer"): what a group's checkpoints record of the
 * code that projected them, and what a worker starting a group does about a difference. Raising
 * `version` makes the next worker rebuild the projection; a changed table definition without a
 * new version is refused, since the live tables would no longer be what the code expects.
 */
import { createHash } from "node:crypto";
import type { CheckpointStamp } from "../db/stream-checkpoint.ts";
import { consumerVersion, tableDefinitions, type ConsumerDefinition } from "./define-consumer.ts";

/** What the consumer's code is: its version and a fingerprint of its declared table definitions. */
export function consumerStamp(consumer: Pick<ConsumerDefinition, "version" | "tables">): CheckpointStamp {
  return { version: consumerVersion(consumer), definition: definitionFingerprint(consumer) };
}

/** sha256 of the declared definitions, whitespace-insensitive; '' when the consumer declares none. */
function definitionFingerprint(consumer: Pick<ConsumerDefinition, "tables">): string {
  const definitions = [...tableDefinitions(consumer)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (definitions.length === 0) return "";
  const text = definitions.map(([name, body]) => `${name}(${body.replace(/\s+/g, " ").trim()})`).join("\n");
  return createHash("sha256").update(text).digest("hex");
}

export type VersionDecision =
  /** Nothing to do: a new group (its checkpoints are written with the stamp) or one up to date. */
  | { readonly kind: "current" }
  /** Checkpoints from before versions were recorded: record this code's stamp, nothing rebuilt. */
  | { readonly kind: "record" }
  /** The code is newer than what projected the tables: rebuild from all history. */
  | { readonly kind: "rebuild"; readonly recorded: number }
  /** A newer build rebuilt the group: this (older) code must leave it alone. */
  | { readonly kind: "newer"; readonly recorded: number }
  /** Same version, other table definitions: the file changed without a new version. */
  | { readonly kind: "changed"; readonly version: number };

export function versionDecision(recorded: readonly CheckpointStamp[], mine: CheckpointStamp): VersionDecision {
  const stamped = recorded.filter((s) => s.version > 0);
  if (stamped.length === 0) return { kind: recorded.length === 0 ? "current" : "record" };
  const highest = Math.max(...stamped.map((s) => s.version));
  if (highest > mine.version) return { kind: "newer", recorded: highest };
  const lowest = Math.min(...stamped.map((s) => s.version));
  if (lowest < mine.version) return { kind: "rebuild", recorded: lowest };
  if (stamped.some((s) => s.definition !== "" && s.definition !== mine.definition)) return { kind: "changed", version: mine.version };
  const complete = recorded.every((s) => s.version === mine.version && s.definition === mine.definition);
  return { kind: complete ? "current" : "record" };
}

/** A batch found its checkpoint written by another version of the consumer (a rebuild happened). */
export class VersionChangedError extends Error {}
