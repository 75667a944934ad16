/**
 * Every Redis key Ichnos uses. Each stream carries its own Cluster hash tag (`{…}`) so streams
 * spread over slots, and every key that a multi-key command or script touches together with a
 * stream (its sequence counter) shares that stream's tag.
 */
export const WIFI_SHARDS = "0123456789abcdef".split("");
export const CELL_RADIOS = ["gsm", "wcdma", "lte", "nr"] as const;

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
  /** A consumer's liveness key: it exists while the process running that consumer is up. */
  alive(consumerName: string): string;
  /** Expands `reports`, `obs:wifi`, `obs:blue`, `obs:cell` families; other names are taken as one stream. */
  resolve(reads: string | readonly string[]): string[];
}

export function createKeys(prefix: string, partitions: number): Keys {
  const stream = (logical: string) => `${prefix}:{${logical}}`;
  const families: Record<string, () => string[]> = {
    reports: () => Array.from({ length: partitions }, (_, p) => `reports:${p}`),
    "obs:wifi": () => WIFI_SHARDS.map((h) => `obs:wifi:${h}`),
    "obs:blue": () => WIFI_SHARDS.map((h) => `obs:blue:${h}`),
    "obs:cell": () => CELL_RADIOS.map((r) => `obs:cell:${r}`),
  };
  return {
    prefix,
    stream,
    logicalName: (key) => {
      const match = /^.*?:\{(.+)\}$/.exec(key);
      return match?.[1] ?? key;
    },
    reportStreams: () => families.reports!().map(stream),
    sequence: (streamKey) => `${streamKey}:seq`,
    archiveAttempts: (streamKey, group) => `${streamKey}:archive:${group}`,
    dead: (group) => stream(`dead:${group}`),
    lease: (job) => `${prefix}:{lease:${job}}`,
    alive: (consumerName) => `${prefix}:{alive:${consumerName}}`,
    resolve: (reads) => {
      const names = typeof reads === "string" ? [reads] : reads;
      const out = names.flatMap((name) => (families[name]?.() ?? [name]).map(stream));
      return [...new Set(out)];
    },
  };
}
