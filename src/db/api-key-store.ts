/**
 * Typed CRUD over `api_key` (SPEC §2.1) through Prisma, for `ichnos keys` and admin tools. The web
 * tier's per-request lookup is a hot path and does not go through here (DESIGN §4).
 */
import { Prisma } from "../../generated/prisma/client.ts";
import type { PrismaClient } from "./prisma-client.ts";

/** One `api_key` row; the SPEC's column names in camelCase, null where the column is NULL. */
export interface ApiKeyRecord {
  readonly validKey: string;
  readonly maxreq: number | null;
  readonly allowFallback: boolean | null;
  readonly allowLocate: boolean | null;
  readonly allowRegion: boolean | null;
  readonly fallbackName: string | null;
  readonly fallbackSchema: string | null;
  readonly fallbackUrl: string | null;
  readonly fallbackRatelimit: number | null;
  readonly fallbackRatelimitInterval: number | null;
  readonly fallbackCacheExpire: number | null;
  readonly storeSampleLocate: number | null;
  readonly storeSampleSubmit: number | null;
}

/** Every column but the key: what `update` may change. */
export type ApiKeyFields = Omit<ApiKeyRecord, "validKey">;

/** Column order of the table, for output that lists every column. */
export const API_KEY_COLUMNS = [
  ["validKey", "valid_key"],
  ["maxreq", "maxreq"],
  ["allowFallback", "allow_fallback"],
  ["allowLocate", "allow_locate"],
  ["allowRegion", "allow_region"],
  ["fallbackName", "fallback_name"],
  ["fallbackSchema", "fallback_schema"],
  ["fallbackUrl", "fallback_url"],
  ["fallbackRatelimit", "fallback_ratelimit"],
  ["fallbackRatelimitInterval", "fallback_ratelimit_interval"],
  ["fallbackCacheExpire", "fallback_cache_expire"],
  ["storeSampleLocate", "store_sample_locate"],
  ["storeSampleSubmit", "store_sample_submit"],
] as const satisfies ReadonlyArray<readonly [keyof ApiKeyRecord, string]>;

/** The values the key-creating CLI uses for columns not given (SPEC §2.1). */
export const API_KEY_DEFAULTS: ApiKeyFields = Object.freeze({
  maxreq: 100,
  allowFallback: false,
  allowLocate: true,
  allowRegion: true,
  fallbackName: null,
  fallbackSchema: null,
  fallbackUrl: null,
  fallbackRatelimit: null,
  fallbackRatelimitInterval: null,
  fallbackCacheExpire: null,
  storeSampleLocate: 100,
  storeSampleSubmit: 100,
});

export class ApiKeyExistsError extends Error {
  readonly key: string;
  readonly existingKey: string;
  constructor(key: string, existingKey: string) {
    super(`API key "${existingKey}" already exists`);
    this.name = "ApiKeyExistsError";
    this.key = key;
    this.existingKey = existingKey;
  }
}

export class ApiKeyNotFoundError extends Error {
  readonly key: string;
  constructor(key: string) {
    super(`no API key "${key}"`);
    this.name = "ApiKeyNotFoundError";
    this.key = key;
  }
}

export interface ApiKeyStore {
  /** Every key, ordered by key. */
  list(): Promise<ApiKeyRecord[]>;
  get(key: string): Promise<ApiKeyRecord | null>;
  /** Throws ApiKeyExistsError when the key (compared as the column's collation does) exists. */
  create(record: ApiKeyRecord): Promise<ApiKeyRecord>;
  /** Changes only the fields present in `changes`; throws ApiKeyNotFoundError. */
  update(key: string, changes: Partial<ApiKeyFields>): Promise<ApiKeyRecord>;
  /** Throws ApiKeyNotFoundError. */
  delete(key: string): Promise<void>;
}

type Row = Prisma.ApiKeyGetPayload<Record<string, never>>;

function toRecord(row: Row): ApiKeyRecord {
  return {
    validKey: row.validKey,
    maxreq: row.maxreq,
    allowFallback: row.allowFallback,
    allowLocate: row.allowLocate,
    allowRegion: row.allowRegion,
    fallbackName: row.fallbackName,
    fallbackSchema: row.fallbackSchema,
    fallbackUrl: row.fallbackUrl,
    fallbackRatelimit: row.fallbackRatelimit,
    fallbackRatelimitInterval: row.fallbackRatelimitInterval,
    fallbackCacheExpire: row.fallbackCacheExpire,
    storeSampleLocate: row.storeSampleLocate,
    storeSampleSubmit: row.storeSampleSubmit,
  };
}

function hasCode(err: unknown, code: string): boolean {
  return err instanceof Prisma.PrismaClientKnownRequestError && err.code === code;
}

export function createApiKeyStore(prisma: PrismaClient): ApiKeyStore {
  const get = async (key: string) => {
    const row = await prisma.apiKey.findUnique({ where: { validKey: key } });
    return row ? toRecord(row) : null;
  };
  return {
    async list() {
      return (await prisma.apiKey.findMany({ orderBy: { validKey: "asc" } })).map(toRecord);
    },
    get,
    async create(record) {
      try {
        return toRecord(await prisma.apiKey.create({ data: { ...record } }));
      } catch (err) {
        // P2002: unique constraint. The collation is case-insensitive, so name the stored key.
        if (hasCode(err, "P2002")) throw new ApiKeyExistsError(record.validKey, (await get(record.validKey))?.validKey ?? record.validKey);
        throw err;
      }
    },
    async update(key, changes) {
      try {
        return toRecord(await prisma.apiKey.update({ where: { validKey: key }, data: { ...changes } }));
      } catch (err) {
        // P2025: the record to update was not found.
        if (hasCode(err, "P2025")) throw new ApiKeyNotFoundError(key);
        throw err;
      }
    },
    async delete(key) {
      const { count } = await prisma.apiKey.deleteMany({ where: { validKey: key } });
      if (count === 0) throw new ApiKeyNotFoundError(key);
    },
  };
}
