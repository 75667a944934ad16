import type { RowDataPacket } from "mysql2/promise";
import type { ApiKey } from "../domain/api-key.ts";
import type { Pool } from "./pool.ts";
import { nullableNumber } from "./row-values.ts";

const flag = (v: unknown) => v !== null && v !== undefined && Number(v) !== 0;
const str = (v: unknown) => (v === null || v === undefined ? null : String(v));

/** One key by exact match of `valid_key` (the hot path; Prisma is kept off it). */
export async function loadApiKey(pool: Pool, validKey: string): Promise<ApiKey | null> {
  const [rows] = await pool.query<RowDataPacket[]>(
    `SELECT valid_key, maxreq, allow_fallback, allow_locate, allow_region, fallback_name, fallback_schema,
            fallback_url, fallback_ratelimit, fallback_ratelimit_interval, fallback_cache_expire,
            store_sample_locate, store_sample_submit
       FROM api_key WHERE valid_key = ?`,
    [validKey],
  );
  const r = rows[0];
  if (!r) return null;
  return {
    validKey: String(r.valid_key), maxreq: nullableNumber(r.maxreq), allowFallback: flag(r.allow_fallback),
    allowLocate: flag(r.allow_locate), allowRegion: flag(r.allow_region), fallbackName: str(r.fallback_name),
    fallbackSchema: str(r.fallback_schema), fallbackUrl: str(r.fallback_url), fallbackRatelimit: nullableNumber(r.fallback_ratelimit),
    fallbackRatelimitInterval: nullableNumber(r.fallback_ratelimit_interval), fallbackCacheExpire: nullableNumber(r.fallback_cache_expire),
    storeSampleLocate: nullableNumber(r.store_sample_locate), storeSampleSubmit: nullableNumber(r.store_sample_submit),
  };
}
