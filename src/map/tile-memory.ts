/**
 * The tiles a web process answered in the last minute, held in memory in front of the Redis
 * cache. A tile from Redis costs a GET round trip — up to a fifth of the web process's CPU per
 * warm tile, and 15% of a Redis core at 14,000 tiles/s (BENCHMARKS.md, coverage-map tiles) —
 * while a map in use asks for the same tiles again and again as people pan and zoom. A tile is held
 * `ttlMs` from when it was read (so what a browser gets is at most the Redis hour plus that old),
 * at most `maxBytes` of text in all, oldest first out. Requests for a tile that is being read
 * share that one read: a tile nobody has cached costs one MySQL query, not one per browser.
 */
export interface TileMemory {
  /** The held text for `key`, or `load()`'s, which is then held; a failed load is not. */
  read(key: string, load: () => Promise<string>): Promise<string>;
  /** Tiles and bytes of text held (bytes of the reads that have finished). */
  size(): { tiles: number; bytes: number };
}

interface Held {
  readonly text: Promise<string>;
  readonly until: number;
  bytes: number;
}

export function createTileMemory(options: { readonly ttlMs: number; readonly maxBytes: number; readonly now: () => number }): TileMemory {
  // Insertion order is expiry order (one ttl for all), so the oldest entry is always the first.
  const held = new Map<string, Held>();
  let bytes = 0;
  const drop = (key: string, entry: Held) => {
    held.delete(key);
    bytes -= entry.bytes;
  };
  const dropFirstWhile = (test: (entry: Held) => boolean) => {
    for (const [key, entry] of held) {
      if (!test(entry)) return;
      drop(key, entry);
    }
  };
  return {
    read(key, load) {
      const now = options.now();
      dropFirstWhile((e) => e.until <= now);
      const found = held.get(key);
      if (found) return found.text;
      const entry: Held = { text: load(), until: now + options.ttlMs, bytes: 0 };
      held.set(key, entry);
      entry.text.then((text) => {
        if (held.get(key) !== entry) return;
        entry.bytes = text.length;
        bytes += text.length;
        dropFirstWhile(() => bytes > options.maxBytes);
      }, () => {
        if (held.get(key) === entry) drop(key, entry);
      });
      return entry.text;
    },
    size: () => ({ tiles: held.size, bytes }),
  };
}
