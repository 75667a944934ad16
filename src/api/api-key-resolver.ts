/**
 * Resolves `?key=` to an API key (SPEC §1.4): syntactic check, then a lookup cached in process
 * memory — found and not-found alike — for 300 s plus a per-process jitter of up to 30 s, at most
 * 500 entries. A database error gives the all-defaults key and is not cached.
 */
import { DEFAULT_API_KEY, isWellFormedApiKey, type ApiKey } from "../domain/api-key.ts";
import type { Logger } from "../logger.ts";

export type KeyStatus = "none" | "invalid" | "unknown" | "found" | "error";

export interface ResolvedKey {
  readonly status: KeyStatus;
  /** The key's row when found; the default key (SPEC §2.2) otherwise. */
  readonly key: ApiKey;
}

/**
 * The key as the access log names it: a known key by its value (Ichnaea's logs and metrics did
 * the same; the log is the operator's), and a client's unknown or malformed string never, so the
 * log holds no guessed keys or junk: `none`, `invalid` (malformed or unknown) or `error` (the
 * lookup failed).
 */
export function keyLabel(resolved: ResolvedKey): string {
  if (resolved.status === "found") return resolved.key.validKey ?? "invalid";
  return resolved.status === "unknown" ? "invalid" : resolved.status;
}

export interface ApiKeyResolver {
  resolve(raw: string | undefined): Promise<ResolvedKey>;
}

export interface ApiKeyResolverOptions {
  readonly load: (validKey: string) => Promise<ApiKey | null>;
  readonly log: Logger;
  readonly ttlMs?: number;
  readonly maxEntries?: number;
  readonly now?: () => number;
}

export function createApiKeyResolver(options: ApiKeyResolverOptions): ApiKeyResolver {
  const ttlMs = options.ttlMs ?? 300_000 + Math.floor(Math.random() * 30_000);
  const maxEntries = options.maxEntries ?? 500;
  const now = options.now ?? Date.now;
  // Map keeps insertion order, so the first entry is the oldest: a small LRU without a library.
  const cache = new Map<string, { key: ApiKey | null; expires: number }>();
  const inFlight = new Map<string, Promise<ApiKey | null>>();

  async function lookup(validKey: string): Promise<ApiKey | null> {
    const hit = cache.get(validKey);
    if (hit && hit.expires > now()) {
      cache.delete(validKey);
      cache.set(validKey, hit);
      return hit.key;
    }
    let pending = inFlight.get(validKey);
    if (!pending) {
      // Concurrent requests for one key share a single query.
      pending = options.load(validKey).finally(() => inFlight.delete(validKey));
      inFlight.set(validKey, pending);
    }
    const key = await pending;
    cache.delete(validKey);
    cache.set(validKey, { key, expires: now() + ttlMs });
    while (cache.size > maxEntries) cache.delete(cache.keys().next().value!);
    return key;
  }

  return {
    async resolve(raw) {
      if (raw === undefined || raw === "") return { status: "none", key: DEFAULT_API_KEY };
      if (!isWellFormedApiKey(raw)) return { status: "invalid", key: DEFAULT_API_KEY };
      try {
        const key = await lookup(raw);
        return key ? { status: "found", key } : { status: "unknown", key: DEFAULT_API_KEY };
      } catch (err) {
        options.log.warn({ err }, "API key lookup failed; continuing with the default key (no rate limit)");
        return { status: "error", key: DEFAULT_API_KEY };
      }
    },
  };
}
