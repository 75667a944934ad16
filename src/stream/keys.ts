/**
 * Every Redis key Ichnos uses. Each stream carries its own Cluster hash tag (`{…}`) so streams
 * spread over slots, and every key that a multi-key command or script touches together with a
 * stream (its sequence counter) shares that stream's tag. Stream names come from the catalogue
 * (streams.ts).
 */
import { createCatalogue, type StreamCatalogue, type StreamFamily } from "./streams.ts";

/**
 * The keys that are not streams, by their formats under a prefix (SPEC §2.3's table where Ichnaea
 * has them): the API's usage counters, the fallback provider's cache and rate limit, the global
 * locate sample rate, and the source marks next to each observation stream.
 */
export const KEY_FORMATS = {
  apiUsers: (prefix: string, kind: string, apiKey: string, isoDay: string) => `${prefix}:apiuser:${kind}:${apiKey}:${isoDay}`,
  apiLimit: (prefix: string, apiKey: string, path: string, compactDay: string) => `${prefix}:apilimit:${apiKey}:${path}:${compactDay}`,
  /** The network id (lowercase hex) follows; `v1:1`: the cache format version, bumped when the value changes. */
  fallbackCachePrefix: (prefix: string, provider: string, type: string) => `${prefix}:cache:fallback:${provider}:v1:1:${type}:`,
  fallbackRateLimit: (prefix: string, name: string, window: number) => `${prefix}:fallback_ratelimit:${name}:${window}`,
  globalSampleRate: (prefix: string) => `${prefix}:global_locate_sample_rate`,
  /** A content page's cached data (SPEC §2.3: `cache:stats:4`, `cache:stats_regions:4`, …). */
  contentCache: (prefix: string, name: string) => `${prefix}:cache:${name}`,
  /** What the cell export job recorded while waiting for the pipeline to pass `cutoffMs` (cells/export-readiness.ts). */
  cellExportReadiness: (prefix: string, cutoffMs: number) => `${prefix}:cell-export:ready:${cutoffMs}`,
  /** Same hash tag as the stream: the append script reads and moves them together. */
  sourceMarks: (streamKey: string) => `${streamKey}:src`,
} as const;

export interface Keys {
  readonly prefix: string;
  /** The stream key for a logical name such as `reports:0`, `obs:wifi:a`, `areas`. */
  stream(logical: string): string;
  /** The logical name back from a stream key (for logs and CLI output). */
  logicalName(streamKey: string): string;
  reportStreams(): string[];
  /** A stream's dense sequence counter; same hash tag as the stream. */
  sequence(streamKey: string): string;
  /** A group's record of the archive objects it is uploading from a stream (archive/upload-attempts.ts). */
  archiveAttempts(streamKey: string, group: string): string;
  dead(group: string): string;
  lease(job: string): string;
  /** Who reads a group's stream now (stream-ownership.ts); same hash tag as the stream. */
  readerLease(group: string, streamKey: string): string;
  /** The workers running a group now, with their last heartbeat (stream-ownership.ts). */
  workers(group: string): string;
  /** A consumer's liveness key: it exists while the process running that consumer is up. */
  alive(consumerName: string): string;
  /** A Redis connection's name (CLIENT LIST), under the prefix so installations sharing a Redis tell theirs apart. */
  connection(name: string): string;
  /** The stream families these keys know (streams.ts). */
  readonly catalogue: StreamCatalogue;
  /**
   * Stream keys for logical names: a family (`reports`, `obs:wifi`, …) stands for all its
   * streams. Throws UnknownStreamError, naming the valid streams, for a name outside the catalogue.
   */
  resolve(reads: string | readonly string[]): string[];
}

export function createKeys(prefix: string, partitions: number, extraFamilies: readonly StreamFamily[] = []): Keys {
  const stream = (logical: string) => `${prefix}:{${logical}}`;
  const catalogue = createCatalogue(partitions, extraFamilies);
  return {
    prefix,
    stream,
    logicalName: (key) => {
      const match = /^.*?:\{(.+)\}$/.exec(key);
      return match?.[1] ?? key;
    },
    reportStreams: () => catalogue.expand("reports").map(stream),
    sequence: (streamKey) => `${streamKey}:seq`,
    archiveAttempts: (streamKey, group) => `${streamKey}:archive:${group}`,
    dead: (group) => stream(`dead:${group}`),
    lease: (job) => `${prefix}:{lease:${job}}`,
    readerLease: (group, streamKey) => `${streamKey}:reader:${group}`,
    workers: (group) => `${prefix}:{workers:${group}}`,
    alive: (consumerName) => `${prefix}:{alive:${consumerName}}`,
    connection: (name) => `${prefix}:${name}`,
    catalogue,
    resolve: (reads) => catalogue.expand(reads).map(stream),
  };
}
