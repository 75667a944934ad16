/**
 * API keys as the request pipeline sees them (SPEC §1.4, §2.1, §2.2, §2.4). Pure: the lookup
 * and the cache live in src/api and src/db.
 */
export interface ApiKey {
  /** Null for the default key used without a usable key (SPEC §2.2). */
  readonly validKey: string | null;
  readonly maxreq: number | null;
  readonly allowFallback: boolean;
  readonly allowLocate: boolean;
  readonly allowRegion: boolean;
  readonly fallbackName: string | null;
  readonly fallbackSchema: string | null;
  readonly fallbackUrl: string | null;
  readonly fallbackRatelimit: number | null;
  readonly fallbackRatelimitInterval: number | null;
  readonly fallbackCacheExpire: number | null;
  readonly storeSampleLocate: number | null;
  readonly storeSampleSubmit: number | null;
}

export const DEFAULT_API_KEY: ApiKey = Object.freeze({
  validKey: null, maxreq: 0, allowFallback: false, allowLocate: true, allowRegion: true,
  fallbackName: null, fallbackSchema: null, fallbackUrl: null, fallbackRatelimit: null,
  fallbackRatelimitInterval: null, fallbackCacheExpire: null, storeSampleLocate: 100, storeSampleSubmit: 100,
});

/** SPEC §1.4.2: 4–40 characters of `[-0-9a-z]`, case-insensitively; anything else counts as no key. */
export function isWellFormedApiKey(text: string): boolean {
  return text.length > 3 && text.length < 41 && /^[-0-9a-z]+$/i.test(text);
}

export type ApiKind = "locate" | "region" | "submit";

export function isAllowed(key: ApiKey, kind: ApiKind): boolean {
  if (kind === "locate") return key.allowLocate;
  if (kind === "region") return key.allowRegion;
  return true;
}

/** SPEC §2.4: whether to keep this request's data; `random` is uniform in [0, 1). */
export function shouldStoreSample(key: ApiKey, kind: "locate" | "submit", random: number, globalRate = 100): boolean {
  const p = kind === "submit"
    ? (key.storeSampleSubmit ?? 0) / 100
    : ((key.storeSampleLocate ?? 0) / 100) * (globalRate / 100);
  return p > 0 && p >= random;
}

/** The columns `can_fallback()` reads; both the pipeline's key and the admin record have them. */
export interface FallbackFields {
  readonly allowFallback: boolean | null;
  readonly fallbackName: string | null;
  readonly fallbackUrl: string | null;
  readonly fallbackRatelimit: number | null;
  readonly fallbackRatelimitInterval: number | null;
}

/**
 * Why the key cannot use the external fallback provider: empty when it can. These are
 * `can_fallback()`'s conditions (SPEC §2.1), one message per failed condition.
 */
export function fallbackProblems(key: FallbackFields): string[] {
  const problems: string[] = [];
  if (!key.allowFallback) problems.push(`allow_fallback is ${key.allowFallback === null ? "NULL" : "false"}`);
  if (!key.fallbackName) problems.push("fallback_name is empty");
  if (!key.fallbackUrl) problems.push("fallback_url is empty");
  if (key.fallbackRatelimit === null) problems.push("fallback_ratelimit is NULL (0 would mean unlimited)");
  if (!key.fallbackRatelimitInterval) problems.push(`fallback_ratelimit_interval is ${key.fallbackRatelimitInterval === null ? "NULL" : "0"}`);
  return problems;
}

/** SPEC §2.1 `can_fallback()`. */
export function canFallback(key: FallbackFields): boolean {
  return fallbackProblems(key).length === 0;
}
